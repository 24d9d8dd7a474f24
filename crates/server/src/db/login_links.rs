//! One-time login codes minted by a shop for a host app's handoff (issue 15). The code is
//! 128 random bits, shown once, kept as its SHA-256.

use super::{Db, Tx};
use crate::crypto::{random_token, sha256_hex};
use crate::vault;

/// What a live link says, read inside the exchange's transaction.
#[derive(Debug, Clone)]
pub struct Link {
    pub phone: String,
    pub consent_version: Option<String>,
    pub return_to: Option<String>,
}

pub struct NewLink<'a> {
    pub api_key_id: &'a str,
    /// E.164.
    pub phone: &'a str,
    pub consent_version: Option<&'a str>,
    pub return_to: Option<&'a str>,
    pub now_ms: i64,
    pub expires_at_ms: i64,
}

/// Stores a new link; returns its code (16 random bytes, base64url: 22 characters).
pub async fn create(db: &Db, link: &NewLink<'_>) -> anyhow::Result<String> {
    let code = random_token(16);
    sqlx::query(
        "INSERT INTO login_links (code_sha256, api_key_id, phone, consent_version, return_to, \
           created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(sha256_hex(&[code.as_bytes()]))
    .bind(link.api_key_id)
    .bind(vault::keyring()?.seal(vault::LINK_PHONE, link.phone))
    .bind(link.consent_version)
    .bind(link.return_to)
    .bind(link.now_ms)
    .bind(link.expires_at_ms)
    .execute(db)
    .await?;
    Ok(code)
}

/// The link of `code` if it can be used now: not used, not expired, its key not revoked.
pub async fn live(tx: &mut Tx<'_>, code: &str, now_ms: i64) -> anyhow::Result<Option<Link>> {
    let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT l.phone, l.consent_version, l.return_to FROM login_links l \
         JOIN api_keys k ON k.id = l.api_key_id \
         WHERE l.code_sha256 = $1 AND l.used_at_ms IS NULL AND l.expires_at_ms > $2 \
           AND k.revoked_at_ms IS NULL",
    )
    .bind(sha256_hex(&[code.as_bytes()]))
    .bind(now_ms)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((phone, consent_version, return_to)) = row else {
        return Ok(None);
    };
    Ok(Some(Link {
        phone: vault::keyring()?.open(vault::LINK_PHONE, &phone)?,
        consent_version,
        return_to,
    }))
}

/// Marks the link used; false when another exchange used it first (the code works once
/// even when two requests race).
pub async fn use_up(tx: &mut Tx<'_>, code: &str, now_ms: i64) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE login_links SET used_at_ms = $1 WHERE code_sha256 = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(sha256_hex(&[code.as_bytes()]))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets links that expired before `before_ms` (the daily jobs).
pub async fn prune(db: &Db, before_ms: i64) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM login_links WHERE expires_at_ms < $1")
        .bind(before_ms)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
