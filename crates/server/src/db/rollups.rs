//! The console's daily rollups (issue 40, "fast at scale"). Every figure the dashboard
//! sums is a sum of facts that are only ever added: an order (its payable at its paid
//! time, its coupon used when it arrived), a refund (its amount taken off the order's
//! paid time, the coupons it gave back off the order's day), a new member, a coupon made,
//! a coupon's validity ended unused, a ledger entry. The nightly job rolls each complete
//! local day once ([`roll_before`], oldest first, a day per transaction): the facts that
//! *arrived* that day (orders by `received_at_ms`, refunds, members and coupons by when
//! they were made, the ledger by id range) are summed by the slot they count at, which
//! may be an earlier day (an order paid yesterday, reported today). A read adds the
//! facts that arrived after the last rolled day ([`Live`]) — found by the small time
//! indexes and the ledger's id — so it never scans history, and a late order or a refund
//! of an old order changes the figures without touching a rolled row.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use contract::points::EntryKind;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use super::Db;

pub const DAY_MS: i64 = 86_400_000;
/// The campaign monitor's buckets: the `*_2h` figures' slots.
pub const SLOT_MS: i64 = 7_200_000;
/// Two-hour slots in a day.
pub const SLOTS_PER_DAY: i64 = DAY_MS / SLOT_MS;

/// A local date's day number, as the rollups count days (days since 1970-01-01).
pub fn day_number(date: NaiveDate) -> i64 {
    (date - NaiveDate::default()).num_days()
}

/// The program's time zone as milliseconds to add to an instant for its local day (a
/// fixed offset: a day is `(instant + offset) / DAY_MS`).
pub fn offset_ms(offset: chrono::FixedOffset) -> i64 {
    i64::from(offset.local_minus_utc()) * 1000
}

/// The figures, as stored in `rollups.figure`.
pub mod figure {
    pub const NEW_MEMBERS: &str = "new_members";
    pub const NEW_BY_STORE: &str = "new_by_store";
    pub const NEW_BY_CHANNEL: &str = "new_by_channel";
    /// Payable less refunds, by paid two-hour slot.
    pub const SALES_2H: &str = "sales_2h";
    pub const ORDERS_2H: &str = "orders_2h";
    pub const COUPONS_USED: &str = "coupons_used";
    /// By source.
    pub const COUPONS_ISSUED: &str = "coupons_issued";
    pub const COUPONS_EXPIRED: &str = "coupons_expired";
    pub const POINTS_ISSUED: &str = "points_issued";
    pub const POINTS_REDEEMED: &str = "points_redeemed";
    pub const POINTS_EXPIRED: &str = "points_expired";
    pub const BY_DAY: [&str; 9] = [
        NEW_MEMBERS,
        NEW_BY_STORE,
        NEW_BY_CHANNEL,
        COUPONS_USED,
        COUPONS_ISSUED,
        COUPONS_EXPIRED,
        POINTS_ISSUED,
        POINTS_REDEEMED,
        POINTS_EXPIRED,
    ];
    pub const BY_SLOT: [&str; 2] = [SALES_2H, ORDERS_2H];
}

