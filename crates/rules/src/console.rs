//! The operators' console's own numbers (issue 40): how far one points adjustment may go,
//! and when a member who bought before counts as at risk of churning.

use serde::{Deserialize, Serialize};

use crate::units::Points;
use crate::validate::{ensure, ProgramError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleRules {
    /// The most points one adjustment may add or take.
    pub points_adjustment_max: Points,
    /// A member whose last order is this many days old or more is at risk of churning.
    pub churn_after_days: u32,
}

/// Why an adjustment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdjustmentProblem {
    #[error("an adjustment adds or takes at least one point")]
    Zero,
    #[error("one adjustment adds or takes at most {max} points")]
    OverMax { max: i64 },
    #[error("the member has {balance} points: an adjustment cannot take more")]
    BelowZero { balance: i64 },
}

impl ConsoleRules {
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            self.points_adjustment_max.0 > 0,
            "points_adjustment_max",
            "must be positive",
        )?;
        ensure(
            (1..=3660).contains(&self.churn_after_days),
            "churn_after_days",
            "must be 1 to 3660",
        )
    }

    /// Whether an adjustment of `points` (negative: taken) may be made to a balance.
    pub fn check_adjustment(
        &self,
        points: Points,
        balance: Points,
    ) -> Result<(), AdjustmentProblem> {
        let max = self.points_adjustment_max.0;
        match points.0 {
            0 => Err(AdjustmentProblem::Zero),
            p if p.unsigned_abs() > max.unsigned_abs() => Err(AdjustmentProblem::OverMax { max }),
            p if p < 0 && balance.0 + p < 0 => {
                Err(AdjustmentProblem::BelowZero { balance: balance.0 })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: ConsoleRules = ConsoleRules {
        points_adjustment_max: Points(10_000),
        churn_after_days: 90,
    };

    #[test]
    fn an_adjustment_is_nonzero_within_the_maximum_and_leaves_no_debt() {
        let check = |p, b| RULES.check_adjustment(Points(p), Points(b));
        assert_eq!(check(0, 500), Err(AdjustmentProblem::Zero));
        assert_eq!(check(10_000, 0), Ok(()));
        assert_eq!(check(-10_000, 10_000), Ok(()));
        assert_eq!(
            check(10_001, 0),
            Err(AdjustmentProblem::OverMax { max: 10_000 })
        );
        assert_eq!(
            check(-10_001, 50_000),
            Err(AdjustmentProblem::OverMax { max: 10_000 })
        );
        assert_eq!(
            check(-501, 500),
            Err(AdjustmentProblem::BelowZero { balance: 500 })
        );
        assert_eq!(check(-500, 500), Ok(()));
        assert_eq!(
            check(i64::MIN, 0),
            Err(AdjustmentProblem::OverMax { max: 10_000 })
        );
    }

    #[test]
    fn the_numbers_must_make_sense() {
        let mut bad = RULES;
        bad.points_adjustment_max = Points(0);
        assert!(bad.validate().is_err());
        let mut bad = RULES;
        bad.churn_after_days = 0;
        assert!(bad.validate().is_err());
        assert!(RULES.validate().is_ok());
    }
}
