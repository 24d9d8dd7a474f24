//! `POST /api/auth/otp`, `POST /api/auth/login`, and the roles an account may have.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::AllVariants;

/// What an account may do: every account is a member; staff and admin also reach the
/// staff endpoints; analysts and admins read the operators' console, and only admins
/// change anything there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Staff,
    Analyst,
    Admin,
}

impl Role {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Staff => "staff",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.as_str() == name)
    }

    /// Staff and admin: the staff endpoints.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }

    /// Analyst and admin: the console's reads.
    pub fn reads_console(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }
}

impl AllVariants for Role {
    const ALL: &'static [Role] = &[Role::Member, Role::Staff, Role::Analyst, Role::Admin];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub phone: String,
    /// The language the app shows (`zh`, `en`): the code's message is sent in it.
    /// Without it, the browser's `Accept-Language` decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub expires_in_s: u64,
    pub resend_after_s: u64,
    /// Only in demo/dev mode: the code itself (it is also in the server's log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub phone: String,
    pub code: String,
    /// The privacy notice's version the shopper agreed to; required to register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<String>,
    /// The store whose join QR code the shopper came by (`/join?store=SH001`): recorded
    /// when this login registers them, ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Web-views: answer the token in the body (for `Authorization: Bearer`) instead of
    /// setting the cookie.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bearer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedIn {
    pub member_id: String,
    pub registered: bool,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub expires_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// After a login link's exchange: where in the app the host wants the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// `POST /api/v1/members/login-links` (a shop's API key): a one-time login for a member
/// the host app already knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginLinkRequest {
    pub phone: String,
    /// A path of the app to open after the login (`/coupons`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
    /// The privacy notice's version the member accepted in the host: lets a new member
    /// register without being asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginLink {
    /// 128 random bits, base64url; works once, until `expires_at`.
    pub code: String,
    /// `{public URL}{return_to or /}?login=CODE` (from the path on when the server has no
    /// `--public-url`).
    pub url: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub expires_at: DateTime<FixedOffset>,
}

/// `POST /api/auth/exchange`: the app trades a login link's code for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRequest {
    pub code: String,
    /// For a new member whose host did not pass consent: the version agreed to in the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<String>,
    /// Answer the token for `Authorization: Bearer` (a web-view that blocks cookies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bearer: bool,
}