/// Values by figure, then key, then slot.
#[derive(Debug, Default)]
pub struct Facts(pub HashMap<&'static str, HashMap<String, BTreeMap<i64, i64>>>);

impl Facts {
    fn add(&mut self, figure: &'static str, slot: i64, k: &str, v: i64) {
        *self
            .0
            .entry(figure)
            .or_default()
            .entry(k.to_owned())
            .or_default()
            .entry(slot)
            .or_default() += v;
    }

    /// A figure's values by key and slot (none: empty).
    pub fn of(&self, figure: &str) -> HashMap<String, BTreeMap<i64, i64>> {
        self.0.get(figure).cloned().unwrap_or_default()
    }

    fn rows(&self) -> impl Iterator<Item = (&'static str, i64, &str, i64)> + '_ {
        self.0.iter().flat_map(|(f, by_key)| {
            by_key.iter().flat_map(move |(k, slots)| {
                slots.iter().map(move |(s, v)| (*f, *s, k.as_str(), *v))
            })
        })
    }
}

/// Which facts: those that arrived in `[from_ms, to_ms)`, the ledger's ids in
/// `(ledger_after, ledger_to]`, and the coupons whose validity ended in
/// `[from_ms, expired_to_ms)`.
#[derive(Debug, Clone, Copy)]
struct Span {
    from_ms: i64,
    to_ms: i64,
    ledger_after: i64,
    ledger_to: i64,
    expired_to_ms: i64,
    offset_ms: i64,
}

async fn fetch(
    conn: &mut AnyConnection,
    sql: &str,
    (a, b, offset): (i64, i64, i64),
) -> sqlx::Result<Vec<AnyRow>> {
    sqlx::query(sql)
        .bind(a)
        .bind(b)
        .bind(offset)
        .fetch_all(conn)
        .await
}

/// The facts of a span, summed by figure, key and slot.
async fn facts(conn: &mut AnyConnection, s: Span) -> anyhow::Result<Facts> {
    let mut out = Facts::default();
    let arrived = (s.from_ms, s.to_ms, s.offset_ms);
    // `ch`, not `channel`: PostgreSQL groups by a column before an output of its name.
    let joined = "SELECT (created_at_ms + $3) / 86400000 AS d, \
          COALESCE(joined_store, '') AS store, \
          CASE WHEN channel = 'phone' AND EXISTS \
            (SELECT 1 FROM invites i WHERE i.invitee_id = members.id) \
          THEN 'invite' ELSE channel END AS ch, COUNT(*) AS v FROM members \
        WHERE created_at_ms >= $1 AND created_at_ms < $2 AND NOT is_demo \
        GROUP BY d, store, ch";
    for r in fetch(conn, joined, arrived).await? {
        let (d, v): (i64, i64) = (r.try_get("d")?, r.try_get("v")?);
        out.add(figure::NEW_MEMBERS, d, "", v);
        out.add(
            figure::NEW_BY_STORE,
            d,
            &r.try_get::<String, _>("store")?,
            v,
        );
        out.add(figure::NEW_BY_CHANNEL, d, &r.try_get::<String, _>("ch")?, v);
    }
    let orders = "SELECT (paid_at_ms + $3) / 7200000 AS s, (received_at_ms + $3) / 86400000 AS d, \
          COUNT(*) AS n, CAST(SUM(payable_fen) AS BIGINT) AS fen, \
          CAST(SUM(CASE WHEN coupon_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS c \
        FROM orders WHERE received_at_ms >= $1 AND received_at_ms < $2 GROUP BY s, d";
    for r in fetch(conn, orders, arrived).await? {
        let (slot, d): (i64, i64) = (r.try_get("s")?, r.try_get("d")?);
        out.add(figure::ORDERS_2H, slot, "", r.try_get("n")?);
        out.add(figure::SALES_2H, slot, "", r.try_get("fen")?);
        out.add(figure::COUPONS_USED, d, "", r.try_get("c")?);
    }
    let refunds = "SELECT (o.paid_at_ms + $3) / 7200000 AS s, \
          (o.received_at_ms + $3) / 86400000 AS d, CAST(SUM(r.amount_fen) AS BIGINT) AS fen, \
          CAST(SUM(r.coupons_returned) AS BIGINT) AS c \
        FROM refunds r JOIN orders o ON o.id = r.order_id \
        WHERE r.at_ms >= $1 AND r.at_ms < $2 GROUP BY s, d";
    for r in fetch(conn, refunds, arrived).await? {
        let (slot, d): (i64, i64) = (r.try_get("s")?, r.try_get("d")?);
        out.add(figure::SALES_2H, slot, "", -r.try_get::<i64, _>("fen")?);
        out.add(figure::COUPONS_USED, d, "", -r.try_get::<i64, _>("c")?);
    }
    let made = "SELECT (created_at_ms + $3) / 86400000 AS d, source AS k, COUNT(*) AS v \
        FROM coupons WHERE created_at_ms >= $1 AND created_at_ms < $2 GROUP BY d, source";
    for r in fetch(conn, made, arrived).await? {
        let k: String = r.try_get("k")?;
        out.add(figure::COUPONS_ISSUED, r.try_get("d")?, &k, r.try_get("v")?);
    }
    let expired = "SELECT (valid_until_ms + $3) / 86400000 AS d, COUNT(*) AS v FROM coupons \
        WHERE valid_until_ms >= $1 AND valid_until_ms < $2 AND used_at_ms IS NULL GROUP BY d";
    let ended = (s.from_ms, s.expired_to_ms, s.offset_ms);
    for r in fetch(conn, expired, ended).await? {
        out.add(
            figure::COUPONS_EXPIRED,
            r.try_get("d")?,
            "",
            r.try_get("v")?,
        );
    }
    // Points by what moved them: credits but a refund's return; used at checkout and in
    // the mall; expired.
    let ledger = "SELECT (at_ms + $3) / 86400000 AS d, kind, CAST(SUM(points) AS BIGINT) AS v \
        FROM points_ledger WHERE id > $1 AND id <= $2 AND points > 0 \
          AND kind <> 'refund_return' GROUP BY d, kind \
        UNION ALL \
        SELECT (at_ms + $3) / 86400000 AS d, kind, CAST(-SUM(points) AS BIGINT) AS v \
        FROM points_ledger WHERE id > $1 AND id <= $2 AND points < 0 \
          AND kind IN ('points_used', 'mall', 'expire') GROUP BY d, kind";
    let ids = (s.ledger_after, s.ledger_to, s.offset_ms);
    for r in fetch(conn, ledger, ids).await? {
        let kind: String = r.try_get("kind")?;
        let into = match EntryKind::parse(&kind) {
            Some(EntryKind::PointsUsed | EntryKind::Mall) => figure::POINTS_REDEEMED,
            Some(EntryKind::Expire) => figure::POINTS_EXPIRED,
            _ => figure::POINTS_ISSUED,
        };
        out.add(into, r.try_get("d")?, "", r.try_get("v")?);
    }
    Ok(out)
}

/// The members who paid an order that arrived in `[from_ms, to_ms)`, by paid local day.
async fn order_days(conn: &mut AnyConnection, s: Span) -> anyhow::Result<Vec<(i64, String)>> {
    let sql = "SELECT DISTINCT (paid_at_ms + $3) / 86400000 AS d, member_id FROM orders \
        WHERE received_at_ms >= $1 AND received_at_ms < $2";
    fetch(conn, sql, (s.from_ms, s.to_ms, s.offset_ms))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("d")?, r.try_get("member_id")?)))
        .collect()
}

