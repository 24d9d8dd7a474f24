//! The daily jobs, run by `serve` itself: once a day at a local time (`--jobs-at`, in the
//! program's time zone), each day not yet done run oldest first (a server that was down
//! catches up), by one server at a time across the servers of a database (the `jobs`
//! lease, renewed while the run lasts). Each day's run is idempotent
//! (`workflows::jobs`), so a day run twice (a lease lost mid-run, a manual `jobs run`)
//! changes nothing the second time. Every run is recorded, with what each step did or
//! why it failed; a failed day is tried again at the next tick.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime};
use rules::Program;

use super::jobs;
use crate::clock::{ms, Clock};
use crate::crypto::random_token;
use crate::db::jobs::{self as store, JobRun};
use crate::db::Db;

/// The lease's name: `jobs run` by hand takes it too.
pub const LEASE: &str = "jobs";
/// A lease lasts this long unless renewed; a run renews it every third of it.
const LEASE_TTL: Duration = Duration::from_secs(180);
/// How often a server looks whether a day is due.
pub const TICK: Duration = Duration::from_secs(60);
/// After a long downtime, at most this many days are caught up (the oldest are left,
/// and said so in the log): expiry and coupons of the days run are what counts.
const MAX_CATCH_UP_DAYS: u64 = 62;

/// When the jobs run, and who this server is among the servers of its database.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The local time of day the day's jobs become due.
    pub at: NaiveTime,
    /// This process, as the lease names it.
    pub holder: String,
}

impl Schedule {
    pub fn new(at: NaiveTime) -> Schedule {
        Schedule {
            at,
            holder: format!("serve:{}", random_token(9)),
        }
    }
}

/// The days due at `now`, oldest first: after the last day done, through today once the
/// day's time has come (yesterday before). With no day done yet, only the latest due day
/// (a new database has no past to catch up).
pub fn due_days(
    program: &Program,
    at: NaiveTime,
    last_done: Option<NaiveDate>,
    now: &DateTime<FixedOffset>,
) -> Vec<NaiveDate> {
    let local = now.with_timezone(&program.offset());
    let today = local.date_naive();
    let Some(latest) = (if local.time() >= at {
        Some(today)
    } else {
        today.pred_opt()
    }) else {
        return vec![];
    };
    let first = match last_done {
        None => latest,
        Some(done) => match done.succ_opt() {
            Some(next) => next.max(latest - Days::new(MAX_CATCH_UP_DAYS - 1)),
            None => return vec![],
        },
    };
    first.iter_days().take_while(|d| *d <= latest).collect()
}

/// What a tick did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tick {
    /// Another server holds the lease.
    pub waited: bool,
    /// The days run, and whether each went through.
    pub ran: Vec<(NaiveDate, bool)>,
}

/// Runs the days due, if this server gets the lease.
pub async fn tick(
    db: &Db,
    program: &Program,
    schedule: &Schedule,
    clock: &Clock,
) -> anyhow::Result<Tick> {
    let now = clock.now();
    let days = due_days(program, schedule.at, last_done(db).await?, &now);
    if days.is_empty() {
        return Ok(Tick::default());
    }
    let until = ms(&now) + LEASE_TTL.as_millis() as i64;
    if !store::take_lease(db, LEASE, &schedule.holder, ms(&now), until).await? {
        return Ok(Tick {
            waited: true,
            ..Tick::default()
        });
    }
    let renewal = renew_while_running(db.clone(), schedule.holder.clone(), clock.clone());
    let ran = run_days(db, program, schedule, clock, &now).await;
    // Renewal stops and the lease goes back whether or not the days ran.
    renewal.abort();
    store::release_lease(db, LEASE, &schedule.holder).await?;
    Ok(Tick {
        waited: false,
        ran: ran?,
    })
}

/// The latest day done, as recorded.
async fn last_done(db: &Db) -> anyhow::Result<Option<NaiveDate>> {
    Ok(store::last_done_day(db)
        .await?
        .and_then(|d| d.parse::<NaiveDate>().ok()))
}

