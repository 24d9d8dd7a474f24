//! The program's two quantities as distinct types, so that money and points cannot be
//! mixed by mistake: [`Fen`] (money, 1/100 yuan) and [`Points`]. Both are integers, read
//! and written as plain JSON numbers; converting one into the other is a rule of the
//! program (`PointsRules`), never an `as`.
//!
//! ```compile_fail
//! use member_rules::{Fen, Points};
//! let _mixed = Fen(100) + Points(100); // money plus points does not compile
//! ```
//!
//! ```compile_fail
//! use member_rules::{Fen, Points};
//! let _spend: Fen = Points(100); // nor does points where money is expected
//! ```

use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// Defines an integer quantity with the arithmetic that keeps its unit: sums and
/// differences of the same unit, multiples by a count, and percents rounded down.
macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize,
            Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            pub const ZERO: $name = $name(0);

            /// The number, for storage and display.
            pub const fn get(self) -> i64 {
                self.0
            }

            /// `floor(self × percent / 100)` for a non-negative amount: "rounded down".
            pub const fn percent(self, percent: i64) -> $name {
                $name(self.0 * percent / 100)
            }

            pub const fn is_positive(self) -> bool {
                self.0 > 0
            }

            pub const fn is_negative(self) -> bool {
                self.0 < 0
            }

            pub fn unsigned_abs(self) -> u64 {
                self.0.unsigned_abs()
            }
        }

        impl From<i64> for $name {
            fn from(n: i64) -> $name {
                $name(n)
            }
        }

        impl From<$name> for i64 {
            fn from(q: $name) -> i64 {
                q.0
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, other: $name) -> $name {
                $name(self.0 + other.0)
            }
        }

        impl Sub for $name {
            type Output = $name;
            fn sub(self, other: $name) -> $name {
                $name(self.0 - other.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, other: $name) {
                self.0 += other.0;
            }
        }

        impl SubAssign for $name {
            fn sub_assign(&mut self, other: $name) {
                self.0 -= other.0;
            }
        }

        impl Neg for $name {
            type Output = $name;
            fn neg(self) -> $name {
                $name(-self.0)
            }
        }

        /// A multiple by a count (a quantity of items, a number of steps).
        impl Mul<i64> for $name {
            type Output = $name;
            fn mul(self, count: i64) -> $name {
                $name(self.0 * count)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(items: I) -> $name {
                $name(items.map(|q| q.0).sum())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

quantity!(
    /// An amount of money in fen (¥1 = 100 fen). The quote validates its inputs against
    /// the program's limits, so every product computed from them stays far inside `i64`.
    Fen
);

quantity!(
    /// A number of loyalty points.
    Points
);

impl Points {
    /// Down to a whole number of `step`s (points are used as cash in whole steps).
    pub const fn round_down_to(self, step: Points) -> Points {
        Points(self.0 - self.0 % step.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_keep_their_arithmetic() {
        assert_eq!(Fen(12_345).percent(10), Fen(1_234));
        assert_eq!(Fen(100) * 3 - Fen(50), Fen(250));
        assert_eq!(
            [Points(1), Points(2)].into_iter().sum::<Points>(),
            Points(3)
        );
        assert_eq!(serde_json::to_string(&Fen(-5)).unwrap(), "-5");
        assert_eq!(serde_json::from_str::<Points>("42").unwrap(), Points(42));
    }
}
