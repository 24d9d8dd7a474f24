//! Invites in storage: a member's code, their progress this year, and accepting a code at
//! registration. Acceptance locks both members (in id order, so two crossing acceptances
//! cannot deadlock) and counts the inviter's rewarded invites under that lock, so the
//! yearly cap and the bonus hold under concurrent acceptances too.

use axum::http::StatusCode;
use chrono::{DateTime, Datelike, FixedOffset};
pub use contract::invites::{Accepted, Progress};
use rules::Program;

use super::coupons::grant;
use super::phone_claims::{self, Claim};
use super::{lock_member, members, Db};
use crate::clock::ms;
use crate::error::ApiError;
use contract::ErrorCode;

/// Invite codes are read aloud, typed from a poster and put in links as they are: upper
/// case letters and digits without the look-alikes 0/O and 1/I/L (Crockford's choice),
/// nothing a URL would escape. 8 of 31 symbols: 8.5 × 10¹¹ codes.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH: usize = 8;

fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

async fn rewarded_in(
    conn: &mut sqlx::AnyConnection,
    inviter: &str,
    year: i32,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM invites \
         WHERE inviter_id = $1 AND year = $2 AND rewarded = TRUE",
    )
    .bind(inviter)
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await
}

/// The member's code (made at the first ask) and this year's progress.
pub async fn progress(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<Progress, ApiError> {
    let mut conn = db.acquire().await?;
    // A fresh code only where none is set: a concurrent first ask keeps the first code.
    sqlx::query("UPDATE members SET invite_code = $1 WHERE id = $2 AND invite_code IS NULL")
        .bind(new_code())
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    let code: Option<String> = sqlx::query_scalar(
        "SELECT invite_code FROM members WHERE id = $1 AND deleted_at_ms IS NULL",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    let code = code.ok_or_else(ApiError::unauthorized)?;
    let year = program.local_date(now).year();
    let rewarded = rewarded_in(&mut conn, member_id, year).await?;
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
) -> Result<Accepted, ApiError> {
    // Typed by hand, a code may come in lower case; codes made before the readable
    // alphabet are mixed case, so the code as given matches too.
    let inviter: String = sqlx::query_scalar(
        "SELECT id FROM members WHERE invite_code IN ($1, $2) AND deleted_at_ms IS NULL",
    )
    .bind(code)
    .bind(code.trim().to_ascii_uppercase())
    .fetch_optional(db)
    .await?
    .ok_or_else(|| {
        ApiError::reject(
            StatusCode::NOT_FOUND,
            ErrorCode::InviteNotFound,
            "no such invite code",
        )
    })?;
    if inviter == member_id {
        return Err(ApiError::invalid(
            ErrorCode::InviteSelf,
            "a member cannot accept their own invite",
        ));
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
                ApiError::unauthorized()
            } else {
                ApiError::reject(
                    StatusCode::NOT_FOUND,
                    ErrorCode::InviteNotFound,
                    "no such invite code",
                )
            });
        }
    }
    let done: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM invites WHERE invitee_id = $1")
            .bind(member_id)
            .fetch_one(&mut *tx)
            .await?;
    if done > 0 {
        return Err(already_accepted());
    }
    let me = members::get(&mut *tx, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    // Once per phone: an account deleted and registered again has accepted this one.
    let phone = me.phone.as_deref().ok_or_else(ApiError::unauthorized)?;
    if !phone_claims::claim(&mut tx, phone, Claim::Invited, now).await? {
        return Err(already_accepted());
    }
    let i = &program.invites;
    if ms(now) - me.created_at_ms > i.accept_within_days * 86_400_000 {
        return Err(ApiError::invalid(
            ErrorCode::InviteTooLate,
            format!(
                "an invite is accepted within {} days of registration",
                i.accept_within_days
            ),
        ));
    }
    let year = program.local_date(now).year();
    let reward = program
        .invites
        .inviter_reward(rewarded_in(&mut tx, &inviter, year).await?);
    sqlx::query(
        "INSERT INTO invites (invitee_id, inviter_id, year, rewarded, at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(member_id)
    .bind(&inviter)
    .bind(i64::from(year))
    .bind(reward.rewarded)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    let key = format!("invite:invitee:{member_id}");
    let invitee_rewarded = grant(
        &mut tx,
        program,
        member_id,
        &i.reward,
        rules::coupon::CouponSource::Invite,
        &key,
        now,
    )
    .await?
    .is_some();
    if reward.rewarded {
        let key = format!("invite:inviter:{member_id}");
        grant(
            &mut tx,
            program,
            &inviter,
            &i.reward,
            rules::coupon::CouponSource::Invite,
            &key,
            now,
        )
        .await?;
    }
    if reward.bonus {
        let key = format!("invite_bonus:{year}:{inviter}");
        grant(
            &mut tx,
            program,
            &inviter,
            &i.bonus,
            rules::coupon::CouponSource::Invite,
            &key,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Accepted {
        inviter_rewarded: reward.rewarded,
        inviter_bonus: reward.bonus,
        invitee_rewarded,
    })
}

fn already_accepted() -> ApiError {
    ApiError::conflict(
        ErrorCode::InviteAlreadyAccepted,
        "this member (or this phone, under an earlier account) has already accepted an invite",
    )
}
