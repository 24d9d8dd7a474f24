//! Private calendar feed links: one per member, stored as its token's SHA-256
//! (`workflows::calendar_feeds` makes the token).

use super::Db;

/// Stores the member's feed token's hash, replacing (and so revoking) any earlier one.
pub async fn replace(
    db: &Db,
    member_id: &str,
    token_sha256: &str,
    now_ms: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (member_id, token_sha256, created_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (member_id) DO UPDATE SET token_sha256 = excluded.token_sha256, \
         created_at_ms = excluded.created_at_ms",
    )
    .bind(member_id)
    .bind(token_sha256)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes the member's feed; false when there was none.
pub async fn revoke(db: &Db, member_id: &str) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM calendar_feeds WHERE member_id = $1")
        .bind(member_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The member whose current feed token hashes to `token_sha256`, if any.
pub async fn member_of(db: &Db, token_sha256: &str) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT member_id FROM calendar_feeds WHERE token_sha256 = $1")
            .bind(token_sha256)
            .fetch_optional(db)
            .await?,
    )
}