/// A local day number's date.
pub fn date_of(day: i64) -> NaiveDate {
    let epoch = NaiveDate::default();
    if day >= 0 {
        epoch + Days::new(day as u64)
    } else {
        epoch - Days::new(day.unsigned_abs())
    }
}

/// What the rolled days leave to be read live: the facts since the day after the last
/// rolled one (all of them before the first roll).
#[derive(Debug, Clone, Copy)]
pub struct Live {
    /// The first day not rolled.
    pub first_day: Option<i64>,
    pub from_ms: i64,
    pub ledger_after: i64,
}

pub async fn live(db: &Db, offset_ms: i64) -> anyhow::Result<Live> {
    let row = sqlx::query(
        "SELECT day, ledger_to FROM rolled_days WHERE day = (SELECT MAX(day) FROM rolled_days)",
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Live {
            first_day: None,
            from_ms: i64::MIN,
            ledger_after: 0,
        },
        Some(r) => {
            let next = r.try_get::<i64, _>("day")? + 1;
            Live {
                first_day: Some(next),
                from_ms: next * DAY_MS - offset_ms,
                ledger_after: r.try_get("ledger_to")?,
            }
        }
    })
}

/// Every figure from `first_day` to `last_day` (local day numbers; the `*_2h` figures by
/// their slots in those days): the rolled rows plus what arrived since (`live`), as of
/// `now_ms` (a coupon expires once its validity has ended).
pub async fn read(
    db: &Db,
    (first_day, last_day): (i64, i64),
    offset_ms: i64,
    now_ms: i64,
    live: Live,
) -> anyhow::Result<Facts> {
    let mut out = Facts::default();
    let slots = (
        first_day * SLOTS_PER_DAY,
        (last_day + 1) * SLOTS_PER_DAY - 1,
    );
    for (figures, (lo, hi)) in [
        (&figure::BY_DAY[..], (first_day, last_day)),
        (&figure::BY_SLOT[..], slots),
    ] {
        for name in figures {
            let rows = sqlx::query(
                "SELECT slot, k, CAST(SUM(v) AS BIGINT) AS v FROM rollups \
                 WHERE figure = $1 AND slot >= $2 AND slot <= $3 GROUP BY slot, k",
            )
            .bind(*name)
            .bind(lo)
            .bind(hi)
            .fetch_all(db)
            .await?;
            for r in &rows {
                let k: String = r.try_get("k")?;
                out.add(name, r.try_get("slot")?, &k, r.try_get("v")?);
            }
        }
    }
    // The facts that arrived after the last rolled day, wherever they count.
    let mut conn = db.acquire().await?;
    let recent = facts(
        &mut conn,
        Span {
            from_ms: live.from_ms,
            to_ms: i64::MAX,
            ledger_after: live.ledger_after,
            ledger_to: i64::MAX,
            expired_to_ms: now_ms.saturating_add(1),
            offset_ms,
        },
    )
    .await?;
    for (f, slot, k, v) in recent.rows() {
        let (lo, hi) = if figure::BY_SLOT.contains(&f) {
            slots
        } else {
            (first_day, last_day)
        };
        if (lo..=hi).contains(&slot) {
            out.add(f, slot, k, v);
        }
    }
    Ok(out)
}

