//! A member's private calendar feed link (`/api/calendar/{token}.ics`), for a phone's
//! calendar app to subscribe to without the session: 256 random bits, kept only as
//! their SHA-256, one link per member (a new one replaces the old).

use chrono::{DateTime, FixedOffset};

use super::Outcome;
use crate::clock::ms;
use crate::crypto::{random_token, sha256_hex};
use crate::db::{calendar_feeds as store, Db};

/// A new feed token for the member, replacing any earlier one; returned once.
pub async fn new_link(db: &Db, member_id: &str, now: &DateTime<FixedOffset>) -> Outcome<String> {
    let token = random_token(32);
    store::replace(db, member_id, &sha256_hex(&[token.as_bytes()]), ms(now)).await?;
    Ok(token)
}

/// Stops the member's feed link working.
pub async fn revoke(db: &Db, member_id: &str) -> Outcome<()> {
    store::revoke(db, member_id).await?;
    Ok(())
}
