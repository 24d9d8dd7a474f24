//! The points ledger in storage: append-only entries, the lots they open, the member's
//! materialized balance and debt, all changed inside the caller's transaction (which has
//! locked the member first). The arithmetic is `rules::ledger`'s.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::calendar::TimeZone;
use rules::ledger::{self, Lot};
use rules::{Fen, Points, Program, Text};
use sqlx::Row as _;

pub use contract::points::{Direction, Entry, EntryKind};

use super::columns::Columns;
use super::exec::Exec;
use crate::args;
use crate::clock::{from_ms, ms};

/// Where an entry comes from, for the history screen and the export.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    pub order_id: Option<&'a str>,
    pub refund_id: Option<&'a str>,
    /// A mall entry's redemption (`mall_redemptions.id`).
    pub redemption_id: Option<&'a str>,
}

/// Adds `points` (> 0) at `at`: repays the debt first, opens a lot for the rest.
pub async fn credit(
    tx: &mut impl Exec,
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
        let expires_at_ms = ms(&program.points.expire_at(&program.time_zone, at));
        tx.run(
            "INSERT INTO point_lots (member_id, entry_id, remaining, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
            args![member_id, entry_id, c.opens_lot, expires_at_ms],
        )
        .await?;
    }
    Ok(())
}

/// Takes `points` (> 0) at `at`: spends open lots earliest expiry first; what they don't
/// cover becomes debt (the balance goes negative).
pub async fn debit(
    tx: &mut impl Exec,
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
        tx.run(
            "UPDATE point_lots SET remaining = $1 WHERE id = $2",
            args![remaining, lot_id],
        )
        .await?;
    }
    append(tx, member_id, kind, -points, d.shortfall, at, source).await?;
    Ok(())
}

/// Records the expiry of every lot expired at `now`: one `expire` entry per lot, at the
/// lot's own expiry instant. Run first by every write about the member and by the job.
/// True when a lot expired (the member's balance moved).
pub async fn expire_due(
    tx: &mut impl Exec,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<bool> {
    let due = tx
        .all(
            "SELECT id, remaining, expires_at_ms FROM point_lots \
             WHERE member_id = $1 AND remaining > 0 AND expires_at_ms <= $2 \
             ORDER BY expires_at_ms, id",
            args![member_id, ms(now)],
            lot,
        )
        .await?;
    let expired = !due.is_empty();
    for lot in due {
        tx.run(
            "UPDATE point_lots SET remaining = 0 WHERE id = $1",
            args![lot.id],
        )
        .await?;
        let at = from_ms(lot.expires_at_ms, program.offset());
        append(
            tx,
            member_id,
            EntryKind::Expire,
            -lot.remaining,
            Points(0),
            &at,
            Source::default(),
        )
        .await?;
    }
    Ok(expired)
}

/// Appends one entry, moves the materialized balance by `points` and the debt by
/// `debt_delta` (in the same statement: one round trip); returns the entry id.
#[allow(clippy::too_many_arguments)] // each is one fact of the entry
async fn append(
    tx: &mut impl Exec,
    member_id: &str,
    kind: EntryKind,
    points: Points,
    debt_delta: Points,
    at: &DateTime<FixedOffset>,
    source: Source<'_>,
) -> anyhow::Result<i64> {
    let balance = tx
        .one(
            "UPDATE members SET points_balance = points_balance + $1, \
               points_debt = points_debt + $2 WHERE id = $3 RETURNING points_balance",
            args![points, debt_delta, member_id],
            |r| r.int_required("points_balance"),
        )
        .await?;
    let id = tx
        .one(
            "INSERT INTO points_ledger (member_id, kind, points, balance_after, order_id, \
               refund_id, redemption_id, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
            args![
                member_id,
                kind.as_str(),
                points,
                balance,
                source.order_id,
                source.refund_id,
                source.redemption_id,
                ms(at)
            ],
            |r| r.int_required("id"),
        )
        .await?;
    Ok(id)
}

async fn debt(tx: &mut impl Exec, member_id: &str) -> anyhow::Result<Points> {
    let debt = tx
        .one(
            "SELECT points_debt FROM members WHERE id = $1",
            args![member_id],
            |r| r.int_required("points_debt"),
        )
        .await?;
    Ok(Points(debt))
}

async fn open_lots(tx: &mut impl Exec, member_id: &str) -> anyhow::Result<Vec<Lot>> {
    Ok(tx
        .all(
            "SELECT id, remaining, expires_at_ms FROM point_lots \
             WHERE member_id = $1 AND remaining > 0 ORDER BY expires_at_ms, id",
            args![member_id],
            lot,
        )
        .await?)
}

/// A lot read with its `id, remaining, expires_at_ms`.
fn lot(r: &dyn Columns) -> anyhow::Result<Lot> {
    Ok(Lot {
        id: r.int_required("id")?,
        remaining: Points(r.int_required("remaining")?),
        expires_at_ms: r.int_required("expires_at_ms")?,
    })
}

/// An entry (its `subject` not yet known) with what the rows it points to store: the
/// order's amount and coupon, the refund's amount, the redeemed item. `reads::points`
/// names the entry from them.
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub entry: Entry,
    pub order_payable_fen: Option<Fen>,
    /// The coupon the order used.
    pub order_coupon_title: Option<Text>,
    pub refund_amount_fen: Option<Fen>,
    pub redeemed_item_id: Option<String>,
    /// The coupon the redemption issued (a coupon item's title).
    pub redeemed_coupon_title: Option<Text>,
}