/// The members who paid an order not yet rolled (their days are not in `member_days`
/// yet), by paid local day.
pub async fn live_order_days(
    db: &Db,
    offset_ms: i64,
    live: Live,
) -> anyhow::Result<Vec<(i64, String)>> {
    let mut conn = db.acquire().await?;
    order_days(
        &mut conn,
        Span {
            from_ms: live.from_ms,
            to_ms: i64::MAX,
            ledger_after: 0,
            ledger_to: 0,
            expired_to_ms: 0,
            offset_ms,
        },
    )
    .await
}

/// Rolls every local day not rolled yet before `before_day`, oldest first, each in a
/// transaction of its own; how many. A database never rolled starts at its first fact's
/// day (the ledger has no day: the first day rolled takes none of it, the next all).
pub async fn roll_before(
    db: &Db,
    offset_ms: i64,
    before_day: i64,
    now_ms: i64,
) -> anyhow::Result<u64> {
    let mut rolled = 0;
    loop {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(day) FROM rolled_days")
            .fetch_one(db)
            .await?;
        let next = match last {
            Some(day) => day + 1,
            None => first_fact_day(db, offset_ms)
                .await?
                .unwrap_or(before_day - 1),
        };
        if next >= before_day {
            return Ok(rolled);
        }
        // Only the last day of a catch-up keeps the standing: each is a scan of every
        // member, and a read starts from the latest.
        roll_one(db, offset_ms, next, now_ms, next + 1 == before_day).await?;
        rolled += 1;
    }
}

async fn first_fact_day(db: &Db, offset_ms: i64) -> anyhow::Result<Option<i64>> {
    let first: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(t) FROM (\
           SELECT MIN(created_at_ms) AS t FROM members UNION ALL \
           SELECT MIN(received_at_ms) FROM orders UNION ALL \
           SELECT MIN(at_ms) FROM refunds UNION ALL \
           SELECT MIN(created_at_ms) FROM coupons UNION ALL \
           SELECT MIN(valid_until_ms) FROM coupons) AS firsts",
    )
    .fetch_one(db)
    .await?;
    Ok(first.map(|t| (t + offset_ms).div_euclid(DAY_MS)))
}

/// (Re-)rolls one local day in one transaction: its rows are deleted and written again
/// from the facts that arrived that day (a day rolled before keeps its ledger range), and
/// its orders' members are noted active on their paid days.
/// The standing (members per tier, points outstanding) is kept too when the day is the
/// latest rolled.
pub async fn roll_day(db: &Db, offset_ms: i64, day: i64, now_ms: i64) -> anyhow::Result<()> {
    let later: Option<i64> = sqlx::query_scalar("SELECT MAX(day) FROM rolled_days")
        .fetch_one(db)
        .await?;
    let latest = later.is_none_or(|last| last <= day);
    roll_one(db, offset_ms, day, now_ms, latest).await
}

