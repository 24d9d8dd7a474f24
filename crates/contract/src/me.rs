//! `GET /api/me`, `PATCH /api/me`, `POST /api/me/checkin`.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::membership::Retention;
use rules::quote::MemberSnapshot;
use rules::tier::NextTier;
use rules::{Fen, Points};
use rules::{Text, TierId};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::Later;

/// The home screen's numbers, computed at request time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    /// `None` until the member chooses one: the app names them by their phone's last
    /// digits (`会员1234`, `Member 1234`).
    pub nickname: Option<String>,
    /// `138****1234`.
    pub phone_masked: Option<String>,
    pub role: Role,
    /// The language the member chose (`zh`, `en`), on any device.
    pub locale: Option<String>,
    /// `1990-07-14`, or `--07-14` when the member gave no year.
    pub birthday: Option<rules::Birthday>,
    pub tier: TierId,
    pub qualifying_spend_fen: Fen,
    pub lifetime_spend_fen: Fen,
    pub next_tier: Option<NextTier>,
    /// A tier reached since the member was last shown one: the app celebrates it once,
    /// then says so (`POST /api/me/celebrated`).
    #[serde(default)]
    pub celebrate: Option<TierId>,
    /// Coupons given to the member since they last saw them announced (a new member's
    /// pack, an invite's reward, the monthly and birthday coupons, a staff grant), still
    /// usable; home announces them once (`POST /api/me/gifts-seen`).
    #[serde(default)]
    pub arrived: Option<Arrived>,
    /// When the member's next monthly coupon comes (the tiers that get one), local date.
    #[serde(default, deserialize_with = "rules::rfc3339::opt_date")]
    pub next_monthly_coupon: Option<NaiveDate>,
    /// For a member whose spend is below the tier it holds: what keeps it, by when.
    pub retention: Option<Retention>,
    pub points_balance: Points,
    pub points_expiring: Option<Expiring>,
    pub coupons: CouponCounts,
    pub checkin: CheckinState,
    /// The member as the quote sees them now: the preview prices with exactly this.
    /// Read by the preview and the wallet only (`Later`: the home shows the fields above).
    pub snapshot: Later<MemberSnapshot>,
    /// The titles of the snapshot's coupons, by id (the preview lists them by name).
    #[serde(default)]
    pub coupon_titles: Later<BTreeMap<String, Text>>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub now: DateTime<FixedOffset>,
}

/// Points that expire soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expiring {
    pub points: Points,
    /// The first instant at which (the first of) these points are gone.
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CouponCounts {
    /// Unused, not expired and not void, including those whose validity has not begun.
    pub available: i64,
    /// Of those, the ones valid at the answer's `now` (`rules::coupon::usable_at`): the
    /// home's count.
    #[serde(default)]
    pub usable: i64,
    pub used: i64,
    pub expired: i64,
    /// Unused, in their dates, but no longer usable (`rules::coupon::CouponStatus::Void`:
    /// a first-order coupon once the first order is placed).
    #[serde(default)]
    pub void: i64,
}

/// Where the check-in streak stands today (the rules decide: `Program::streak_state`).
pub use rules::points::StreakState as CheckinState;

/// `PATCH /api/me`: what a member may change about themselves. (No `#[serde(default)]`:
/// with it serde would read a JSON array as this struct.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Settable once: `1990-07-14`, or `--07-14` without the year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<rules::Birthday>,
}

/// `POST /api/me/checkin`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedIn {
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub date: NaiveDate,
    pub streak_day: u32,
    pub points: Points,
    pub points_balance: Points,
}

/// `POST /api/me/celebrated`: the member was shown this tier (the celebration sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Celebrated {
    pub tier: TierId,
}

/// Coupons that arrived, newest first, and the instant that covers them all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arrived {
    pub titles: Vec<Text>,
    /// Pass back to `POST /api/me/gifts-seen`: the newest one's arrival (Unix ms), so a
    /// coupon that arrives meanwhile is still announced.
    pub until_ms: i64,
}

/// `GET /api/me/reminders`, and `PUT`'s body and answer: the texts the member asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reminders {
    /// A text when points come within the program's warning window before they expire
    /// (积分到期提醒); off until the member turns it on.
    pub points_expiry: bool,
}

/// `POST /api/me/gifts-seen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GiftsSeen {
    pub until_ms: i64,
}
