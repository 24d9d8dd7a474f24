//! The operators' console (`/api/admin/*`): the people who run the program (staff,
//! analysts, admins), the stores, the shops' API keys and the audit log. Admins change
//! them; analysts read.

use chrono::{DateTime, FixedOffset};
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
