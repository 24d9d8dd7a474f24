//! Bounds on what the rules are asked to compute, so that bad or absurd input is refused
//! instead of overflowing.

use serde::{Deserialize, Serialize};

use crate::units::{Fen, Points};
use crate::validate::{ensure, ProgramError};

/// Bounds on a quote's input: every product the quote computes stays inside `i64`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_cart_lines: usize,
    pub max_quantity: i64,
    /// Bound on a unit price, the shipping fee and the cart's subtotal.
    pub max_amount_fen: Fen,
    pub max_member_spend_fen: Fen,
    pub max_points_balance: Points,
    pub max_coupons: usize,
}

impl Limits {
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            self.max_cart_lines > 0,
            "max_cart_lines",
            "must be positive",
        )?;
        ensure(self.max_coupons > 0, "max_coupons", "must be positive")?;
        ensure(self.max_quantity > 0, "max_quantity", "must be positive")?;
        // Bounds chosen so that amount × 100 (a percent) × lines cannot overflow i64.
        ensure(
            self.max_amount_fen.is_positive() && self.max_amount_fen <= Fen(1_000_000_000_000),
            "max_amount_fen",
            "must be from 1 to 10^12",
        )?;
        ensure(
            self.max_member_spend_fen.is_positive()
                && self.max_member_spend_fen <= Fen(1_000_000_000_000_000),
            "max_member_spend_fen",
            "must be from 1 to 10^15",
        )?;
        ensure(
            self.max_points_balance.is_positive()
                && self.max_points_balance <= Points(1_000_000_000_000_000),
            "max_points_balance",
            "must be from 1 to 10^15",
        )
    }
}
