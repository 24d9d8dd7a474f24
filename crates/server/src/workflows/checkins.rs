//! Daily check-in: once per local day; the streak's last day adds the bonus (the rules
//! decide: `PointsRules::checkin`). One write transaction after the member's lock.

use chrono::{DateTime, FixedOffset};
use contract::me::CheckedIn;
use rules::Program;

use super::{Outcome, Refusal};
use crate::db::ledger::{self, EntryKind, Source};
use crate::db::{checkins, lock_member, members, Db};

pub async fn check_in(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<CheckedIn> {
    let today = program.local_date(now);
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(Refusal::NotLoggedIn.into());
    }
    ledger::expire_due(&mut tx, program, member_id, now).await?;
    let member = members::get(&mut *tx, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    let last = member.checkin_date.map(|d| (d, member.checkin_streak));
    let done = program
        .points
        .checkin(today, last)
        .ok_or(Refusal::AlreadyCheckedIn)?;
    checkins::record(&mut tx, member_id, today, done.streak_day, done.points).await?;
    ledger::credit(
        &mut tx,
        program,
        member_id,
        EntryKind::Checkin,
        done.points,
        now,
        Source::default(),
    )
    .await?;
    let balance = members::points_balance(&mut *tx, member_id).await?;
    crate::db::activity::note(&mut tx, member_id, today).await?;
    tx.commit().await?;
    Ok(CheckedIn {
        date: today,
        streak_day: done.streak_day,
        points: done.points,
        points_balance: balance,
    })
}
