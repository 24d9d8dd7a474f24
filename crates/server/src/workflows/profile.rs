//! A member's own profile: `PATCH /api/me` (nickname, language, the birthday once) and
//! erasing the account, each one transaction after the member's lock.

use chrono::{DateTime, FixedOffset};

use rules::{Program, TierId};

use super::{Outcome, Refusal};
use crate::db::{lock_member, members, Db};

/// Applies a validated update: the birthday is set once (the same date again is no
/// change).
pub async fn update(
    db: &Db,
    member_id: &str,
    update: &contract::me::Update,
    now: &DateTime<FixedOffset>,
) -> Outcome<()> {
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(Refusal::NotLoggedIn.into());
    }
    let member = members::get(&mut *tx, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    if let (Some(new), Some(old)) = (update.birthday, member.birthday) {
        if new != old {
            return Err(Refusal::BirthdayAlreadySet.into());
        }
    }
    members::apply_profile(&mut tx, member_id, update, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Erases the member's personal data and ends every session (see
/// [`members::erase_personal_data`]).
pub async fn erase(db: &Db, member_id: &str, now: &DateTime<FixedOffset>) -> Outcome<()> {
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(Refusal::NotLoggedIn.into());
    }
    members::erase_personal_data(&mut tx, member_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records that the member was shown `tier`, their new tier: the sheet is not shown
/// again. A tier the program does not have is refused; one the member no longer holds
/// (an older answer's) changes nothing. Saying it twice is saying it once.
pub async fn celebrated(db: &Db, program: &Program, member_id: &str, tier: &TierId) -> Outcome<()> {
    if program.tiers.by_id(tier).is_none() {
        return Err(Refusal::UnknownTier.into());
    }
    members::set_tier_celebrated(db, member_id, tier).await?;
    Ok(())
}

/// Records that the coupons received up to `until_ms` were announced to the member.
pub async fn gifts_seen(db: &Db, member_id: &str, until_ms: i64) -> Outcome<()> {
    members::set_gifts_seen(db, member_id, until_ms).await?;
    Ok(())
}
