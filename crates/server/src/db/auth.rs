//! One-time codes, sessions and API keys in storage. Nothing secret is stored as it is:
//! codes are salted SHA-256, tokens and keys (256 random bits) plain SHA-256.

use sqlx::Row as _;

use super::exec::Exec;
use super::{Db, Tx};
use crate::args;
use crate::crypto::{random_token, sha256_hex};
// Pending codes are keyed by the phone's blind index, not the phone.
use crate::vault::phone_index;

/// A pending one-time code.
pub struct PendingCode {
    pub salt: String,
    pub code_sha256: String,
    pub sent_at_ms: i64,
    pub expires_at_ms: i64,
    pub attempts: i64,
}

pub fn code_hash(salt: &str, phone: &str, code: &str) -> String {
    sha256_hex(&[
        salt.as_bytes(),
        b"\0",
        phone.as_bytes(),
        b"\0",
        code.as_bytes(),
    ])
}

pub async fn pending_code<'e, E>(db: E, phone: &str) -> anyhow::Result<Option<PendingCode>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT salt, code_sha256, sent_at_ms, expires_at_ms, attempts FROM otp_codes \
         WHERE phone_index = $1",
    )
    .bind(phone_index(phone)?)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(PendingCode {
            salt: r.try_get("salt")?,
            code_sha256: r.try_get("code_sha256")?,
            sent_at_ms: r.try_get("sent_at_ms")?,
            expires_at_ms: r.try_get("expires_at_ms")?,
            attempts: r.try_get("attempts")?,
        })
    })
    .transpose()
}

/// Stores a new code for `phone`, replacing any pending one (and its attempt count).
pub async fn put_code(
    db: &Db,
    phone: &str,
    code: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> anyhow::Result<()> {
    let salt = random_token(16);
    sqlx::query(
        "INSERT INTO otp_codes (phone_index, salt, code_sha256, sent_at_ms, expires_at_ms, attempts) \
         VALUES ($1, $2, $3, $4, $5, 0) \
         ON CONFLICT (phone_index) DO UPDATE SET salt = excluded.salt, \
           code_sha256 = excluded.code_sha256, sent_at_ms = excluded.sent_at_ms, \
           expires_at_ms = excluded.expires_at_ms, attempts = 0",
    )
    .bind(phone_index(phone)?)
    .bind(&salt)
    .bind(code_hash(&salt, phone, code))
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes back the code stored at `sent_at_ms` (its delivery failed): the phone has no
/// pending code, so the shopper may ask again at once. A newer code is left alone.
pub async fn withdraw_code(db: &Db, phone: &str, sent_at_ms: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM otp_codes WHERE phone_index = $1 AND sent_at_ms = $2")
        .bind(phone_index(phone)?)
        .bind(sent_at_ms)
        .execute(db)
        .await?;
    Ok(())
}

/// Counts one try against the pending code; returns the tries made so far, or None when
/// there is no pending code. Counted before comparing, in its own statement, so parallel
/// guesses cannot get past the limit.
pub async fn count_attempt(db: &Db, phone: &str) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE otp_codes SET attempts = attempts + 1 WHERE phone_index = $1 RETURNING attempts",
    )
    .bind(phone_index(phone)?)
    .fetch_optional(db)
    .await?)
}

/// Uses up the pending code (inside the login's transaction). False if it was already used
/// by a concurrent login.
pub async fn consume_code(tx: &mut Tx<'_>, phone: &str, code_sha256: &str) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM otp_codes WHERE phone_index = $1 AND code_sha256 = $2")
        .bind(phone_index(phone)?)
        .bind(code_sha256)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates a session and returns its token (shown once, stored hashed).
pub async fn create_session(
    tx: &mut Tx<'_>,
    member_id: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> anyhow::Result<String> {
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO sessions (token_sha256, member_id, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256_hex(&[token.as_bytes()]))
    .bind(member_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// The member and role of a live session token.
pub async fn session_member(
    db: &Db,
    token: &str,
    now_ms: i64,
) -> anyhow::Result<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT m.id AS member_id, m.role AS role FROM sessions s JOIN members m ON m.id = s.member_id \
         WHERE s.token_sha256 = $1 AND s.expires_at_ms > $2 AND m.deleted_at_ms IS NULL",
    )
    .bind(sha256_hex(&[token.as_bytes()]))
    .bind(now_ms)
    .fetch_optional(db)
    .await?;
    row.map(|r| Ok((r.try_get("member_id")?, r.try_get("role")?)))
        .transpose()
}

pub async fn delete_session(db: &Db, token: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
        .bind(sha256_hex(&[token.as_bytes()]))
        .execute(db)
        .await?;
    Ok(())
}

/// Creates a shop API key; returns (id, key). The key is shown once and stored hashed.
pub async fn create_api_key<'e, E>(
    db: E,
    name: &str,
    now_ms: i64,
) -> anyhow::Result<(String, String)>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id = format!("key_{}", random_token(9));
    let key = format!("mc_{}", random_token(32));
    sqlx::query(
        "INSERT INTO api_keys (id, name, key_sha256, created_at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(name)
    .bind(sha256_hex(&[key.as_bytes()]))
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok((id, key))
}

/// Revokes a live key; false when there is none with this id.
pub async fn revoke_api_key<'e, E>(db: E, id: &str, now_ms: i64) -> anyhow::Result<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the API key of this id is live (not revoked).
pub async fn api_key_is_live(db: &mut impl Exec, id: &str) -> sqlx::Result<bool> {
    let sql = "SELECT 1 AS live FROM api_keys WHERE id = $1 AND revoked_at_ms IS NULL";
    let live = db.optional(sql, args![id], |r| r.int("live")).await?;
    Ok(live.is_some())
}

/// The id of a live (not revoked) API key.
pub async fn api_key_id(db: &mut impl Exec, key: &str) -> anyhow::Result<Option<String>> {
    let key_sha256 = sha256_hex(&[key.as_bytes()]);
    Ok(db
        .optional(
            "SELECT id FROM api_keys WHERE key_sha256 = $1 AND revoked_at_ms IS NULL",
            args![&key_sha256],
            |r| r.text_required("id"),
        )
        .await?)
}
