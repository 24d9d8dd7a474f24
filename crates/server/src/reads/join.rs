//! What a join link or an invite link shows before the login (`GET /api/join-context`):
//! the store, the inviter as a friend knows them, and the welcome coupons. Unknown codes
//! show nothing (a link may outlive its store or its member); nothing is written.

use contract::join::{InviteContext, JoinContext, JoinQuery};
use rules::phone::mask;
use rules::Program;

use crate::db::{invites, members, stores, Db};

pub async fn context(db: &Db, program: &Program, query: &JoinQuery) -> anyhow::Result<JoinContext> {
    let store = match &query.store {
        Some(code) if contract::staff::is_store_code(code) => stores::get(db, code).await?,
        _ => None,
    };
    let inviter = match &query.invite {
        Some(code) if contract::invites::is_invite_code(code) => {
            invites::inviter_by_code(db, code).await?
        }
        _ => None,
    };
    let invite = match inviter {
        Some(id) => members::get(&mut &*db, &id).await?.map(|m| InviteContext {
            inviter: friend_name(m.nickname.as_deref(), m.phone.as_deref()),
            reward: program.invites.reward.title.clone(),
        }),
        None => None,
    };
    let issuance = &program.coupon_issuance;
    Ok(JoinContext {
        store,
        invite,
        gifts: vec![
            issuance.welcome.title.clone(),
            issuance.first_order.title.clone(),
        ],
    })
}

/// `林**` for 林小满, the masked phone without a nickname.
fn friend_name(nickname: Option<&str>, phone: Option<&str>) -> String {
    match nickname.and_then(|n| n.chars().next()) {
        Some(first) => format!("{first}**"),
        None => phone.map(mask).unwrap_or_else(|| "****".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_friend_is_named_without_giving_them_away() {
        assert_eq!(friend_name(Some("林小满"), Some("+8613800000002")), "林**");
        assert_eq!(friend_name(None, Some("+8613800000002")), "138****0002");
        assert_eq!(friend_name(None, None), "****");
    }
}