/// Entries newest first, before the entry id `before` (the cursor), at most `limit`, each
/// with its order's, refund's and redemption's facts (joined by primary key).
pub async fn entries(
    db: &super::Db,
    program: &Program,
    member_id: &str,
    before: Option<i64>,
    direction: Option<Direction>,
    limit: i64,
) -> anyhow::Result<Vec<EntryRow>> {
    // The direction as the range of `points` it keeps: one statement for all three.
    let (least, most) = match direction {
        None => (i64::MIN, i64::MAX),
        Some(Direction::Earn) => (1, i64::MAX),
        Some(Direction::Spend) => (i64::MIN, -1),
    };
    let rows = sqlx::query(
        "SELECT l.id, l.kind, l.points, l.balance_after, l.order_id, l.at_ms, \
           o.payable_fen AS o_payable_fen, oc.title AS oc_title, oc.title_en AS oc_title_en, \
           r.amount_fen AS r_amount_fen, m.item_id AS m_item_id, \
           mc.title AS mc_title, mc.title_en AS mc_title_en \
         FROM points_ledger l \
         LEFT JOIN orders o ON o.id = l.order_id \
         LEFT JOIN coupons oc ON oc.id = o.coupon_id \
         LEFT JOIN refunds r ON r.id = l.refund_id \
         LEFT JOIN mall_redemptions m ON m.id = l.redemption_id \
         LEFT JOIN coupons mc ON mc.id = m.coupon_id \
         WHERE l.member_id = $1 AND l.id < $2 AND l.points BETWEEN $3 AND $4 \
         ORDER BY l.id DESC LIMIT $5",
    )
    .bind(member_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(least)
    .bind(most)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let title = |r: &super::Row, zh: &str, en: &str| -> anyhow::Result<Option<Text>> {
        let zh: Option<String> = r.try_get(zh)?;
        let en: Option<String> = r.try_get(en)?;
        Ok(zh.map(|zh| super::coupons::stored_title(zh, en)))
    };
    rows.iter()
        .map(|r| {
            let entry = Entry {
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
                subject: None,
            };
            Ok(EntryRow {
                entry,
                order_payable_fen: r.try_get("o_payable_fen")?,
                order_coupon_title: title(r, "oc_title", "oc_title_en")?,
                refund_amount_fen: r.try_get("r_amount_fen")?,
                redeemed_item_id: r.try_get("m_item_id")?,
                redeemed_coupon_title: title(r, "mc_title", "mc_title_en")?,
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
