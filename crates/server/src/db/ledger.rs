//! The points ledger in storage: append-only entries, the lots they open, the member's
//! materialized balance and debt, all changed inside the caller's transaction (which has
//! locked the member first). The arithmetic is `rules::ledger`'s.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::calendar::TimeZone;
use rules::ledger::{self, Lot};
use rules::{Points, Program};
use sqlx::Row as _;

pub use contract::points::{Direction, Entry, EntryKind};

use super::Tx;
use crate::clock::{from_ms, ms};

/// Where an entry comes from, for the history screen and the export.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    pub order_id: Option<&'a str>,
    pub refund_id: Option<&'a str>,
}

/// Adds `points` (> 0) at `at`: repays the debt first, opens a lot for the rest.
pub async fn credit(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    kind: EntryKind,
    points: Points,
    at: &DateTime<FixedOffset>,
    source: Source<'_>,
) -> anyhow::Result<()> {
    if !points.is_positive() {
        return Ok(());
    }
    let debt = debt(tx, member_id).await?;
    let c = ledger::credit(debt, points);
    let entry_id = append(tx, member_id, kind, points, -c.repaid, at, source).await?;
    if c.opens_lot.is_positive() {
        sqlx::query(
            "INSERT INTO point_lots (member_id, entry_id, remaining, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(member_id)
        .bind(entry_id)
        .bind(c.opens_lot)
        .bind(ms(&program.points.expire_at(&program.time_zone, at)))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Takes `points` (> 0) at `at`: spends open lots earliest expiry first; what they don't
/// cover becomes debt (the balance goes negative).
pub async fn debit(
    tx: &mut Tx<'_>,
    member_id: &str,
    kind: EntryKind,
    points: Points,
    at: &DateTime<FixedOffset>,
    source: Source<'_>,
) -> anyhow::Result<()> {
    if !points.is_positive() {
        return Ok(());
    }
    let lots = open_lots(tx, member_id).await?;
    let d = ledger::debit(&lots, points, ms(at));
    for (lot_id, remaining) in d.lots {
        sqlx::query("UPDATE point_lots SET remaining = $1 WHERE id = $2")
            .bind(remaining)
            .bind(lot_id)
            .execute(&mut **tx)
            .await?;
    }
    append(tx, member_id, kind, -points, d.shortfall, at, source).await?;
    Ok(())
}

/// Records the expiry of every lot expired at `now`: one `expire` entry per lot, at the
/// lot's own expiry instant. Run first by every write about the member and by the job.
pub async fn expire_due(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let rows = sqlx::query(
        "SELECT id, remaining, expires_at_ms FROM point_lots \
         WHERE member_id = $1 AND remaining > 0 AND expires_at_ms <= $2 \
         ORDER BY expires_at_ms, id",
    )
    .bind(member_id)
    .bind(ms(now))
    .fetch_all(&mut **tx)
    .await?;
    for row in rows {
        let (id, remaining, expires): (i64, Points, i64) = (
            row.try_get("id")?,
            row.try_get("remaining")?,
            row.try_get("expires_at_ms")?,
        );
        sqlx::query("UPDATE point_lots SET remaining = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let at = from_ms(expires, program.offset());
        append(
            tx,
            member_id,
            EntryKind::Expire,
            -remaining,
            Points(0),
            &at,
            Source::default(),
        )
        .await?;
    }
    Ok(())
}

/// Appends one entry, moves the materialized balance by `points` and the debt by
/// `debt_delta` (in the same statement: one round trip); returns the entry id.
#[allow(clippy::too_many_arguments)] // each is one fact of the entry
async fn append(
    tx: &mut Tx<'_>,
    member_id: &str,
    kind: EntryKind,
    points: Points,
    debt_delta: Points,
    at: &DateTime<FixedOffset>,
    source: Source<'_>,
) -> anyhow::Result<i64> {
    let balance: Points = sqlx::query_scalar(
        "UPDATE members SET points_balance = points_balance + $1, \
           points_debt = points_debt + $2 WHERE id = $3 RETURNING points_balance",
    )
    .bind(points)
    .bind(debt_delta)
    .bind(member_id)
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO points_ledger (member_id, kind, points, balance_after, order_id, \
           refund_id, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(member_id)
    .bind(kind.as_str())
    .bind(points)
    .bind(balance)
    .bind(source.order_id)
    .bind(source.refund_id)
    .bind(ms(at))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

async fn debt(tx: &mut Tx<'_>, member_id: &str) -> anyhow::Result<Points> {
    Ok(
        sqlx::query_scalar("SELECT points_debt FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn open_lots(tx: &mut Tx<'_>, member_id: &str) -> anyhow::Result<Vec<Lot>> {
    let rows = sqlx::query(
        "SELECT id, remaining, expires_at_ms FROM point_lots \
         WHERE member_id = $1 AND remaining > 0 ORDER BY expires_at_ms, id",
    )
    .bind(member_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Lot {
                id: r.try_get("id")?,
                remaining: r.try_get("remaining")?,
                expires_at_ms: r.try_get("expires_at_ms")?,
            })
        })
        .collect()
}

/// Entries newest first, before the entry id `before` (the cursor), at most `limit`.
pub async fn entries(
    db: &super::Db,
    program: &Program,
    member_id: &str,
    before: Option<i64>,
    direction: Option<Direction>,
    limit: i64,
) -> anyhow::Result<Vec<Entry>> {
    let sign = match direction {
        None => "",
        Some(Direction::Earn) => " AND points > 0",
        Some(Direction::Spend) => " AND points < 0",
    };
    let sql = format!(
        "SELECT id, kind, points, balance_after, order_id, at_ms FROM points_ledger \
         WHERE member_id = $1 AND id < $2{sign} ORDER BY id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(member_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                kind: {
                    let name: String = r.try_get("kind")?;
                    EntryKind::parse(&name)
                        .ok_or_else(|| anyhow::anyhow!("unknown ledger entry kind `{name}`"))?
                },
                points: r.try_get("points")?,
                balance_after: r.try_get("balance_after")?,
                order_id: r.try_get("order_id")?,
                at: from_ms(r.try_get("at_ms")?, program.offset()),
            })
        })
        .collect()
}

/// Points of open lots that have expired at `now_ms` but are not yet recorded as expired
/// (the job has not run): subtracted on read so nothing depends on the job's timing.
pub async fn expired_unrecorded<'e, E>(
    db: E,
    member_id: &str,
    now_ms: i64,
) -> anyhow::Result<Points>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM point_lots \
         WHERE member_id = $1 AND remaining > 0 AND expires_at_ms <= $2",
    )
    .bind(member_id)
    .bind(now_ms)
    .fetch_one(db)
    .await?)
}

/// The member's points still held, summed by the local date on which they expire
/// (earliest first): the calendar's expiry reminder and the points planner.
pub async fn held_by_expiry(
    db: &super::Db,
    zone: &TimeZone,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Vec<(NaiveDate, Points)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT expires_at_ms, CAST(SUM(remaining) AS BIGINT) FROM point_lots \
         WHERE member_id = $1 AND remaining > 0 AND expires_at_ms > $2 \
         GROUP BY expires_at_ms ORDER BY expires_at_ms",
    )
    .bind(member_id)
    .bind(ms(now))
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, p)| (zone.local_date(&from_ms(at, zone.offset())), Points(p)))
        .collect())
}
