//! `POST /api/staff/coupons`.

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    pub member_id: String,
    pub grant_id: String,
    pub coupon_id: String,
    pub reason: String,
    pub granted_by: String,
    pub at: DateTime<FixedOffset>,
}
