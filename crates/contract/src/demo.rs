//! `GET /api/demo/members` (demo mode only).

use rules::quote::MemberSnapshot;
use serde::{Deserialize, Serialize};

/// A demo member and the quote's snapshot of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoMember {
    pub id: String,
    pub nickname: String,
    pub snapshot: MemberSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoMembers {
    pub members: Vec<DemoMember>,
}
