//! Churn risk in storage (issue 40): members whose last order was paid before a cutoff
//! (`members.last_order_at_ms`, kept by the order path), read the most valuable first; and
//! the batches that grant a coupon to such a list, with their progress.

use sqlx::Row as _;

use super::{Db, Tx};
use crate::vault;

/// Which members: bought before, last order before `cutoff_ms`, optionally one tier and
/// one joining store. Demo and erased members never count.
#[derive(Debug, Clone)]
pub struct ChurnFilter {
    pub cutoff_ms: i64,
    pub tier: Option<String>,
    pub store: Option<String>,
}

/// `$1`–`$3`: the filter's cutoff, tier and store.
const AT_RISK: &str = "m.deleted_at_ms IS NULL AND NOT m.is_demo AND m.last_order_at_ms < $1 \
    AND (CAST($2 AS TEXT) IS NULL OR m.tier = $2) \
    AND (CAST($3 AS TEXT) IS NULL OR m.joined_store = $3)";

/// `sql` with the filter bound as `$1`–`$3` (see [`AT_RISK`]).
fn at_risk<'q>(
    sql: &'q str,
    filter: &'q ChurnFilter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(filter.cutoff_ms)
        .bind(filter.tier.as_deref())
        .bind(filter.store.as_deref())
}

/// A member at risk as listed, their phone and nickname opened.
pub struct ChurnRow {
    pub id: String,
    pub phone: Option<String>,
    pub nickname: Option<String>,
    pub tier: String,
    pub store: Option<String>,
    pub lifetime_spend_fen: i64,
    pub last_order_at_ms: i64,
    pub points_balance: i64,
    pub points_expiring: i64,
    pub coupons_expiring: i64,
}

/// At most `limit` members at risk, the highest lifetime spend first (then id), after
/// `after` (a row's spend and id); what expires in `[now_ms, warn_ms)` counted.
pub async fn page(
    db: &Db,
    filter: &ChurnFilter,
    after: Option<(i64, &str)>,
    (now_ms, warn_ms): (i64, i64),
    limit: i64,
) -> anyhow::Result<Vec<ChurnRow>> {
    let (after_spend, after_id) = after.unzip();
    let sql = format!(
        "SELECT m.id, m.phone, m.nickname, m.tier, m.joined_store, m.lifetime_spend_fen, \
           m.last_order_at_ms, m.points_balance, \
           (SELECT CAST(COALESCE(SUM(l.remaining), 0) AS BIGINT) FROM point_lots l \
              WHERE l.member_id = m.id \
              AND l.remaining > 0 AND l.expires_at_ms > $6 AND l.expires_at_ms <= $7) \
             AS points_expiring, \
           (SELECT COUNT(*) FROM coupons c WHERE c.member_id = m.id AND c.used_at_ms IS NULL \
              AND NOT c.first_order_only \
              AND c.valid_until_ms > $6 AND c.valid_until_ms <= $7) AS coupons_expiring \
         FROM members m WHERE {AT_RISK} \
           AND (CAST($4 AS BIGINT) IS NULL OR m.lifetime_spend_fen < $4 \
                OR (m.lifetime_spend_fen = $4 AND m.id < $5)) \
         ORDER BY m.lifetime_spend_fen DESC, m.id DESC LIMIT $8"
    );
    let rows = at_risk(&sql, filter)
        .bind(after_spend)
        .bind(after_id)
        .bind(now_ms)
        .bind(warn_ms)
        .bind(limit)
        .fetch_all(db)
        .await?;
    let keys = vault::keyring()?;
    rows.iter()
        .map(|r| {
            let open = |name: &str, column| -> anyhow::Result<Option<String>> {
                let stored: Option<String> = r.try_get(name)?;
                Ok(stored.map(|v| keys.open(column, &v)).transpose()?)
            };
            Ok(ChurnRow {
                id: r.try_get("id")?,
                phone: open("phone", vault::MEMBER_PHONE)?,
                nickname: open("nickname", vault::MEMBER_NICKNAME)?.filter(|n| !n.is_empty()),
                tier: r.try_get("tier")?,
                store: r.try_get("joined_store")?,
                lifetime_spend_fen: r.try_get("lifetime_spend_fen")?,
                last_order_at_ms: r.try_get("last_order_at_ms")?,
                points_balance: r.try_get("points_balance")?,
                points_expiring: r.try_get("points_expiring")?,
                coupons_expiring: r.try_get("coupons_expiring")?,
            })
        })
        .collect()
}

