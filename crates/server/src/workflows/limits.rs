//! The per-address, per-phone and per-member limits, counted in the database
//! (`db::limits`) so that every server on one database shares them. Fixed windows (an
//! hour, a day) on the server's clock: a burst across a window's end may reach twice a
//! limit, which still bounds what a script gets per day.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::{Outcome, Refusal};
use crate::clock::ms;
use crate::db::limits as store;
use crate::db::Db;
use crate::policy::AuthPolicy;

/// Which limit a request reached: `error.rs` gives each its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Limit {
    #[error("too many requests from this address; try again later")]
    FromAddress,
    #[error("too many codes for this phone today; try again later")]
    CodesForPhone,
    #[error("a code was sent to this phone less than a minute ago")]
    CodeSentRecently,
    #[error("too many invite codes tried; try again later")]
    InviteTries,
    #[error("too many member lookups this hour; try again later")]
    Lookups,
}

pub struct RequestLimits {
    policy: AuthPolicy,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

impl RequestLimits {
    pub fn new(policy: &AuthPolicy) -> Arc<RequestLimits> {
        Arc::new(RequestLimits {
            policy: policy.clone(),
        })
    }

    /// One login code asked for from an address.
    pub async fn check_code(
        &self,
        db: &Db,
        ip: IpAddr,
        now: &DateTime<FixedOffset>,
    ) -> Outcome<()> {
        let limit = (self.policy.codes_per_ip_per_hour, HOUR_MS);
        check(db, &format!("code-ip:{ip}"), limit, Limit::FromAddress, now).await
    }

    /// One login try (a code, a host's link) from an address.
    pub async fn check_login(
        &self,
        db: &Db,
        ip: IpAddr,
        now: &DateTime<FixedOffset>,
    ) -> Outcome<()> {
        let limit = (self.policy.logins_per_ip_per_hour, HOUR_MS);
        check(
            db,
            &format!("login-ip:{ip}"),
            limit,
            Limit::FromAddress,
            now,
        )
        .await
    }

    /// One login code sent to a phone.
    pub async fn check_phone_code(
        &self,
        db: &Db,
        phone: &str,
        now: &DateTime<FixedOffset>,
    ) -> Outcome<()> {
        let limit = (self.policy.codes_per_phone_per_day, DAY_MS);
        // Counted by the phone's blind index: the table holds no phone.
        let index = crate::vault::phone_index(phone).map_err(anyhow::Error::from)?;
        check(
            db,
            &format!("code-phone:{index}"),
            limit,
            Limit::CodesForPhone,
            now,
        )
        .await
    }

    /// One invite code tried by a member, right or wrong.
    pub async fn check_invite_try(
        &self,
        db: &Db,
        member_id: &str,
        now: &DateTime<FixedOffset>,
    ) -> Outcome<()> {
        let limit = (self.policy.invite_tries_per_member_per_hour, HOUR_MS);
        check(
            db,
            &format!("invite:{member_id}"),
            limit,
            Limit::InviteTries,
            now,
        )
        .await
    }

    /// One member looked up by a staff user, found or not.
    pub async fn check_lookup(
        &self,
        db: &Db,
        staff_id: &str,
        now: &DateTime<FixedOffset>,
    ) -> Outcome<()> {
        let limit = (self.policy.lookups_per_staff_per_hour, HOUR_MS);
        check(
            db,
            &format!("lookup:{staff_id}"),
            limit,
            Limit::Lookups,
            now,
        )
        .await
    }
}

/// One request against a keyed limit of `max` hits per `window_ms`: refused with the
/// limit reached and the seconds until its window ends.
async fn check(
    db: &Db,
    key: &str,
    (max, window_ms): (u32, i64),
    limit: Limit,
    now: &DateTime<FixedOffset>,
) -> Outcome<()> {
    let now = ms(now);
    let (hits, ends) = store::hit(db, key, window_ms, now).await?;
    if hits > i64::from(max.max(1)) {
        let retry_after_s = ((ends - now).max(0) as u64).div_ceil(1000).max(1);
        return Err(Refusal::Limited {
            limit,
            retry_after_s,
        }
        .into());
    }
    Ok(())
}
