//! Keeping a tier (PROGRAM.md §1, downgrade): the monthly evaluation and the retention line
//! `保级还差¥X` that tells a member below their tier's threshold what keeps it, and by when.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::tier::{TierId, Tiers};
use crate::validate::{ensure, ensure_day_of_month, ProgramError};

/// Keeping a tier, and joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub downgrade: Downgrade,
    /// The version of the privacy notice a new member consents to at registration.
    pub privacy_notice_version: String,
}

/// The monthly downgrade evaluation (PROGRAM.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downgrade {
    /// Evaluations happen at local 00:00 on this day of every month.
    pub evaluation_day_of_month: u32,
    /// This many consecutive evaluations below the held tier's threshold drop it one tier.
    pub consecutive_below_evaluations: u32,
}

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
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub by: NaiveDate,
}

impl Membership {
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure_day_of_month(
            self.downgrade.evaluation_day_of_month,
            "downgrade.evaluation_day_of_month",
        )?;
        ensure(
            self.downgrade.consecutive_below_evaluations >= 1,
            "downgrade.consecutive_below_evaluations",
            "must be at least 1",
        )?;
        ensure(
            !self.privacy_notice_version.trim().is_empty(),
            "privacy_notice_version",
            "must not be empty",
        )
    }
}

impl Downgrade {
    /// The evaluation of a member holding `held` with trailing spend `spend_fen` at the
    /// evaluation instant, after `below_count` consecutive evaluations below.
    pub fn evaluate(
        &self,
        tiers: &Tiers,
        held: &TierId,
        spend_fen: Fen,
        below_count: u32,
    ) -> Evaluation {
        let threshold = tiers.by_id(held).map_or(Fen::ZERO, |t| t.threshold_fen);
        if spend_fen >= threshold {
            return Evaluation {
                tier: held.clone(),
                below_count: 0,
                dropped: false,
            };
        }
        let count = below_count + 1;
        if count < self.consecutive_below_evaluations {
            return Evaluation {
                tier: held.clone(),
                below_count: count,
                dropped: false,
            };
        }
        // One step down, but never below the tier the spend itself reaches.
        let rank = tiers.rank(held).unwrap_or(0);
        let reached = tiers.rank(&tiers.for_spend(spend_fen).id).unwrap_or(0);
        let to = rank.saturating_sub(1).max(reached);
        Evaluation {
            tier: tiers[to].id.clone(),
            below_count: 0,
            dropped: to < rank,
        }
    }

    /// The first evaluation date strictly after local date `today`.
    pub fn next_evaluation_after(&self, today: NaiveDate) -> NaiveDate {
        let this_month = today
            .with_day(self.evaluation_day_of_month)
            .expect("validated: day 1 to 28");
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
        tiers: &Tiers,
        held: &TierId,
        below_count: u32,
        today: NaiveDate,
        spend_at_drop_fen: Fen,
    ) -> Option<Retention> {
        let rank = tiers.rank(held)?;
        if rank == 0 {
            return None;
        }
        let threshold = tiers[rank].threshold_fen;
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
    use crate::program::Program;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn six_evaluations_below_drop_one_tier() {
        let p = Program::default_program();
        let gold = TierId::from("gold");
        let mut count = 0;
        for i in 1..=5 {
            let e = p
                .membership
                .downgrade
                .evaluate(&p.tiers, &gold, Fen(10_000), count);
            assert_eq!(
                (e.tier.as_str(), e.below_count, e.dropped),
                ("gold", i, false)
            );
            count = e.below_count;
        }
        let e = p
            .membership
            .downgrade
            .evaluate(&p.tiers, &gold, Fen(10_000), count);
        // One step: silver, although the spend only reaches regular.
        assert_eq!(
            (e.tier.as_str(), e.below_count, e.dropped),
            ("silver", 0, true)
        );
    }

    #[test]
    fn reaching_the_threshold_resets_the_count() {
        let p = Program::default_program();
        let e = p
            .membership
            .downgrade
            .evaluate(&p.tiers, &TierId::from("gold"), Fen(200_000), 5);
        assert_eq!((e.tier.as_str(), e.below_count), ("gold", 0));
        let e = p
            .membership
            .downgrade
            .evaluate(&p.tiers, &TierId::from("regular"), Fen(0), 9);
        assert_eq!((e.tier.as_str(), e.dropped), ("regular", false));
    }

    #[test]
    fn retention_names_the_gap_and_the_drop_date() {
        let p = Program::default_program();
        let r = p
            .membership
            .downgrade
            .retention(
                &p.tiers,
                &TierId::from("gold"),
                2,
                d("2026-11-23"),
                Fen(150_000),
            )
            .unwrap();
        // Evaluations Dec 1, Jan 1, Feb 1, Mar 1: the 4th more below (2 + 4 = 6) drops.
        assert_eq!((r.gap_fen, r.by), (Fen(50_000), d("2027-03-01")));
        assert_eq!(
            p.membership.downgrade.drop_evaluation(d("2026-12-01"), 5),
            d("2027-01-01")
        );
        assert!(p
            .membership
            .downgrade
            .retention(
                &p.tiers,
                &TierId::from("gold"),
                0,
                d("2026-11-23"),
                Fen(200_000)
            )
            .is_none());
        assert!(p
            .membership
            .downgrade
            .retention(
                &p.tiers,
                &TierId::from("regular"),
                0,
                d("2026-11-23"),
                Fen(0)
            )
            .is_none());
    }
}
