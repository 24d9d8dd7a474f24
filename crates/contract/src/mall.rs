//! `GET /api/mall` and `POST /api/mall/redeem`.

use chrono::{DateTime, FixedOffset};
use rules::mall::MallItem;
use rules::CouponKind;
use rules::Points;
use rules::Text;
use serde::{Deserialize, Serialize};

use crate::AllVariants;

/// Why a member can't redeem an item now (the rules decide; the serde name is the wire
/// reason).
pub use rules::mall::Ineligible;

impl AllVariants for Ineligible {
    const ALL: &'static [Ineligible] = &[
        Ineligible::TierTooLow,
        Ineligible::OutOfStock,
        Ineligible::LimitReached,
        Ineligible::InsufficientPoints,
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    pub item_id: String,
}

/// The answer to a redemption (stored, and replayed as it is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redeemed {
    /// The request's Idempotency-Key.
    pub redemption_id: String,
    pub item_id: String,
    pub points: Points,
    pub points_balance_after: Points,
    /// For a coupon item: the coupon now in the wallet.
    pub coupon: Option<IssuedCoupon>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub redeemed_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedCoupon {
    pub id: String,
    pub title: Text,
    pub kind: CouponKind,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub valid_from: DateTime<FixedOffset>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub valid_until: DateTime<FixedOffset>,
}

/// The catalog as this member sees it now, or as anyone does (logged out: no balance,
/// nothing eligible, no reason given: redeeming starts with logging in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// None when logged out.
    pub points_balance: Option<Points>,
    pub items: Vec<CatalogItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogItem {
    #[serde(flatten)]
    pub item: MallItem,
    /// Units left; null for an unlimited stock.
    pub remaining: Option<i64>,
    /// Units this member redeemed in the limit's current period (month or ever).
    pub redeemed_in_period: i64,
    pub eligible: bool,
    /// Why not, when not eligible.
    pub reason: Option<Ineligible>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalog_item_reads_back_what_it_writes() {
        let program = rules::Program::default_program();
        for item in &program.mall.items {
            let entry = CatalogItem {
                item: item.clone(),
                remaining: Some(3),
                redeemed_in_period: 1,
                eligible: false,
                reason: Some(Ineligible::LimitReached),
            };
            let json = serde_json::to_value(&entry).unwrap();
            assert_eq!(json["id"], item.id.as_str());
            assert_eq!(json["reason"], "limit_reached");
            let back: CatalogItem = serde_json::from_value(json).unwrap();
            assert_eq!(back, entry);
        }
    }
}
