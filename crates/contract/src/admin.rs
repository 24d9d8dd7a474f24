//! The operators' console (`/api/admin/*`): the people who run the program (staff,
//! analysts, admins), the stores, the shops' API keys and the audit log. Admins change
//! them; analysts read.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::staff::StoreInfo;

/// `GET /api/admin/users`: every account with a role beyond member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Users {
    pub users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    /// `138****0000`: the console shows whose account it is, not the number.
    pub phone_masked: String,
    pub nickname: String,
    pub role: Role,
    /// The store a staff user works at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreInfo>,
}

/// `POST /api/admin/users`: gives the account of a phone a role (registering it when the
/// phone has none), or changes the role and store of the account it has. `member` takes
/// every console and counter right away (the account stays a shopper's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    pub phone: String,
    pub role: Role,
    /// Required for staff: the store they work at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

/// `PUT /api/admin/stores/{code}`: creates the store or renames it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreRequest {
    pub name: String,
}

/// `GET /api/admin/api-keys`: the shops' keys, newest first (never the keys themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKeyInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub created_at: DateTime<FixedOffset>,
    /// When a request last used it, to the minute; none if never.
    #[serde(default, deserialize_with = "rules::rfc3339::opt_instant")]
    pub last_used_at: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "rules::rfc3339::opt_instant")]
    pub revoked_at: Option<DateTime<FixedOffset>>,
}

/// `POST /api/admin/api-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRequest {
    pub name: String,
}

/// The new key, shown this once: only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyCreated {
    pub id: String,
    pub name: String,
    pub key: String,
}

/// `GET /api/admin/audit`: the audit log, newest first, a page at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; none on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
    /// The account that acted; none for the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// What was done: `staff_lookup`, `coupon_grant`, `user_role`, `store_saved`,
    /// `api_key_created`, `api_key_revoked`, …
    pub action: String,
    /// The member it was about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// The action's facts as recorded (the grant and its reason, the role given, …).
    pub detail: serde_json::Value,
}

/// `GET /api/admin/audit` and `/api/admin/audit.csv`: every field narrows; `from` and
/// `to` are local dates of the program's time zone, both included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `next_before` of the page before (JSON only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `POST /api/admin/members/lookup`: a member by their full phone number (no partial
/// search, no listing); each lookup is audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberLookup {
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFound {
    pub member_id: String,
}

/// `GET /api/admin/members/{id}`: what the console shows of one member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberPage {
    /// The member as their own home sees them (tier, spend, points, coupon counts).
    pub summary: crate::me::Summary,
    /// When they registered.
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub joined_at: DateTime<FixedOffset>,
    /// The store whose QR code they joined by, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_store: Option<String>,
    /// Their tier's changes, newest first (kept since the console exists).
    pub tier_changes: Vec<TierChange>,
    /// The latest ledger entries, newest first.
    pub ledger: Vec<crate::points::Entry>,
    /// Every coupon, as their wallet lists it.
    pub coupons: Vec<crate::coupons::WalletCoupon>,
    /// The latest orders with their refunds, newest paid first.
    pub orders: Vec<crate::orders::PastOrder>,
    /// Who invited them, and how many they invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    pub invited: i64,
    /// The latest audit entries about them, newest first.
    pub audit: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierChange {
    pub from: rules::tier::TierId,
    pub to: rules::tier::TierId,
    /// `order` or `evaluation`.
    pub cause: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
}

/// `POST /api/admin/members/{id}/points` with an `Idempotency-Key`: points added
/// (positive) or taken (negative), at most the program's `console.points_adjustment_max`,
/// never below zero, with the reason kept in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustRequest {
    pub points: rules::Points,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjusted {
    pub member_id: String,
    pub points: rules::Points,
    pub reason: String,
    pub points_balance: rules::Points,
    pub adjusted_by: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
}

/// `GET /api/admin/churn` and `/api/admin/churn.csv`: members who bought before but not in
/// the program's `console.churn_after_days`, the most valuable (lifetime spend) first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The store they joined by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// `next_after` of the page before (JSON only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnPage {
    /// Members whose last order was paid before this instant.
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub cutoff: DateTime<FixedOffset>,
    pub members: Vec<ChurnMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnMember {
    pub id: String,
    pub phone_masked: String,
    pub nickname: String,
    pub tier: rules::tier::TierId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    pub lifetime_spend_fen: rules::Fen,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub last_order_at: DateTime<FixedOffset>,
    pub points_balance: rules::Points,
    /// Points that expire within the program's warning window.
    pub points_expiring: rules::Points,
    /// Unused coupons that expire within the same window.
    pub coupons_expiring: i64,
}

