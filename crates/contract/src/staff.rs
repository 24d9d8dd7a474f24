//! Staff at the counter: `GET /api/staff/counter`, `POST /api/staff/lookup`,
//! `POST /api/staff/coupons`; and the admin's `GET /api/admin/stores`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The member, by id or by phone (exactly one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// An id of the program's `coupon_issuance.staff`.
    pub grant_id: String,
    /// Why: kept in the audit log.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Granted {
    pub member_id: String,
    pub grant_id: String,
    pub coupon_id: String,
    pub reason: String,
    pub granted_by: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
    /// The coupon as the member's wallet has it now, so the counter shows it without
    /// looking the member up again (a lookup is audited and limited). Absent from the
    /// answers to grants recorded before it was added, when replayed.
    #[serde(default)]
    pub coupon: Option<crate::coupons::WalletCoupon>,
}

/// Store codes: what an operator types (`store create --code`) and a join link carries
/// (`/join?store=SH001`): 1 to 16 letters, digits or '-'.
pub fn is_store_code(code: &str) -> bool {
    (1..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A store, as staff and admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub code: String,
    pub name: String,
}

/// `GET /api/staff/counter`: what the counter screen shows of its staff user's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    pub role: crate::auth::Role,
    /// None for an admin (or staff) without a store: no join QR code, no joins.
    pub store: Option<StoreInfo>,
    /// The store's join link, from the site's root: `/join?store=SH001`.
    pub join_path: Option<String>,
    /// Members who registered through this store's QR code since local midnight.
    pub joined_today: i64,
    /// The latest of them, latest first (at most `RECENT_JOINS`), for staff to see that
    /// the shopper in front of them is in.
    #[serde(default)]
    pub recent_joins: Vec<Join>,
}

/// How many of today's joins the counter lists (the count says how many there are).
pub const RECENT_JOINS: i64 = 20;

/// A member who joined at the store: when, and their phone masked (`138****1234`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
    pub phone_masked: String,
}

/// `POST /api/staff/lookup`: a member by their full phone number (no partial search).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    pub phone: String,
}

/// What staff may see of a member to help them: no birthday, no order history, the
/// phone masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberCard {
    pub member_id: String,
    pub phone_masked: Option<String>,
    /// `None` until the member chooses one.
    pub nickname: Option<String>,
    pub tier: rules::TierId,
    pub qualifying_spend_fen: rules::Fen,
    pub next_tier: Option<rules::tier::NextTier>,
    pub points_balance: rules::Points,
    /// The coupons they can use now, what expires first first.
    pub coupons: Vec<crate::coupons::WalletCoupon>,
}

/// `GET /api/admin/stores`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stores {
    pub stores: Vec<StoreInfo>,
}
