//! Invites: a member's code and progress this year, and accepting a code at registration.
//! Acceptance locks both members (in id order, so two crossing acceptances cannot
//! deadlock) and counts the inviter's rewarded invites under that lock, so the yearly cap
//! and the bonus hold under concurrent acceptances too.

use chrono::{DateTime, Datelike, FixedOffset};
pub use contract::invites::{Accepted, Progress};
use rules::coupon::CouponSource;
use rules::Program;

use super::{Outcome, Refusal};
use crate::clock::ms;
use crate::db::coupons::grant;
use crate::db::invites::{self, NewInvite};
use crate::db::phone_claims::{self, Claim};
use crate::db::{lock_member, members, Db};

/// The member's code (made at the first ask) and this year's progress.
pub async fn progress(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<Progress> {
    let mut conn = db.acquire().await?;
    let code = invites::code_of(&mut conn, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    let year = program.local_date(now).year();
    let rewarded = invites::rewarded_in(&mut conn, member_id, year).await?;
    let i = &program.invites;
    Ok(Progress {
        link: format!("/?invite={code}"),
        code,
        year,
        rewarded_this_year: rewarded,
        max_rewarded_per_year: i.max_rewarded_per_year,
        bonus_at_invite: i.bonus_at_invite,
        bonus_earned: rewarded >= i.bonus_at_invite,
        invites_to_bonus: (i.bonus_at_invite - rewarded).max(0),
    })
}

/// The invitee `member_id` accepts `code` (see the module's comment).
pub async fn accept(
    db: &Db,
    program: &Program,
    member_id: &str,
    code: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<Accepted> {
    let inviter = invites::inviter_by_code(db, code)
        .await?
        .ok_or(Refusal::InviteNotFound)?;
    if inviter == member_id {
        return Err(Refusal::InviteSelf.into());
    }
    let mut tx = crate::db::begin_write(db).await?;
    let (first, second) = if inviter.as_str() < member_id {
        (inviter.as_str(), member_id)
    } else {
        (member_id, inviter.as_str())
    };
    for id in [first, second] {
        if !lock_member(&mut tx, id).await? {
            return Err(if id == member_id {
                Refusal::NotLoggedIn
            } else {
                Refusal::InviteNotFound
            }
            .into());
        }
    }
    if invites::has_accepted(&mut tx, member_id).await? {
        return Err(Refusal::InviteAlreadyAccepted.into());
    }
    let me = members::get(&mut *tx, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    // Once per phone: an account deleted and registered again has accepted this one.
    let phone = me.phone.as_deref().ok_or(Refusal::NotLoggedIn)?;
    if !phone_claims::claim(&mut tx, phone, Claim::Invited, now).await? {
        return Err(Refusal::InviteAlreadyAccepted.into());
    }
    let i = &program.invites;
    if ms(now) - me.created_at_ms > i.accept_within_days * 86_400_000 {
        return Err(Refusal::InviteTooLate {
            within_days: i.accept_within_days,
        }
        .into());
    }
    let year = program.local_date(now).year();
    let reward = i.inviter_reward(invites::rewarded_in(&mut tx, &inviter, year).await?);
    let invite = NewInvite {
        invitee_id: member_id,
        inviter_id: &inviter,
        year,
        rewarded: reward.rewarded,
        at_ms: ms(now),
    };
    invites::insert(&mut tx, &invite).await?;
    let source = CouponSource::Invite;
    let key = format!("invite:invitee:{member_id}");
    let invitee_rewarded = grant(&mut tx, program, member_id, &i.reward, source, &key, now)
        .await?
        .is_some();
    if reward.rewarded {
        let key = format!("invite:inviter:{member_id}");
        grant(&mut tx, program, &inviter, &i.reward, source, &key, now).await?;
    }
    if reward.bonus {
        let key = format!("invite_bonus:{year}:{inviter}");
        grant(&mut tx, program, &inviter, &i.bonus, source, &key, now).await?;
    }
    tx.commit().await?;
    Ok(Accepted {
        inviter_rewarded: reward.rewarded,
        inviter_bonus: reward.bonus,
        invitee_rewarded,
    })
}
