//! Signing in with a phone and its one-time code. The first sign-in registers the member
//! (with consent to the privacy notice, and the registration coupons); every sign-in
//! consumes the code and opens a session, in one transaction.

use std::net::IpAddr;

use chrono::{DateTime, FixedOffset};
use rand::Rng;
use rules::Program;

use super::limits::{Limit, RequestLimits};
use super::phone::Phone;
use super::{Outcome, Refusal};
use crate::clock::ms;
use crate::db::{activity, auth as store, login_links, members, stores, Db};
use crate::policy::AuthPolicy;
use crate::sms::{CodeMessage, Sender, SEND_TIMEOUT};

/// Sends a new one-time code for `phone`, asked from `ip`: refused while the last code
/// is younger than `resend_after` (which counts against no limit), then when the
/// address's or the phone's limit is reached. The code replaces any pending one and is
/// handed to `sender` after it is stored, outside any transaction; a provider that does
/// not take it (an error, a timeout) withdraws it, so the resend wait does not hold the
/// shopper back, and answers `SmsUnavailable`. The code is returned (development mode
/// shows it).
pub async fn send_code(
    db: &Db,
    policy: &AuthPolicy,
    limits: &RequestLimits,
    (ip, locale): (IpAddr, &str),
    phone: &Phone,
    sender: Option<&Sender>,
    now: &DateTime<FixedOffset>,
) -> Outcome<String> {
    if let Some(pending) = store::pending_code(db, phone.as_str()).await? {
        let next = pending.sent_at_ms + policy.resend_after.as_millis() as i64;
        if ms(now) < next {
            return Err(Refusal::Limited {
                limit: Limit::CodeSentRecently,
                retry_after_s: ((next - ms(now)) / 1000).max(1) as u64,
            }
            .into());
        }
    }
    limits.check_code(db, ip, now).await?;
    limits.check_phone_code(db, phone.as_str(), now).await?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let expires = ms(now) + policy.code_ttl.as_millis() as i64;
    store::put_code(db, phone.as_str(), &code, ms(now), expires).await?;
    if let Some(sender) = sender {
        let message = CodeMessage {
            phone: phone.as_str(),
            code: &code,
            locale,
            expires_at: crate::clock::from_ms(expires, *now.offset()),
            valid_minutes: policy.code_ttl.as_secs().div_ceil(60),
        };
        let sent = tokio::time::timeout(SEND_TIMEOUT, sender.send_code(&message)).await;
        let failure = match sent {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(format!("{}: timed out", sender.name())),
        };
        metrics::counter!("sms_sent_total", "provider" => sender.name(), "purpose" => "login_code", "outcome" => if failure.is_none() { "ok" } else { "failed" }).increment(1);
        if let Some(reason) = failure {
            let masked = rules::phone::mask(phone.as_str());
            tracing::warn!(phone = %masked, %reason, "login code not delivered");
            store::withdraw_code(db, phone.as_str(), ms(now)).await?;
            return Err(Refusal::SmsUnavailable {
                retry_after_s: SMS_RETRY_AFTER_S,
            }
            .into());
        }
    }
    Ok(code)
}

/// After a provider's failure, when the shopper may sensibly try again.
const SMS_RETRY_AFTER_S: u64 = 10;

/// A session opened by a sign-in; the token is given to the client once.
pub struct SignedIn {
    pub member_id: String,
    /// True at the member's first sign-in.
    pub registered: bool,
    pub token: String,
    pub expires_at: DateTime<FixedOffset>,
}

/// What the shopper agreed to and where they came from, for a first sign-in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Joining<'a> {
    /// The privacy notice's version the shopper agreed to; required to register.
    pub consent_version: Option<&'a str>,
    /// The store whose join QR code they came by (`/join?store=CODE`): recorded at
    /// registration only. An unknown code is logged and left out; the member registers.
    pub store: Option<&'a str>,
}

/// Checks `code` (6 digits, already checked for shape) against the phone's pending code
/// and signs in (see the module's comment). A wrong code counts a try.
pub async fn sign_in(
    db: &Db,
    program: &Program,
    policy: &AuthPolicy,
    phone: &Phone,
    code: &str,
    joining: Joining<'_>,
    now: &DateTime<FixedOffset>,
) -> Outcome<SignedIn> {
    let consent_version = joining.consent_version;
    let pending = store::pending_code(db, phone.as_str())
        .await?
        .ok_or(Refusal::WrongCode { tries_left: None })?;
    if pending.expires_at_ms <= ms(now) {
        return Err(Refusal::CodeExpired.into());
    }
    let tries = store::count_attempt(db, phone.as_str())
        .await?
        .ok_or(Refusal::WrongCode { tries_left: None })?;
    if tries > policy.max_attempts {
        // A new code may be asked for once the last one is `resend_after` old: the wait
        // said is the time until then, so the message and the code button agree.
        let resend_at_ms = pending.sent_at_ms + policy.resend_after.as_millis() as i64;
        let left_ms = (resend_at_ms - ms(now)).max(0);
        return Err(Refusal::TooManyAttempts {
            retry_after_s: (left_ms as u64).div_ceil(1000).max(1),
        }
        .into());
    }
    if store::code_hash(&pending.salt, phone.as_str(), code) != pending.code_sha256 {
        return Err(Refusal::WrongCode {
            tries_left: Some(policy.max_attempts - tries),
        }
        .into());
    }
    let mut tx = crate::db::begin_write(db).await?;
    let existing = members::id_by_phone(&mut *tx, phone.as_str()).await?;
    check_consent(program, existing.as_deref(), consent_version)?;
    if !store::consume_code(&mut tx, phone.as_str(), &pending.code_sha256).await? {
        return Err(Refusal::WrongCode { tries_left: None }.into());
    }
    let registered = existing.is_none();
    let member_id = member_or_new(
        &mut tx,
        program,
        existing,
        phone.as_str(),
        joining.store,
        members::Channel::Phone,
        now,
    )
    .await?;
    open_session(tx, program, policy, member_id, registered, now).await
}