/// `POST /api/admin/churn/grants` with an `Idempotency-Key`: a coupon of the staff menu to
/// every member of the churn list (as filtered), in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnGrantRequest {
    pub grant_id: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

/// A churn list's grant and how far it got (`GET /api/admin/churn/grants/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantBatch {
    pub id: String,
    pub grant_id: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub cutoff: DateTime<FixedOffset>,
    /// Members on the list when the batch was made.
    pub total: i64,
    /// Coupons granted so far (a member who left the list since, by ordering, gets none).
    pub granted: i64,
    /// `running` or `done`.
    pub status: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(default, deserialize_with = "rules::rfc3339::opt_instant")]
    pub finished_at: Option<DateTime<FixedOffset>>,
}

/// `GET /api/admin/dashboard?from=&to=`: local dates, both included (default: the 30 days
/// up to today).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The program's figures for a range beside the period of the same length before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub to: NaiveDate,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub previous_from: NaiveDate,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub previous_to: NaiveDate,
    /// The trends' bucket, chosen from the range's length.
    pub bucket: rules::kpi::Bucket,
    /// Registrations (demo members never count).
    pub new_members: Kpi,
    /// Members with a sign-in, a check-in, an order or a redemption in the period (each
    /// counted once; a trend point counts its own bucket's).
    pub active_members: Kpi,
    /// The active members' share of everyone registered by the range's end, in basis
    /// points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_share_bp: Option<i64>,
    /// Each day of the range: who was active that day, and their share of everyone
    /// registered by its end (seed 004's daily active share).
    pub daily_active: Vec<DailyActive>,
    /// By the store whose join link they came by (`""`: none).
    pub new_members_by_store: Vec<Part>,
    /// `phone`, `store_qr`, `host_link`, `operator`, or `invite` (a phone registration
    /// whose invite was accepted).
    pub new_members_by_channel: Vec<Part>,
    /// What members paid for orders paid in the range, less refunds.
    pub member_sales_fen: Kpi,
    /// Every buyer's sales as the stores reported them; none when no store reported a day
    /// of either period ("not reported", never 0 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_sales_fen: Option<Kpi>,
    /// The members' share of the reported sales, in basis points; none when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_share_bp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_member_share_bp: Option<i64>,
    /// Points credited (purchases, bonuses, check-ins, adjustments; not refunds' returns).
    pub points_issued: Kpi,
    /// Points used at checkout and in the mall.
    pub points_redeemed: Kpi,
    pub points_expired: Kpi,
    /// Every member's balance now, and what it is worth at the program's rate.
    pub points_outstanding: rules::Points,
    pub points_liability_fen: rules::Fen,
    pub coupons_issued: Kpi,
    /// By source: `welcome`, `first_order`, `monthly`, `birthday`, `invite`, `mall`,
    /// `staff`, …
    pub coupons_issued_by_source: Vec<Part>,
    pub coupons_used: Kpi,
    /// Coupons whose validity ended in the range unused.
    pub coupons_expired: Kpi,
    /// Coupons used ÷ issued in the range (核销率), in basis points; none when none issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption_bp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_redemption_bp: Option<i64>,
    /// Members in each tier now, in the program's tier order.
    pub members_per_tier: Vec<Part>,
    pub upgrades: Kpi,
    pub downgrades: Kpi,
}

/// One figure: the range's, the previous period's, the change, and the range's trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    pub current: i64,
    pub previous: i64,
    /// Whole percent; none when the previous period's figure is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<i64>,
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub to: NaiveDate,
    pub value: i64,
}

/// A share of a figure by some key, in both periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub key: String,
    pub current: i64,
    pub previous: i64,
}

/// `GET /api/admin/campaign?from=&to=`: a campaign window (local dates, both included, at
/// most 31 days) in two-hour buckets, as seed 004 watches a 618 or a 双十一.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignQuery {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignMonitor {
    pub buckets: Vec<CampaignBucket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignBucket {
    /// The bucket's first instant; it lasts two hours.
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub start: DateTime<FixedOffset>,
    /// Members who registered in it (demo members never count).
    pub registrations: i64,
    /// Orders paid in it, and what they paid less refunds.
    pub orders: i64,
    pub sales_fen: rules::Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyActive {
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub date: NaiveDate,
    pub active: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_bp: Option<i64>,
}
