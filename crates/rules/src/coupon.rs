//! Coupons (优惠券): kinds, when one is usable, what it saves, and the automatic choice.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::money::{percent_of, Fen};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CouponKind {
    /// 无门槛券: a fixed amount off any order.
    NoThreshold { off_fen: Fen },
    /// 满减券: a fixed amount off once the order reaches a minimum.
    Threshold { min_spend_fen: Fen, off_fen: Fen },
    /// 折扣券: a percent off, optionally capped.
    Percent {
        percent_off: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_off_fen: Option<Fen>,
    },
}

impl CouponKind {
    /// The order amount (after member discount) the coupon needs.
    pub fn min_spend_fen(&self) -> Fen {
        match self {
            CouponKind::Threshold { min_spend_fen, .. } => *min_spend_fen,
            CouponKind::NoThreshold { .. } | CouponKind::Percent { .. } => 0,
        }
    }

    /// What the coupon takes off an amount; never more than the amount itself.
    pub fn saving(&self, amount_fen: Fen) -> Fen {
        let saving = match self {
            CouponKind::NoThreshold { off_fen } | CouponKind::Threshold { off_fen, .. } => *off_fen,
            CouponKind::Percent {
                percent_off,
                max_off_fen,
            } => {
                let off = percent_of(amount_fen, *percent_off);
                max_off_fen.map_or(off, |cap| off.min(cap))
            }
        };
        saving.min(amount_fen).max(0)
    }

    /// Refuses amounts and percents that make no sense, with the reason.
    pub fn validate(&self) -> Result<(), &'static str> {
        match self {
            CouponKind::NoThreshold { off_fen } if *off_fen <= 0 => Err("off_fen must be positive"),
            CouponKind::Threshold {
                min_spend_fen,
                off_fen,
            } if *off_fen <= 0 || *min_spend_fen < 0 => {
                Err("off_fen must be positive and min_spend_fen not negative")
            }
            CouponKind::Percent {
                percent_off,
                max_off_fen,
            } if !(1..=100).contains(percent_off) || max_off_fen.is_some_and(|m| m <= 0) => {
                Err("percent_off must be 1 to 100 and max_off_fen positive")
            }
            _ => Ok(()),
        }
    }
}

/// A coupon in a member's wallet, as the quote sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coupon {
    pub id: String,
    pub kind: CouponKind,
    pub valid_from: DateTime<FixedOffset>,
    /// The first instant at which the coupon is no longer valid.
    pub valid_until: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_order_only: bool,
}

/// Why a coupon can't be used for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CouponProblem {
    NotYetValid,
    Expired,
    FirstOrderOnly,
    /// The order (after member discount) is `missing_fen` short of the threshold.
    BelowThreshold {
        missing_fen: Fen,
    },
}

impl Coupon {
    /// The saving on an amount (after member discount), or why the coupon is unusable.
    pub fn check(
        &self,
        now: &DateTime<FixedOffset>,
        first_order: bool,
        amount_fen: Fen,
    ) -> Result<Fen, CouponProblem> {
        if *now < self.valid_from {
            return Err(CouponProblem::NotYetValid);
        }
        if *now >= self.valid_until {
            return Err(CouponProblem::Expired);
        }
        if self.first_order_only && !first_order {
            return Err(CouponProblem::FirstOrderOnly);
        }
        let min = self.kind.min_spend_fen();
        if amount_fen < min {
            return Err(CouponProblem::BelowThreshold {
                missing_fen: min - amount_fen,
            });
        }
        Ok(self.kind.saving(amount_fen))
    }
}

/// The automatic choice: the largest saving; tie → the earliest `valid_until`; tie → the
/// smallest id in byte order. A coupon that would save nothing is never chosen.
pub fn best_coupon<'a>(
    wallet: &'a [Coupon],
    now: &DateTime<FixedOffset>,
    first_order: bool,
    amount_fen: Fen,
) -> Option<(&'a Coupon, Fen)> {
    wallet
        .iter()
        .filter_map(|c| match c.check(now, first_order, amount_fen) {
            Ok(saving) if saving > 0 => Some((c, saving)),
            _ => None,
        })
        .min_by(|(a, sa), (b, sb)| {
            sb.cmp(sa)
                .then(a.valid_until.cmp(&b.valid_until))
                .then(a.id.as_bytes().cmp(b.id.as_bytes()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn coupon(id: &str, kind: CouponKind) -> Coupon {
        Coupon {
            id: id.into(),
            kind,
            valid_from: at("2026-01-01T00:00:00+08:00"),
            valid_until: at("2026-02-01T00:00:00+08:00"),
            first_order_only: false,
        }
    }

    #[test]
    fn validity_window_is_half_open() {
        let c = coupon("a", CouponKind::NoThreshold { off_fen: 500 });
        assert_eq!(
            c.check(&at("2026-01-01T00:00:00+08:00"), false, 100),
            Ok(100)
        );
        assert_eq!(
            c.check(&at("2026-02-01T00:00:00+08:00"), false, 1000),
            Err(CouponProblem::Expired)
        );
        assert_eq!(
            c.check(&at("2025-12-31T15:59:59Z"), false, 1000),
            Err(CouponProblem::NotYetValid)
        );
    }

    #[test]
    fn threshold_says_how_much_more() {
        let c = coupon(
            "t",
            CouponKind::Threshold {
                min_spend_fen: 10000,
                off_fen: 1500,
            },
        );
        assert_eq!(
            c.check(&at("2026-01-10T00:00:00+08:00"), false, 6300),
            Err(CouponProblem::BelowThreshold { missing_fen: 3700 })
        );
    }

    #[test]
    fn zero_saving_coupon_is_not_chosen() {
        let wallet = [coupon(
            "p",
            CouponKind::Percent {
                percent_off: 10,
                max_off_fen: None,
            },
        )];
        assert!(best_coupon(&wallet, &at("2026-01-10T00:00:00+08:00"), false, 5).is_none());
    }
}
