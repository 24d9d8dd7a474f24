//! `GET /api/demo/members` (demo mode only).

use chrono::{DateTime, FixedOffset};
use rules::quote::MemberSnapshot;
use rules::{Fen, Points, TierId};
use serde::{Deserialize, Serialize};

use crate::Later;

/// A demo member: what the home shows of them, and the quote's snapshot of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoMember {
    pub id: String,
    pub nickname: String,
    pub tier: TierId,
    pub qualifying_spend_fen: Fen,
    pub points_balance: Points,
    /// Coupons the member may use at the answer's time (`rules::coupon::usable_at`).
    pub usable_coupons: i64,
    /// Read by the preview and the wallet only (`Later`).
    pub snapshot: Later<MemberSnapshot>,
}

impl DemoMember {
    /// The home's fields taken from `snapshot`, as it is at `now`.
    pub fn new(
        id: String,
        nickname: String,
        snapshot: MemberSnapshot,
        now: &DateTime<FixedOffset>,
    ) -> DemoMember {
        DemoMember {
            id,
            nickname,
            tier: snapshot.tier.clone(),
            qualifying_spend_fen: snapshot.qualifying_spend_fen,
            points_balance: snapshot.points_balance,
            usable_coupons: rules::coupon::usable_at(&snapshot.coupons, now, snapshot.first_order)
                as i64,
            snapshot: Later::new(snapshot),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoMembers {
    pub members: Vec<DemoMember>,
}
