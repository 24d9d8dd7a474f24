//! Rewards that go once per phone, not once per account: registering (the welcome and
//! first-order coupons) and accepting an invite. Deleting an account erases its phone, so
//! without these claims the same phone could delete and register again to collect them
//! again, and again reward whoever invited it.
//!
//! A claim is keyed by HMAC-SHA256 of the phone (E.164) under a random key the server makes
//! once (`server_secrets.phone_key`): the phone itself is not kept, and the key makes the
//! claims useless to whoever copies the table alone. The key lives in the same database,
//! so a copy of the whole database still links claims to phones.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Tx;
use crate::clock::ms;
use crate::crypto::random_token;

/// What a phone can be rewarded for once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The welcome and first-order coupons.
    Registration,
    /// An accepted invite (both sides' rewards).
    Invited,
}

impl Claim {
    fn as_str(self) -> &'static str {
        match self {
            Claim::Registration => "registration",
            Claim::Invited => "invited",
        }
    }
}

/// Records that `phone` has had `claim`; false when it had it before (under any account).
/// Inside the caller's write transaction, so a refused or failed write claims nothing.
pub async fn claim(
    tx: &mut Tx<'_>,
    phone: &str,
    claim: Claim,
    now: &chrono::DateTime<chrono::FixedOffset>,
) -> anyhow::Result<bool> {
    let key = phone_key(tx, phone).await?;
    let done = sqlx::query(
        "INSERT INTO phone_claims (phone_key, claim, at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (phone_key, claim) DO NOTHING",
    )
    .bind(key)
    .bind(claim.as_str())
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The keyed hash of a phone, hex.
async fn phone_key(tx: &mut Tx<'_>, phone: &str) -> anyhow::Result<String> {
    let secret = secret(tx, "phone_key").await?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(phone.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// A named random secret (256 bits), made at its first use and kept. (Made under
/// `ON CONFLICT DO NOTHING` and read back, so two first uses at once agree on one.)
async fn secret(tx: &mut Tx<'_>, name: &str) -> anyhow::Result<String> {
    let read = "SELECT value FROM server_secrets WHERE name = $1";
    let stored: Option<String> = sqlx::query_scalar(read)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(value) = stored {
        return Ok(value);
    }
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(random_token(32))
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar(read)
        .bind(name)
        .fetch_one(&mut **tx)
        .await?)
}
