//! The points mall (积分商城): items bought with points, their stock and per-member limits,
//! and whether a member may redeem one. Storage keeps what was sold; the rules decide.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::TimeZone;
use crate::coupon::CouponTemplate;
use crate::text::Text;
use crate::tier::{TierId, Tiers};
use crate::units::Points;
use crate::validate::{ensure, ProgramError};

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
    pub points: Points,
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
    /// Its picture: a path on this site (`/pictures/tote-bag.svg`, shipped in the app's
    /// `public/`) or an `https://` URL on the operator's own host (the server allows that
    /// origin in its CSP). None: the screen draws a plain tile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// How the item reaches the member (shipping, a call to book). Required for an item
    /// that is not a coupon: a coupon goes to the wallet at once, anything else must say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<Text>,
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

/// Why a member can't redeem an item now; the code is the API's stable reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    #[error("this item is for a higher tier")]
    TierTooLow,
    #[error("this item is out of stock")]
    OutOfStock,
    #[error("the per-member limit for this item is reached")]
    LimitReached,
    #[error("not enough points for this item")]
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
    pub balance: Points,
    /// Units of the item sold so far, to anyone.
    pub sold: i64,
    /// Units this member redeemed in the limit's current period.
    pub redeemed_in_period: i64,
}

impl Mall {
    pub fn item(&self, id: &str) -> Option<&MallItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Refuses malformed or duplicate ids, prices outside 1..=`max_points_balance`,
    /// negative stock or limits, tiers the program lacks and invalid coupons.
    pub(crate) fn validate(
        &self,
        tiers: &Tiers,
        max_points_balance: Points,
    ) -> Result<(), ProgramError> {
        for (i, item) in self.items.iter().enumerate() {
            let at = |f: &str| format!("items[{i}].{f}");
            let id_ok = (1..=64).contains(&item.id.len())
                && item
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b));
            ensure(
                id_ok,
                at("id"),
                "must be 1 to 64 lowercase letters, digits, '-' or '_'",
            )?;
            ensure(
                !self.items[..i].iter().any(|o| o.id == item.id),
                at("id"),
                "is used by another item",
            )?;
            ensure(
                item.points.is_positive() && item.points <= max_points_balance,
                at("points"),
                "must be positive and within max_points_balance",
            )?;
            ensure(
                item.stock.is_none_or(|s| s >= 0),
                at("stock"),
                "must not be negative",
            )?;
            ensure(
                item.limit.as_ref().is_none_or(|l| l.count >= 1),
                at("limit.count"),
                "must be at least 1",
            )?;
            ensure(
                item.min_tier
                    .as_ref()
                    .is_none_or(|t| tiers.by_id(t).is_some()),
                at("min_tier"),
                "must be a tier of the program",
            )?;
            if let Some(c) = &item.coupon {
                c.validate().map_err(|e| e.within(&at("coupon")))?;
            }
            ensure(
                item.coupon.is_some() || item.fulfilment.is_some(),
                at("fulfilment"),
                "is required for an item that is not a coupon (how it reaches the member)",
            )?;
            ensure(
                item.image.as_deref().is_none_or(image_is_allowed),
                at("image"),
                "must be a path on this site (/…) or an https:// URL, without spaces, quotes or ';'",
            )?;
        }
        Ok(())
    }

    /// The origins (`https://img.example.com`) of the items' pictures hosted elsewhere,
    /// for the server's `img-src`.
    pub fn image_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self
            .items
            .iter()
            .filter_map(|i| i.image.as_deref()?.strip_prefix("https://"))
            .map(|rest| format!("https://{}", rest.split('/').next().unwrap_or(rest)))
            .collect();
        origins.sort();
        origins.dedup();
        origins
    }
}

