//! The store counter's screen (`GET /api/staff/counter`): the staff user's store, its
//! join link, and who joined there today.

use chrono::{DateTime, FixedOffset};
use contract::auth::Role;
use contract::staff::{Counter, Join, RECENT_JOINS};
use rules::phone::mask;
use rules::Program;

use crate::clock::{from_ms, ms};
use crate::db::{stores, Db};

/// What the counter shows `staff_id` (of `role`) at `now`: today is the program's local
/// day.
pub async fn counter(
    db: &Db,
    program: &Program,
    staff_id: &str,
    role: Role,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Counter> {
    let store = stores::of_member(db, staff_id).await?;
    let (mut joined_today, mut recent_joins) = (0, vec![]);
    if let Some(s) = &store {
        let midnight = ms(&program.local_midnight(program.local_date(now)));
        let until = ms(now) + 1;
        joined_today = stores::joins_between(db, &s.code, midnight, until).await?;
        recent_joins = stores::recent_joins_between(db, &s.code, midnight, until, RECENT_JOINS)
            .await?
            .into_iter()
            .map(|(at, phone)| Join {
                at: from_ms(at, program.offset()),
                phone_masked: mask(&phone),
            })
            .collect();
    }
    Ok(Counter {
        role,
        join_path: store.as_ref().map(|s| format!("/join?store={}", s.code)),
        store,
        joined_today,
        recent_joins,
    })
}
