//! Rewards that go once per phone, not once per account: registering (the welcome and
//! first-order coupons) and accepting an invite. Deleting an account erases its phone, so
//! without these claims the same phone could delete and register again to collect them
//! again, and again reward whoever invited it.
//!
//! A claim is keyed by HMAC-SHA256 of the phone (E.164) under the key file's index key
//! (`Keyring::claim_key`): the phone itself is not kept, and neither the table nor the
//! whole database links a claim to a phone without the key file.
//!
//! Claims made before the key file were keyed under a secret kept in the database
//! (`server_secrets.phone_key`). Those of living members are made again under the key
//! file when their rows are first sealed (`backfill`); an erased member's cannot be (their
//! phone is gone), so that old key is still asked while it exists.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Tx;
use crate::clock::ms;
use crate::vault::{self, Keyring};

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
    let keys = vault::keyring()?;
    let new = insert(tx, &keys.claim_key(phone), claim, ms(now)).await?;
    Ok(new && !claimed_before_key_file(tx, phone, claim).await?)
}

/// The claims a member registered before the key file (or before claims existed) has:
/// registration, and an invite when they accepted one.
pub(super) async fn backfill(
    tx: &mut Tx<'_>,
    keys: &Keyring,
    member_id: &str,
    phone: &str,
    now_ms: i64,
) -> anyhow::Result<()> {
    let key = keys.claim_key(phone);
    insert(tx, &key, Claim::Registration, now_ms).await?;
    let invited: Option<String> =
        sqlx::query_scalar("SELECT invitee_id FROM invites WHERE invitee_id = $1")
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    if invited.is_some() {
        insert(tx, &key, Claim::Invited, now_ms).await?;
    }
    Ok(())
}

async fn insert(tx: &mut Tx<'_>, key: &str, claim: Claim, at_ms: i64) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO phone_claims (phone_key, claim, at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (phone_key, claim) DO NOTHING",
    )
    .bind(key)
    .bind(claim.as_str())
    .bind(at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a claim made under the database's old secret names this phone.
async fn claimed_before_key_file(
    tx: &mut Tx<'_>,
    phone: &str,
    claim: Claim,
) -> anyhow::Result<bool> {
    let secret: Option<String> =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'phone_key'")
            .fetch_optional(&mut **tx)
            .await?;
    let Some(secret) = secret else {
        return Ok(false);
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(phone.as_bytes());
    let old: Option<String> =
        sqlx::query_scalar("SELECT claim FROM phone_claims WHERE phone_key = $1 AND claim = $2")
            .bind(hex::encode(mac.finalize().into_bytes()))
            .bind(claim.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(old.is_some())
}
