//! `GET /api/me/invite` and `POST /api/invites/accept`.

use serde::{Deserialize, Serialize};

/// An invite code as links carry it (`/?invite=CODE`): 4 to 32 characters. Codes are
/// upper case letters and digits; older ones were base64url, so `-` and `_` pass too.
pub fn is_invite_code(code: &str) -> bool {
    (4..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub code: String,
    /// Relative to the app: `/?invite=CODE`.
    pub link: String,
    pub year: i32,
    pub rewarded_this_year: i64,
    pub max_rewarded_per_year: i64,
    pub bonus_at_invite: i64,
    pub bonus_earned: bool,
    /// Rewarded invites still needed for this year's bonus (0 once earned).
    pub invites_to_bonus: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub inviter_rewarded: bool,
    pub inviter_bonus: bool,
    /// The invitee's reward coupon was put in their wallet.
    pub invitee_rewarded: bool,
}
