//! Stores (issue 14): made by the operator (`store create`), a staff account's place of
//! work, and where a member joined through a store's QR code.

pub use contract::staff::StoreInfo as Store;

use super::{Db, Tx};

/// Creates a store, or renames the one with this code.
pub async fn upsert<'e, E>(db: E, code: &str, name: &str, now_ms: i64) -> anyhow::Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO stores (code, name, created_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    )
    .bind(code)
    .bind(name)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<Store>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM stores ORDER BY code")
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name)| Store { code, name })
        .collect())
}

pub async fn get<'e, E>(db: E, code: &str) -> anyhow::Result<Option<Store>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT code, name FROM stores WHERE code = $1")
            .bind(code)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(code, name)| Store { code, name }))
}

/// Puts a staff account at a store.
pub async fn assign(tx: &mut Tx<'_>, member_id: &str, code: Option<&str>) -> anyhow::Result<()> {
    sqlx::query("UPDATE members SET store_code = $1 WHERE id = $2")
        .bind(code)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Attributes a member who has just registered to the store whose QR code they came by.
/// Only a member with no attribution yet: it is set once and never changed.
pub async fn attribute_join(
    tx: &mut Tx<'_>,
    member_id: &str,
    code: &str,
    via: &str,
    now_ms: i64,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE members SET joined_store = $1, joined_via = $2, joined_at_ms = $3, \
           channel = $2 WHERE id = $4 AND joined_store IS NULL",
    )
    .bind(code)
    .bind(via)
    .bind(now_ms)
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Members who joined at a store in `[from_ms, until_ms)` (demo members never count).
pub async fn joins_between(
    db: &Db,
    code: &str,
    from_ms: i64,
    until_ms: i64,
) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE joined_store = $1 AND joined_at_ms >= $2 \
         AND joined_at_ms < $3 AND is_demo = FALSE AND deleted_at_ms IS NULL",
    )
    .bind(code)
    .bind(from_ms)
    .bind(until_ms)
    .fetch_one(db)
    .await?)
}

/// The latest `limit` of those joins, latest first: when (Unix ms) and the phone.
pub async fn recent_joins_between(
    db: &Db,
    code: &str,
    from_ms: i64,
    until_ms: i64,
    limit: i64,
) -> anyhow::Result<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT joined_at_ms, phone FROM members WHERE joined_store = $1 \
         AND joined_at_ms >= $2 AND joined_at_ms < $3 AND is_demo = FALSE \
         AND deleted_at_ms IS NULL AND phone IS NOT NULL \
         ORDER BY joined_at_ms DESC, id LIMIT $4",
    )
    .bind(code)
    .bind(from_ms)
    .bind(until_ms)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let keys = crate::vault::keyring()?;
    rows.into_iter()
        .map(|(at, phone)| Ok((at, keys.open(crate::vault::MEMBER_PHONE, &phone)?)))
        .collect()
}

/// The store of a staff account, if it has one.
pub async fn of_member(db: &Db, member_id: &str) -> anyhow::Result<Option<Store>> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT s.code, s.name FROM members m JOIN stores s ON s.code = m.store_code \
         WHERE m.id = $1",
    )
    .bind(member_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(code, name)| Store { code, name }))
}
