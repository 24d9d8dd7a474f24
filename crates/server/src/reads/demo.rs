//! The demo members as the persona switcher shows them: what the home shows and their
//! quote snapshots.

use chrono::{DateTime, FixedOffset};
use rules::Program;

use super::snapshot::snapshot;
use crate::db::demo::{self, Member};
use crate::db::{members, Db};

/// The demo members with their snapshots at `now`, in tier order (then id).
pub async fn demo_members(
    db: &Db,
    program: &Program,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Vec<Member>> {
    let ids = demo::demo_ids(db).await?;
    let mut members = vec![];
    for id in ids {
        let Some(row) = members::get(&mut &*db, &id).await? else {
            continue;
        };
        let mut conn = db.acquire().await?;
        let snapshot = snapshot(&mut *conn, program, &row, now, None).await?;
        members.push(Member::new(
            row.id,
            row.nickname.unwrap_or_default(),
            snapshot,
            now,
        ));
    }
    // Unknown tiers (a program edited since seeding) sort last rather than failing.
    members.sort_by_key(|m| program.tiers.rank(&m.tier).unwrap_or(usize::MAX));
    Ok(members)
}