/// A picture's address may be a same-site path or an https URL with a host; nothing that
/// could break out of an HTML attribute or a CSP directive.
fn image_is_allowed(image: &str) -> bool {
    let clean = !image
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>;,`\\".contains(c));
    let same_site = image.starts_with('/') && !image.starts_with("//");
    let https_host = image
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| !host.is_empty() && !host.contains('@'));
    clean && image.len() <= 512 && (same_site || https_host)
}

impl MallItem {
    /// Whether the member may redeem one unit now; the first reason that applies, checked
    /// in a fixed order (tier, stock, limit, points) so the answer is stable.
    pub fn eligibility(&self, tiers: &Tiers, s: &MallState) -> Result<(), Ineligible> {
        if let Some(min) = &self.min_tier {
            if !tiers.at_least(s.tier, min) {
                return Err(Ineligible::TierTooLow);
            }
        }
        if self.stock.is_some_and(|stock| s.sold >= stock) {
            return Err(Ineligible::OutOfStock);
        }
        if self
            .limit
            .as_ref()
            .is_some_and(|l| s.redeemed_in_period >= l.count)
        {
            return Err(Ineligible::LimitReached);
        }
        // A redemption needs a sufficient non-negative balance (PROGRAM.md §2).
        if s.balance < self.points {
            return Err(Ineligible::InsufficientPoints);
        }
        Ok(())
    }

    /// Where the limit's current period starts at `now` (local 00:00 of the 1st for a
    /// monthly limit); none when the item has no limit or a lifetime one.
    pub fn period_start(
        &self,
        zone: &TimeZone,
        now: &DateTime<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        match self.limit.as_ref()?.period {
            LimitPeriod::Lifetime => None,
            LimitPeriod::Month => {
                let today = zone.local_date(now);
                let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
                    .expect("the 1st exists in every month");
                Some(zone.local_midnight(first))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Program;

    fn state(tier: &TierId, balance: i64, sold: i64, redeemed: i64) -> MallState<'_> {
        MallState {
            tier,
            balance: Points(balance),
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
        let spa = p.mall.item("hot-spring").unwrap();
        assert_eq!((spa.points, spa.stock), (Points(20_000), Some(20)));
        assert_eq!(spa.min_tier, Some(TierId::from("diamond")));
    }

    #[test]
    fn reasons_in_a_stable_order() {
        let p = Program::default_program();
        let spa = p.mall.item("hot-spring").unwrap();
        let (gold, diamond) = (TierId::from("gold"), TierId::from("diamond"));
        let check = |s: MallState| spa.eligibility(&p.tiers, &s);
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
        let coupon = p.mall.item("coupon-10").unwrap();
        let regular = TierId::from("regular");
        // Unlimited stock: any number sold.
        assert_eq!(
            coupon.eligibility(&p.tiers, &state(&regular, 500, 1 << 40, 4)),
            Ok(())
        );
    }

    #[test]
    fn monthly_limits_start_on_the_local_first() {
        let p = Program::default_program();
        let coupon = p.mall.item("coupon-10").unwrap();
        // 2027-03-31 23:30 UTC is April 1 in Shanghai.
        let now = DateTime::parse_from_rfc3339("2027-03-31T23:30:00Z").unwrap();
        let start = coupon.period_start(&p.time_zone, &now).unwrap();
        assert_eq!(start.to_rfc3339(), "2027-04-01T00:00:00+08:00");
        assert_eq!(
            p.mall
                .item("tote-bag")
                .unwrap()
                .period_start(&p.time_zone, &now),
            None
        );
    }

    #[test]
    fn pictures_stay_on_this_site_or_https_and_physical_items_say_how_they_arrive() {
        let p = Program::default_program();
        let tiers = &p.tiers;
        let max = p.limits.max_points_balance;
        let with = |image: &str| {
            let mut mall = p.mall.clone();
            mall.items[0].image = Some(image.to_owned());
            mall
        };
        for ok in ["/mall/a.svg", "https://img.shop.example/a/b.png"] {
            assert_eq!(with(ok).validate(tiers, max), Ok(()), "{ok}");
        }
        for bad in [
            "//evil.example/a.png",
            "http://img.shop.example/a.png",
            "https:///a.png",
            "https://a.example/x.png; script-src *",
            "/a b.svg",
            "/a\"onerror=\"x.svg",
            "javascript:alert(1)",
        ] {
            let err = with(bad).validate(tiers, max).unwrap_err();
            assert_eq!(err.field, "items[0].image", "{bad}");
        }
        let mut mall = with("https://img.shop.example/a/b.png");
        mall.items[1].image = Some("https://img.shop.example/c.png".into());
        mall.items[2].image = Some("https://cdn.shop.example:8443/t.png".into());
        assert_eq!(
            mall.image_origins(),
            ["https://cdn.shop.example:8443", "https://img.shop.example"]
        );
        // Every physical item of the default program says how it arrives.
        assert!(p
            .mall
            .items
            .iter()
            .all(|i| i.coupon.is_some() || i.fulfilment.is_some()));
        let mut mall = p.mall.clone();
        let tote = mall.items.iter_mut().find(|i| i.id == "tote-bag").unwrap();
        tote.fulfilment = None;
        let err = mall.validate(tiers, max).unwrap_err();
        assert_eq!(err.field, "items[2].fulfilment");
    }
}