/// How many members are at risk.
pub async fn count(db: &Db, filter: &ChurnFilter) -> anyhow::Result<i64> {
    let sql = format!("SELECT COUNT(*) AS n FROM members m WHERE {AT_RISK}");
    Ok(at_risk(&sql, filter).fetch_one(db).await?.try_get("n")?)
}

/// The ids of at most `limit` members at risk after `after_id`, by id: a batch's walk.
pub async fn ids_after(
    db: &Db,
    filter: &ChurnFilter,
    after_id: &str,
    limit: i64,
) -> anyhow::Result<Vec<String>> {
    let sql =
        format!("SELECT m.id FROM members m WHERE {AT_RISK} AND m.id > $4 ORDER BY m.id LIMIT $5");
    let rows = at_risk(&sql, filter)
        .bind(after_id)
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?)
}

/// A churn list's grant as stored.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    pub actor_id: String,
    pub request_sha256: String,
    pub grant_id: String,
    pub reason: String,
    pub filter: ChurnFilter,
    pub total: i64,
    pub granted: i64,
    pub after_id: String,
    pub done: bool,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

const BATCH_COLUMNS: &str = "id, actor_id, request_sha256, grant_id, reason, tier, store, \
    cutoff_ms, total, granted, after_id, status, created_at_ms, finished_at_ms";

fn batch_of(r: &sqlx::any::AnyRow) -> anyhow::Result<Batch> {
    let status: String = r.try_get("status")?;
    Ok(Batch {
        id: r.try_get("id")?,
        actor_id: r.try_get("actor_id")?,
        request_sha256: r.try_get("request_sha256")?,
        grant_id: r.try_get("grant_id")?,
        reason: r.try_get("reason")?,
        filter: ChurnFilter {
            cutoff_ms: r.try_get("cutoff_ms")?,
            tier: r.try_get("tier")?,
            store: r.try_get("store")?,
        },
        total: r.try_get("total")?,
        granted: r.try_get("granted")?,
        after_id: r.try_get("after_id")?,
        done: status == "done",
        created_at_ms: r.try_get("created_at_ms")?,
        finished_at_ms: r.try_get("finished_at_ms")?,
    })
}

pub async fn batch(db: &Db, id: &str) -> anyhow::Result<Option<Batch>> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM grant_batches WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db).await?;
    row.as_ref().map(batch_of).transpose()
}

/// The batch a request key made.
pub async fn batch_by_request<'e, E>(db: E, request_key: &str) -> anyhow::Result<Option<Batch>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {BATCH_COLUMNS} FROM grant_batches WHERE request_key = $1");
    let row = sqlx::query(&sql)
        .bind(request_key)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(batch_of).transpose()
}

pub async fn insert_batch(tx: &mut Tx<'_>, request_key: &str, b: &Batch) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO grant_batches (id, request_key, actor_id, request_sha256, grant_id, \
           reason, tier, store, cutoff_ms, total, status, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running', $11)",
    )
    .bind(&b.id)
    .bind(request_key)
    .bind(&b.actor_id)
    .bind(&b.request_sha256)
    .bind(&b.grant_id)
    .bind(&b.reason)
    .bind(b.filter.tier.as_deref())
    .bind(b.filter.store.as_deref())
    .bind(b.filter.cutoff_ms)
    .bind(b.total)
    .bind(b.created_at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A page of the walk done: `granted` more coupons, the walk past `after_id`.
pub async fn advance(
    tx: &mut Tx<'_>,
    id: &str,
    after_id: &str,
    granted: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE grant_batches SET granted = granted + $1, \
           after_id = CASE WHEN after_id < $2 THEN $2 ELSE after_id END WHERE id = $3",
    )
    .bind(granted)
    .bind(after_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn finish(db: &Db, id: &str, at_ms: i64) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE grant_batches SET status = 'done', finished_at_ms = $1 \
         WHERE id = $2 AND status = 'running'",
    )
    .bind(at_ms)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The batches a stopped server left running.
pub async fn running(db: &Db) -> anyhow::Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM grant_batches WHERE status = 'running' ORDER BY id")
            .fetch_all(db)
            .await?,
    )
}
