//! Daily check-in: once per local day; the streak's last day adds the bonus (the rules
//! decide: `Program::checkin`). One write transaction after the member's lock.

use chrono::{DateTime, FixedOffset};
use contract::me::CheckedIn;
use contract::ErrorCode;
use rules::Program;

use super::ledger::{self, EntryKind, Source};
use super::{lock_member, members, Db};
use crate::error::ApiError;

pub async fn check_in(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<CheckedIn, ApiError> {
    let now = *now;
    let today = program.local_date(&now);
    let mut tx = super::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(ApiError::unauthorized());
    }
    ledger::expire_due(&mut tx, program, member_id, &now).await?;
    let member = members::get(&mut *tx, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let last = member.checkin_date.map(|d| (d, member.checkin_streak));
    let done = program.points.checkin(today, last).ok_or_else(|| {
        ApiError::conflict(ErrorCode::AlreadyCheckedIn, "already checked in today")
    })?;
    sqlx::query(
        "INSERT INTO checkins (member_id, local_date, streak_day, points) VALUES ($1, $2, $3, $4)",
    )
    .bind(member_id)
    .bind(today.to_string())
    .bind(i64::from(done.streak_day))
    .bind(done.points)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE members SET checkin_date = $1, checkin_streak = $2 WHERE id = $3")
        .bind(today.to_string())
        .bind(i64::from(done.streak_day))
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    ledger::credit(
        &mut tx,
        program,
        member_id,
        EntryKind::Checkin,
        done.points,
        &now,
        Source::default(),
    )
    .await?;
    let balance: i64 = sqlx::query_scalar("SELECT points_balance FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(CheckedIn {
        date: today,
        streak_day: done.streak_day,
        points: done.points,
        points_balance: balance,
    })
}
