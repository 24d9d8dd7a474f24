//! Private calendar feed links: a random token per member, stored as its SHA-256.

use super::Db;
use crate::crypto::{random_token, sha256_hex};

/// Makes the member's feed token, replacing (and so revoking) any earlier one. The token
/// is returned once and never stored.
pub async fn replace(db: &Db, member_id: &str, now_ms: i64) -> anyhow::Result<String> {
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO calendar_feeds (member_id, token_sha256, created_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (member_id) DO UPDATE SET token_sha256 = excluded.token_sha256, \
         created_at_ms = excluded.created_at_ms",
    )
    .bind(member_id)
    .bind(sha256_hex(&[token.as_bytes()]))
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(token)
}

/// Revokes the member's feed; false when there was none.
pub async fn revoke(db: &Db, member_id: &str) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM calendar_feeds WHERE member_id = $1")
        .bind(member_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The member a feed token belongs to, if it is current.
pub async fn member_of(db: &Db, token: &str) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT member_id FROM calendar_feeds WHERE token_sha256 = $1")
            .bind(sha256_hex(&[token.as_bytes()]))
            .fetch_optional(db)
            .await?,
    )
}
