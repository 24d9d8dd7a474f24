//! `GET /api/me/coupons`: the wallet.

use chrono::{DateTime, FixedOffset};
use rules::CouponKind;
use rules::Text;
use serde::{Deserialize, Serialize};

use crate::AllVariants;

/// A coupon's state at a time (the rules decide: `rules::coupon::coupon_status`).
pub use rules::coupon::CouponStatus;

impl AllVariants for CouponStatus {
    const ALL: &'static [CouponStatus] = &[
        CouponStatus::Available,
        CouponStatus::Used,
        CouponStatus::Expired,
        CouponStatus::Void,
    ];
}

/// How a coupon came into the wallet (defined with the rules, which award some).
pub use rules::coupon::CouponSource;

impl AllVariants for CouponSource {
    const ALL: &'static [CouponSource] = &CouponSource::ALL;
}

/// `?status=available|used|expired|void`; none: every coupon.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletQuery {
    pub status: Option<CouponStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wallet {
    /// What expires first first.
    pub coupons: Vec<WalletCoupon>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalletCoupon {
    pub id: String,
    pub kind: CouponKind,
    pub title: Text,
    pub source: CouponSource,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub valid_from: DateTime<FixedOffset>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub valid_until: DateTime<FixedOffset>,
    pub first_order_only: bool,
    /// As of the answer.
    pub status: CouponStatus,
    #[serde(default, deserialize_with = "rules::rfc3339::opt_instant")]
    pub used_at: Option<DateTime<FixedOffset>>,
    pub used_order_id: Option<String>,
    /// When it came into the wallet.
    #[serde(default, deserialize_with = "rules::rfc3339::opt_instant")]
    pub received_at: Option<DateTime<FixedOffset>>,
}

/// The wallet's order, for the server's lists and the app's: what expires first first,
/// then by id, so the order is stable.
pub fn sort_wallet(coupons: &mut [WalletCoupon]) {
    coupons.sort_by(|a, b| (a.valid_until, &a.id).cmp(&(b.valid_until, &b.id)));
}

impl WalletCoupon {
    /// The rules' view of it, to ask whether it fits a cart.
    pub fn rules_coupon(&self) -> rules::Coupon {
        rules::Coupon {
            id: self.id.clone(),
            kind: self.kind.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            first_order_only: self.first_order_only,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_their_serde_names() {
        for s in <CouponSource as AllVariants>::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(CouponSource::parse(s.as_str()), Some(*s));
        }
    }
}
