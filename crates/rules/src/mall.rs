//! The points mall (积分商城): items bought with points, their stock and per-member limits,
//! and whether a member may redeem one. Storage keeps what was sold; the rules decide.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::coupon::CouponKind;
use crate::program::{Program, Text};
use crate::tier::TierId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mall {
    pub items: Vec<MallItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MallItem {
    pub id: String,
    pub title: Text,
    /// The price in points.
    pub points: i64,
    /// Units for sale in all; none = unlimited.
    #[serde(default)]
    pub stock: Option<i64>,
    /// How many one member may redeem; none = no limit.
    #[serde(default)]
    pub limit: Option<MallLimit>,
    /// The lowest tier that may redeem it; none = every tier.
    #[serde(default)]
    pub min_tier: Option<TierId>,
    /// A coupon item puts this coupon in the member's wallet.
    #[serde(default)]
    pub coupon: Option<CouponTemplate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MallLimit {
    pub count: i64,
    pub period: LimitPeriod,
}

/// The window a per-member limit counts in: the local calendar month, or ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitPeriod {
    Month,
    Lifetime,
}

/// A coupon to issue: its kind and how long it is valid from issuance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponTemplate {
    pub kind: CouponKind,
    pub valid_days: i64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_order_only: bool,
}

/// Why a member can't redeem an item now; the code is the API's stable reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    TierTooLow,
    OutOfStock,
    LimitReached,
    InsufficientPoints,
}

impl Ineligible {
    pub fn code(self) -> &'static str {
        match self {
            Ineligible::TierTooLow => "tier_too_low",
            Ineligible::OutOfStock => "out_of_stock",
            Ineligible::LimitReached => "limit_reached",
            Ineligible::InsufficientPoints => "insufficient_points",
        }
    }
}

/// What storage knows about a member and an item at the moment of a redemption.
#[derive(Debug, Clone, Copy)]
pub struct MallState<'a> {
    pub tier: &'a TierId,
    /// The spendable balance now (unrecorded expiry subtracted); may be negative (a debt).
    pub balance: i64,
    /// Units of the item sold so far, to anyone.
    pub sold: i64,
    /// Units this member redeemed in the limit's current period.
    pub redeemed_in_period: i64,
}

impl Program {
    pub fn mall_item(&self, id: &str) -> Option<&MallItem> {
        self.mall.items.iter().find(|i| i.id == id)
    }

    /// Whether the member may redeem one unit now; the first reason that applies, checked
    /// in a fixed order (tier, stock, limit, points) so the answer is stable.
    pub fn mall_eligibility(&self, item: &MallItem, s: &MallState) -> Result<(), Ineligible> {
        if let Some(min) = &item.min_tier {
            // An unknown tier held (a program edited since) ranks below every tier.
            let held = self.tier_rank(s.tier);
            if held.is_none() || held < self.tier_rank(min) {
                return Err(Ineligible::TierTooLow);
            }
        }
        if item.stock.is_some_and(|stock| s.sold >= stock) {
            return Err(Ineligible::OutOfStock);
        }
        if item
            .limit
            .as_ref()
            .is_some_and(|l| s.redeemed_in_period >= l.count)
        {
            return Err(Ineligible::LimitReached);
        }
        // A redemption needs a sufficient non-negative balance (PROGRAM.md §2).
        if s.balance < item.points {
            return Err(Ineligible::InsufficientPoints);
        }
        Ok(())
    }

    /// Where the limit's current period starts at `now` (local 00:00 of the 1st for a
    /// monthly limit); none when the item has no limit or a lifetime one.
    pub fn mall_period_start(
        &self,
        item: &MallItem,
        now: &DateTime<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        match item.limit.as_ref()?.period {
            LimitPeriod::Lifetime => None,
            LimitPeriod::Month => {
                let today = self.local_date(now);
                let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
                    .expect("the 1st exists in every month");
                Some(self.local_midnight(first))
            }
        }
    }