/// Under the lease: the days still due, oldest first, up to the first that fails.
async fn run_days(
    db: &Db,
    program: &Program,
    schedule: &Schedule,
    clock: &Clock,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Vec<(NaiveDate, bool)>> {
    // Another server may have finished these days between the look and the lease.
    let days = due_days(program, schedule.at, last_done(db).await?, now);
    let mut ran = vec![];
    for day in days {
        let ok = run_day(db, program, &schedule.holder, day, clock)
            .await?
            .error
            .is_none();
        ran.push((day, ok));
        if !ok {
            break;
        }
    }
    Ok(ran)
}

/// Keeps the lease while a run lasts longer than the lease.
fn renew_while_running(db: Db, holder: String, clock: Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(LEASE_TTL / 3).await;
            let now = ms(&clock.now());
            let until = now + LEASE_TTL.as_millis() as i64;
            if let Err(e) = store::take_lease(&db, LEASE, &holder, now, until).await {
                tracing::warn!(error = %e, "could not renew the jobs' lease");
            }
        }
    })
}

/// Runs one day's jobs and records the run; the run as recorded (its `error` says
/// whether it went through).
pub async fn run_day(
    db: &Db,
    program: &Program,
    holder: &str,
    day: NaiveDate,
    clock: &Clock,
) -> anyhow::Result<JobRun> {
    let started_at = clock.now();
    let timer = Instant::now();
    let outcome = jobs::run(db, program, day).await;
    let duration_ms = timer.elapsed().as_millis() as i64;
    let (report, error) = match &outcome {
        Ok(report) => (Some(serde_json::to_string(report)?), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let ok = error.is_none();
    metrics::counter!("job_runs_total", "outcome" => if ok { "ok" } else { "failed" }).increment(1);
    match &error {
        None => {
            tracing::info!(%day, duration_ms, report = report.as_deref().unwrap_or(""), "jobs ran")
        }
        Some(e) => tracing::error!(%day, error = %e, "jobs failed; retried at the next tick"),
    }
    let run = JobRun {
        day: day.to_string(),
        holder: holder.to_owned(),
        started_at_ms: ms(&started_at),
        duration_ms,
        report,
        error,
    };
    store::record_run(db, &run).await?;
    Ok(run)
}

/// Ticks until the process ends (spawned by `serve`).
pub async fn run_forever(
    db: Db,
    program: Arc<crate::LoadedProgram>,
    schedule: Schedule,
    clock: Clock,
) {
    loop {
        if let Err(e) = tick(&db, &program.program, &schedule, &clock).await {
            tracing::error!(error = %format!("{e:#}"), "the jobs' tick failed");
        }
        tokio::time::sleep(TICK).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_days_due_follow_the_local_time_and_catch_up_oldest_first() {
        let program = Program::default_program();
        let five_past = NaiveTime::from_hms_opt(0, 5, 0).unwrap();
        // 00:04 in Shanghai: today's not yet, yesterday's is.
        let early = at("2027-01-01T00:04:00+08:00");
        assert_eq!(
            due_days(&program, five_past, None, &early),
            [day("2026-12-31")]
        );
        let after = at("2026-12-31T16:05:00Z");
        assert_eq!(
            due_days(&program, five_past, None, &after),
            [day("2027-01-01")]
        );
        assert!(due_days(&program, five_past, Some(day("2027-01-01")), &after).is_empty());
        assert_eq!(
            due_days(&program, five_past, Some(day("2026-12-29")), &after),
            [day("2026-12-30"), day("2026-12-31"), day("2027-01-01")]
        );
        // A year down: the last 62 days only.
        let caught = due_days(&program, five_past, Some(day("2026-01-01")), &after);
        assert_eq!(caught.len(), 62);
        assert_eq!(caught.last(), Some(&day("2027-01-01")));
    }
}
