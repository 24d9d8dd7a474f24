//! `GET /api/join-context?store=&invite=`: what a link that brings someone shows before
//! asking for their phone — the store whose QR code they scanned, the friend who invited
//! them, and what joining gives.

use rules::Text;
use serde::{Deserialize, Serialize};

use crate::staff::StoreInfo;

/// The link's codes, as the app kept them (either, both or none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinQuery {
    pub store: Option<String>,
    pub invite: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinContext {
    /// The store, when the code names one.
    pub store: Option<StoreInfo>,
    /// The invite, when the code is a member's.
    pub invite: Option<InviteContext>,
    /// What a new member gets on joining (the program's welcome coupons), in order.
    pub gifts: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteContext {
    /// The inviter as a friend would recognise them without learning more: their
    /// nickname's first character and `**` (`林**`), or their masked phone.
    pub inviter: String,
    /// What the friend gets for joining by the invite.
    pub reward: Text,
}
