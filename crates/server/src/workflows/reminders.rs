//! Points-expiry reminders (seed 002's 积分到期提醒): a text to each member who opted in on
//! their profile, once per expiring lot (a year's lots expire together: once per expiry
//! instant), when it comes within the program's warning window (`points.expiry.warn_days`,
//! the days home warns about), in the member's language, with a link that stops them.
//!
//! Sent by every `serve` with a sender, after `--reminders-at` each day: each reminder is
//! claimed in the database before it goes (`db::reminders::claim`), so servers sharing a
//! database send it once; one the provider refuses is given back and tried at a later tick.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use rules::Program;

use crate::clock::{from_ms, ms, Clock};
use crate::db::{members, reminders, Db};
use crate::sms::{ReminderMessage, Sender};
use crate::vault;
use crate::workflows::{Outcome, Refusal};

/// How often a server looks for reminders due.
const TICK: Duration = Duration::from_secs(600);
/// Reminders handled per look (the rest at the next).
const PER_TICK: i64 = 1_000;
const DAY_MS: i64 = 24 * 3_600_000;

/// What a look did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: u64,
    /// The provider did not take them; tried again later.
    pub failed: u64,
    /// Another server claimed them first.
    pub raced: u64,
}

/// The member's choice.
pub async fn choice(db: &Db, member_id: &str) -> Outcome<contract::me::Reminders> {
    Ok(contract::me::Reminders {
        points_expiry: reminders::opted_in_at(db, member_id).await?.is_some(),
    })
}

/// The member turns reminders on or off; in effect at once (the next look reads it).
pub async fn choose(
    db: &Db,
    member_id: &str,
    choice: contract::me::Reminders,
    clock: &Clock,
) -> Outcome<contract::me::Reminders> {
    let now = ms(&clock.now());
    if !reminders::set_opt_in(db, member_id, choice.points_expiry, now).await? {
        return Err(Refusal::NotLoggedIn.into());
    }
    Ok(choice)
}

/// Whether a stop link's token is its member's.
pub fn stop_link_valid(member_id: &str, token: &str) -> Outcome<bool> {
    let expected = vault::keyring()
        .map_err(anyhow::Error::from)?
        .reminder_stop_token(member_id);
    Ok(crate::crypto::same_secret(
        token.as_bytes(),
        expected.as_bytes(),
    ))
}

/// Stops a member's reminders from their link.
pub async fn stop(db: &Db, member_id: &str, clock: &Clock) -> Outcome<()> {
    reminders::set_opt_in(db, member_id, false, ms(&clock.now())).await?;
    Ok(())
}

/// Where a member stops their reminders: `{public url}{base path}api/reminders/stop?…`.
pub fn stop_url(base: &str, member_id: &str) -> anyhow::Result<String> {
    let token = vault::keyring()?.reminder_stop_token(member_id);
    Ok(format!("{base}api/reminders/stop?m={member_id}&t={token}"))
}

/// Sends the reminders due at `clock`'s now. `link_base` is the app's public address
/// with its base path (`https://member.example.com/`), if known.
pub async fn send_due(
    db: &Db,
    program: &Program,
    sender: &Sender,
    link_base: Option<&str>,
    clock: &Clock,
) -> anyhow::Result<Sent> {
    let now = ms(&clock.now());
    let window = program.points.expiry.warn_days * DAY_MS;
    let mut sent = Sent::default();
    for due in reminders::due(db, now, now + window, PER_TICK).await? {
        let Some(member) = members::get(&mut &*db, &due.member_id).await? else {
            continue;
        };
        let Some(phone) = member.phone.as_deref() else {
            continue;
        };
        if !reminders::claim(db, &due, now).await? {
            sent.raced += 1;
            continue;
        }
        // Expiry is at local 00:00: the day before is the last one to use them.
        let last_day = program.local_date(&from_ms(due.expires_at_ms - 1, program.offset()));
        let stop = link_base
            .map(|base| stop_url(base, &due.member_id))
            .transpose()?;
        let message = ReminderMessage {
            phone,
            locale: if member.locale.as_deref() == Some("en") {
                "en"
            } else {
                "zh"
            },
            points: due.points,
            last_day,
            stop_url: stop.as_deref(),
        };
        let outcome = sender.send_reminder(&message).await;
        let ok = outcome.is_ok();
        metrics::counter!("sms_sent_total", "provider" => sender.name(), "purpose" => "points_expiry",
            "outcome" => if ok { "ok" } else { "failed" })
        .increment(1);
        match outcome {
            Ok(()) => sent.sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, member = %due.member_id, "a points-expiry reminder was not sent; tried again later");
                reminders::unclaim(db, &due).await?;
                sent.failed += 1;
            }
        }
    }
    Ok(sent)
}

/// Looks for reminders due every [`TICK`] after `at` local time, until the process ends.
pub async fn run_forever(
    db: Db,
    program: Arc<crate::LoadedProgram>,
    sender: Sender,
    link_base: Option<String>,
    at: NaiveTime,
    clock: Clock,
) {
    loop {
        let program = &program.program;
        let local = clock.now().with_timezone(&program.offset()).time();
        if local >= at {
            match send_due(&db, program, &sender, link_base.as_deref(), &clock).await {
                Ok(s) if s.sent + s.failed > 0 => {
                    tracing::info!(sent = s.sent, failed = s.failed, "points-expiry reminders")
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "points-expiry reminders failed")
                }
            }
        }
        tokio::time::sleep(TICK).await;
    }
}
