//! Keeping a tier (PROGRAM.md §1, downgrade): the monthly evaluation and the retention line
//! `保级还差¥X` that tells a member below their tier's threshold what keeps it, and by when.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::program::Program;
use crate::tier::TierId;

/// A member's standing after one monthly evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub tier: TierId,
    /// Consecutive evaluations below the held tier's threshold (0 after a drop or a pass).
    pub below_count: u32,
    pub dropped: bool,
}

/// What keeps the held tier: spend `gap_fen` more before the evaluation on `by`, or the tier
/// drops one step then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub tier: TierId,
    pub gap_fen: Fen,
    /// The local date of the evaluation at which the tier would drop.
    pub by: NaiveDate,
}

impl Program {
    /// The evaluation of a member holding `held` with trailing spend `spend_fen` at the
    /// evaluation instant, after `below_count` consecutive evaluations below.
    pub fn evaluate_downgrade(
        &self,
        held: &TierId,
        spend_fen: Fen,
        below_count: u32,
    ) -> Evaluation {
        let rules = &self.membership.downgrade;
        let threshold = self.tier(held).map_or(0, |t| t.threshold_fen);
        if spend_fen >= threshold {
            return Evaluation {
                tier: held.clone(),
                below_count: 0,
                dropped: false,
            };
        }
        let count = below_count + 1;
        if count < rules.consecutive_below_evaluations {
            return Evaluation {
                tier: held.clone(),
                below_count: count,
                dropped: false,
            };
        }
        // One step down, but never below the tier the spend itself reaches.
        let rank = self.tier_rank(held).unwrap_or(0);
        let reached = self
            .tier_rank(&self.tier_for_spend(spend_fen).id)
            .unwrap_or(0);
        let to = rank.saturating_sub(1).max(reached);
        Evaluation {
            tier: self.tiers[to].id.clone(),
            below_count: 0,
            dropped: to < rank,
        }
    }

    /// The first evaluation date strictly after local date `today`.
    pub fn next_evaluation_after(&self, today: NaiveDate) -> NaiveDate {
        let day = self.membership.downgrade.evaluation_day_of_month;
        let this_month = today.with_day(day).expect("validated: day 1 to 28");
        if this_month > today {
            this_month
        } else {
            this_month + Months::new(1)
        }
    }

    /// The date of the evaluation at which a member with `below_count` consecutive
    /// evaluations below would drop, if still below at each one until then.
    pub fn drop_evaluation(&self, today: NaiveDate, below_count: u32) -> NaiveDate {
        let left = self
            .membership
            .downgrade
            .consecutive_below_evaluations
            .saturating_sub(below_count)
            .max(1);
        self.next_evaluation_after(today) + Months::new(left - 1)
    }

    /// The retention line for a member holding `held`, whose trailing spend at the drop
    /// evaluation would be `spend_at_drop_fen` without new orders. None when that spend
    /// keeps the tier (or at the lowest tier, which cannot drop).
    pub fn retention(
        &self,
        held: &TierId,
        below_count: u32,
        today: NaiveDate,
        spend_at_drop_fen: Fen,
    ) -> Option<Retention> {
        let rank = self.tier_rank(held)?;
        if rank == 0 {
            return None;
        }
        let threshold = self.tiers[rank].threshold_fen;
        (spend_at_drop_fen < threshold).then(|| Retention {
            tier: held.clone(),
            gap_fen: threshold - spend_at_drop_fen,
            by: self.drop_evaluation(today, below_count),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn six_evaluations_below_drop_one_tier() {
        let p = Program::default_program();
        let gold = TierId::from("gold");
        let mut count = 0;
        for i in 1..=5 {
            let e = p.evaluate_downgrade(&gold, 10_000, count);
            assert_eq!(
                (e.tier.as_str(), e.below_count, e.dropped),
                ("gold", i, false)
            );
            count = e.below_count;
        }
        let e = p.evaluate_downgrade(&gold, 10_000, count);
        // One step: silver, although the spend only reaches regular.
        assert_eq!(
            (e.tier.as_str(), e.below_count, e.dropped),
            ("silver", 0, true)
        );
    }

    #[test]
    fn reaching_the_threshold_resets_the_count() {
        let p = Program::default_program();
        let e = p.evaluate_downgrade(&TierId::from("gold"), 200_000, 5);
        assert_eq!((e.tier.as_str(), e.below_count), ("gold", 0));
        let e = p.evaluate_downgrade(&TierId::from("regular"), 0, 9);
        assert_eq!((e.tier.as_str(), e.dropped), ("regular", false));
    }

    #[test]
    fn retention_names_the_gap_and_the_drop_date() {
        let p = Program::default_program();
        let r = p
            .retention(&TierId::from("gold"), 2, d("2026-11-23"), 150_000)
            .unwrap();
        // Evaluations Dec 1, Jan 1, Feb 1, Mar 1: the 4th more below (2 + 4 = 6) drops.
        assert_eq!((r.gap_fen, r.by), (50_000, d("2027-03-01")));
        assert_eq!(p.drop_evaluation(d("2026-12-01"), 5), d("2027-01-01"));
        assert!(p
            .retention(&TierId::from("gold"), 0, d("2026-11-23"), 200_000)
            .is_none());
        assert!(p
            .retention(&TierId::from("regular"), 0, d("2026-11-23"), 0)
            .is_none());
    }
}