/// A phone with no member yet registers only with the current privacy notice accepted.
fn check_consent(
    program: &Program,
    existing: Option<&str>,
    consent_version: Option<&str>,
) -> Result<(), Refusal> {
    let notice = &program.membership.privacy_notice_version;
    if existing.is_none() && consent_version != Some(notice.as_str()) {
        return Err(Refusal::ConsentRequired {
            version: notice.clone(),
        });
    }
    Ok(())
}

/// The member signing in: the existing one, or one registered now (consent checked by
/// [`check_consent`]) with the registration coupons and, from a join link, their store.
async fn member_or_new(
    tx: &mut crate::db::Tx<'_>,
    program: &Program,
    existing: Option<String>,
    phone: &str,
    join_store: Option<&str>,
    channel: members::Channel,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<String> {
    if let Some(id) = existing {
        return Ok(id);
    }
    let notice = &program.membership.privacy_notice_version;
    let id = members::register_by(tx, program, phone, "member", notice, channel, now).await?;
    super::issuance::at_registration(tx, program, &id, phone, now).await?;
    if let Some(code) = join_store {
        attribute(tx, &id, code, now).await?;
    }
    Ok(id)
}

/// Opens the session of a sign-in and commits its transaction.
async fn open_session(
    mut tx: crate::db::Tx<'_>,
    program: &Program,
    policy: &AuthPolicy,
    member_id: String,
    registered: bool,
    now: &DateTime<FixedOffset>,
) -> Outcome<SignedIn> {
    let ttl = chrono::Duration::from_std(policy.session_ttl).map_err(anyhow::Error::from)?;
    let expires_at = *now + ttl;
    let token = store::create_session(&mut tx, &member_id, ms(now), ms(&expires_at)).await?;
    activity::note(&mut tx, &member_id, program.local_date(now)).await?;
    tx.commit().await?;
    Ok(SignedIn {
        member_id,
        registered,
        token,
        expires_at,
    })
}

/// A host app's login handoff (issue 15): the one-time code a shop minted for a phone
/// becomes a session, registering the member if new. A new member needs the privacy
/// notice's version accepted, in the host (on the link) or in the app (`consent_version`):
/// without it the code is refused with `consent_required` and stays usable. Any other
/// failure (unknown, used, expired, its key revoked) is the one `login_link_invalid`.
pub async fn exchange(
    db: &Db,
    program: &Program,
    policy: &AuthPolicy,
    code: &str,
    consent_version: Option<&str>,
    now: &DateTime<FixedOffset>,
) -> Outcome<(SignedIn, Option<String>)> {
    let mut tx = crate::db::begin_write(db).await?;
    let link = login_links::live(&mut tx, code, ms(now))
        .await?
        .ok_or(Refusal::LoginLinkInvalid)?;
    let existing = members::id_by_phone(&mut *tx, &link.phone).await?;
    let consent = consent_version.or(link.consent_version.as_deref());
    check_consent(program, existing.as_deref(), consent)?;
    if !login_links::use_up(&mut tx, code, ms(now)).await? {
        return Err(Refusal::LoginLinkInvalid.into());
    }
    let registered = existing.is_none();
    let by = members::Channel::HostLink;
    let member_id = member_or_new(&mut tx, program, existing, &link.phone, None, by, now).await?;
    let signed_in = open_session(tx, program, policy, member_id, registered, now).await?;
    Ok((signed_in, link.return_to))
}

/// Records the store a new member joined at, when it exists.
async fn attribute(
    tx: &mut crate::db::Tx<'_>,
    member_id: &str,
    code: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    if stores::get(&mut **tx, code).await?.is_some() {
        stores::attribute_join(tx, member_id, code, STORE_QR, ms(now)).await?;
    } else {
        // The code came from a link anyone can edit: not the shopper's problem.
        let code: String = code.chars().take(32).collect();
        tracing::warn!(member_id, store = %code.escape_debug(), "join link names an unknown store; registered without one");
    }
    Ok(())
}

/// `members.joined_via` of a member who registered through a store's QR code.
const STORE_QR: &str = "store_qr";