    pub(crate) fn validate_mall(&self) -> Result<(), (String, &'static str)> {
        for (i, item) in self.mall.items.iter().enumerate() {
            let at = |f: &str| format!("mall.items[{i}].{f}");
            let id_ok = (1..=64).contains(&item.id.len())
                && item
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b));
            if !id_ok {
                return Err((
                    at("id"),
                    "must be 1 to 64 lowercase letters, digits, '-' or '_'",
                ));
            }
            if self.mall.items[..i].iter().any(|o| o.id == item.id) {
                return Err((at("id"), "is used by another item"));
            }
            if item.points <= 0 || item.points > self.limits.max_points_balance {
                return Err((
                    at("points"),
                    "must be positive and within max_points_balance",
                ));
            }
            if item.stock.is_some_and(|s| s < 0) {
                return Err((at("stock"), "must not be negative"));
            }
            if item.limit.as_ref().is_some_and(|l| l.count < 1) {
                return Err((at("limit.count"), "must be at least 1"));
            }
            if let Some(min) = &item.min_tier {
                if self.tier(min).is_none() {
                    return Err((at("min_tier"), "must be a tier of the program"));
                }
            }
            if let Some(c) = &item.coupon {
                c.kind.validate().map_err(|m| (at("coupon.kind"), m))?;
                if c.valid_days <= 0 {
                    return Err((at("coupon.valid_days"), "must be positive"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(tier: &TierId, balance: i64, sold: i64, redeemed: i64) -> MallState<'_> {
        MallState {
            tier,
            balance,
            sold,
            redeemed_in_period: redeemed,
        }
    }

    #[test]
    fn default_catalog_is_program_section_5() {
        let p = Program::default_program();
        let ids: Vec<&str> = p.mall.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "coupon-10",
                "coupon-300-50",
                "tote-bag",
                "keychain",
                "sticker-pack",
                "hot-spring"
            ]
        );
        let spa = p.mall_item("hot-spring").unwrap();
        assert_eq!((spa.points, spa.stock), (20_000, Some(20)));
        assert_eq!(spa.min_tier, Some(TierId::from("diamond")));
    }

    #[test]
    fn reasons_in_a_stable_order() {
        let p = Program::default_program();
        let spa = p.mall_item("hot-spring").unwrap();
        let (gold, diamond) = (TierId::from("gold"), TierId::from("diamond"));
        let check = |s: MallState| p.mall_eligibility(spa, &s);
        assert_eq!(check(state(&gold, 0, 20, 1)), Err(Ineligible::TierTooLow));
        assert_eq!(
            check(state(&diamond, 0, 20, 1)),
            Err(Ineligible::OutOfStock)
        );
        assert_eq!(
            check(state(&diamond, 0, 19, 1)),
            Err(Ineligible::LimitReached)
        );
        assert_eq!(
            check(state(&diamond, 19_999, 19, 0)),
            Err(Ineligible::InsufficientPoints)
        );
        assert_eq!(check(state(&diamond, 20_000, 19, 0)), Ok(()));
        let coupon = p.mall_item("coupon-10").unwrap();
        let regular = TierId::from("regular");
        // Unlimited stock: any number sold.
        assert_eq!(
            p.mall_eligibility(coupon, &state(&regular, 500, 1 << 40, 4)),
            Ok(())
        );
    }

    #[test]
    fn monthly_limits_start_on_the_local_first() {
        let p = Program::default_program();
        let coupon = p.mall_item("coupon-10").unwrap();
        // 2027-03-31 23:30 UTC is April 1 in Shanghai.
        let now = DateTime::parse_from_rfc3339("2027-03-31T23:30:00Z").unwrap();
        let start = p.mall_period_start(coupon, &now).unwrap();
        assert_eq!(start.to_rfc3339(), "2027-04-01T00:00:00+08:00");
        assert_eq!(
            p.mall_period_start(p.mall_item("tote-bag").unwrap(), &now),
            None
        );
    }
}