async fn roll_one(
    db: &Db,
    offset_ms: i64,
    day: i64,
    now_ms: i64,
    keep_standing: bool,
) -> anyhow::Result<()> {
    let mut tx = super::begin_write(db).await?;
    let stored = sqlx::query(
        "SELECT ledger_after, ledger_to, ledger_seen, tiers_to, tiers_seen FROM rolled_days \
         WHERE day = $1",
    )
    .bind(day)
    .fetch_optional(&mut *tx)
    .await?;
    let (ledger_after, ledger_to, ledger_seen, tiers_to, tiers_seen) = match stored {
        Some(r) => (
            r.try_get("ledger_after")?,
            r.try_get("ledger_to")?,
            r.try_get("ledger_seen")?,
            r.try_get("tiers_to")?,
            r.try_get("tiers_seen")?,
        ),
        None => {
            let before = sqlx::query(
                "SELECT ledger_to, ledger_seen, tiers_seen FROM rolled_days WHERE day < $1 \
                 ORDER BY day DESC LIMIT 1",
            )
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
            let (after, seen, tiers) = match before {
                Some(r) => (
                    r.try_get("ledger_to")?,
                    r.try_get("ledger_seen")?,
                    r.try_get("tiers_seen")?,
                ),
                None => (0, 0, 0),
            };
            let now_seen: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM points_ledger")
                .fetch_one(&mut *tx)
                .await?;
            let tiers_now: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM tier_changes")
                .fetch_one(&mut *tx)
                .await?;
            (
                after,
                i64::max(after, seen),
                now_seen.unwrap_or(0),
                tiers,
                tiers_now.unwrap_or(0),
            )
        }
    };
    let start = day * DAY_MS - offset_ms;
    let span = Span {
        from_ms: start,
        to_ms: start + DAY_MS,
        ledger_after,
        ledger_to,
        expired_to_ms: start + DAY_MS,
        offset_ms,
    };
    sqlx::query("DELETE FROM rollups WHERE src_day = $1")
        .bind(day)
        .execute(&mut *tx)
        .await?;
    for (f, slot, k, v) in facts(&mut tx, span).await?.rows() {
        sqlx::query(
            "INSERT INTO rollups (src_day, figure, slot, k, v) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(day)
        .bind(f)
        .bind(slot)
        .bind(k)
        .bind(v)
        .execute(&mut *tx)
        .await?;
    }
    for chunk in order_days(&mut tx, span).await?.chunks(200) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO member_days (day, member_id) VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (d, member) in chunk {
            q = q.bind(date_of(*d).to_string()).bind(member.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    let end_ms = start + DAY_MS;
    let standing_ms = if keep_standing {
        let since = Since {
            ms: end_ms,
            ledger: ledger_to,
            tiers: tiers_to,
        };
        sqlx::query("DELETE FROM rolled_standing WHERE day = $1")
            .bind(day)
            .execute(&mut *tx)
            .await?;
        for (tier, (members, points)) in standing_then(&mut tx, since, false).await? {
            sqlx::query(
                "INSERT INTO rolled_standing (day, tier, members, points) VALUES ($1, $2, $3, $4)",
            )
            .bind(day)
            .bind(tier)
            .bind(members)
            .bind(points)
            .execute(&mut *tx)
            .await?;
        }
        Some(end_ms)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO rolled_days (day, ledger_after, ledger_to, ledger_seen, rolled_at_ms, \
           tiers_to, tiers_seen, standing_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (day) DO UPDATE SET rolled_at_ms = excluded.rolled_at_ms, \
           standing_ms = COALESCE(excluded.standing_ms, rolled_days.standing_ms)",
    )
    .bind(day)
    .bind(ledger_after)
    .bind(ledger_to)
    .bind(ledger_seen)
    .bind(now_ms)
    .bind(tiers_to)
    .bind(tiers_seen)
    .bind(standing_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Members by tier and their points outstanding.
pub type Standing = HashMap<String, (i64, i64)>;

/// Where a standing was taken: members registered or erased before `ms`, the ledger's
/// entries up to id `ledger`, the tier changes up to id `tiers`.
#[derive(Debug, Clone, Copy)]
struct Since {
    ms: i64,
    ledger: i64,
    tiers: i64,
}

/// The members touched since: a ledger entry or a tier change after the ids, registered
/// or erased at or after the instant.
const TOUCHED: &str = "(SELECT member_id FROM points_ledger WHERE id > $2 \
    UNION SELECT member_id FROM tier_changes WHERE id > $3 \
    UNION SELECT id FROM members WHERE created_at_ms >= $1 \
    UNION SELECT id FROM members WHERE deleted_at_ms >= $1)";

/// The members' standing as of `since` (their tier then: the one left by their first
/// change after it; their balance then: less the entries after it), read from the rows
/// as they are now. `touched`: only the members touched since.
fn then_sql(touched: bool) -> String {
    format!(
        "SELECT tier_then AS tier, COUNT(*) AS n, \
           CAST(COALESCE(SUM(CASE WHEN bal > 0 THEN bal ELSE 0 END), 0) AS BIGINT) AS pts \
         FROM (SELECT \
           CASE WHEN m.id IN (SELECT member_id FROM tier_changes WHERE id > $3) \
             THEN (SELECT c.from_tier FROM tier_changes c \
                   WHERE c.member_id = m.id AND c.id > $3 ORDER BY c.id LIMIT 1) \
             ELSE m.tier END AS tier_then, \
           m.points_balance - CASE WHEN m.id IN (SELECT member_id FROM points_ledger WHERE id > $2) \
             THEN (SELECT CAST(SUM(l.points) AS BIGINT) FROM points_ledger l \
                   WHERE l.member_id = m.id AND l.id > $2) \
             ELSE 0 END AS bal \
           FROM members m WHERE NOT m.is_demo AND m.created_at_ms < $1 \
             AND (m.deleted_at_ms IS NULL OR m.deleted_at_ms >= $1) {}) AS t \
         GROUP BY tier_then",
        if touched {
            format!("AND m.id IN {TOUCHED}")
        } else {
            String::new()
        }
    )
}

async fn standing_then(
    conn: &mut AnyConnection,
    since: Since,
    touched: bool,
) -> anyhow::Result<Standing> {
    let rows = fetch(
        conn,
        &then_sql(touched),
        (since.ms, since.ledger, since.tiers),
    )
    .await?;
    let mut out = Standing::new();
    for r in &rows {
        out.insert(r.try_get("tier")?, (r.try_get("n")?, r.try_get("pts")?));
    }
    Ok(out)
}

/// Members per tier and points outstanding now: the latest rolled standing plus, for
/// each member touched since, their standing now less theirs then (one statement: one
/// snapshot of the rows on PostgreSQL). Never rolled: every member, read now.
pub async fn standing(db: &Db) -> anyhow::Result<Standing> {
    let base = sqlx::query(
        "SELECT day, standing_ms, ledger_to, tiers_to FROM rolled_days \
         WHERE standing_ms IS NOT NULL ORDER BY day DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    let (mut out, since) = match base {
        Some(r) => {
            let day: i64 = r.try_get("day")?;
            let rows =
                sqlx::query("SELECT tier, members, points FROM rolled_standing WHERE day = $1")
                    .bind(day)
                    .fetch_all(db)
                    .await?;
            let mut out = Standing::new();
            for t in &rows {
                out.insert(
                    t.try_get("tier")?,
                    (t.try_get("members")?, t.try_get("points")?),
                );
            }
            let since = Since {
                ms: r.try_get("standing_ms")?,
                ledger: r.try_get("ledger_to")?,
                tiers: r.try_get("tiers_to")?,
            };
            (out, since)
        }
        None => (
            Standing::new(),
            Since {
                ms: i64::MIN,
                ledger: 0,
                tiers: 0,
            },
        ),
    };
    let sql = format!(
        "SELECT CAST(1 AS BIGINT) AS sign, m.tier AS tier, COUNT(*) AS n, \
           CAST(COALESCE(SUM(CASE WHEN m.points_balance > 0 THEN m.points_balance ELSE 0 END), \
             0) AS BIGINT) AS pts \
         FROM members m WHERE NOT m.is_demo AND m.deleted_at_ms IS NULL AND m.id IN {TOUCHED} \
         GROUP BY m.tier \
         UNION ALL SELECT CAST(-1 AS BIGINT) AS sign, tier, n, pts FROM ({}) AS then_",
        then_sql(true)
    );
    let mut conn = db.acquire().await?;
    for r in fetch(&mut conn, &sql, (since.ms, since.ledger, since.tiers)).await? {
        let sign: i64 = r.try_get("sign")?;
        let e = out.entry(r.try_get("tier")?).or_default();
        e.0 += sign * r.try_get::<i64, _>("n")?;
        e.1 += sign * r.try_get::<i64, _>("pts")?;
    }
    Ok(out)
}
