//! `member-center jobs run` and `jobs status`.

use rules::Program;

use crate::db;
use crate::workflows::schedule;

/// `jobs run`: the day's jobs under the servers' lease (not beside a running one), the
/// run recorded like theirs.
pub(super) async fn run_jobs_by_hand(
    pool: &db::Db,
    program: &Program,
    date: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let clock = crate::clock::Clock::system();
    let holder = format!("cli:{}", crate::crypto::random_token(9));
    let now = crate::clock::ms(&clock.now());
    let until = now + 6 * 3_600_000;
    anyhow::ensure!(
        db::jobs::take_lease(pool, schedule::LEASE, &holder, now, until).await?,
        "a server is running the jobs now; see `member-center jobs status`, try again later"
    );
    let run = schedule::run_day(pool, program, &holder, date, &clock).await;
    db::jobs::release_lease(pool, schedule::LEASE, &holder).await?;
    let run = run?;
    anyhow::ensure!(
        run.error.is_none(),
        "the jobs failed for {date}; see `member-center jobs status`"
    );
    println!("{}", run.report.unwrap_or_default());
    Ok(())
}

/// `jobs status`: the latest runs, newest first.
pub(super) async fn print_job_runs(pool: &db::Db, limit: i64) -> anyhow::Result<()> {
    let runs = db::jobs::latest_runs(pool, limit).await?;
    if runs.is_empty() {
        println!("no job runs yet");
    }
    for run in runs {
        let started = crate::clock::from_ms(
            run.started_at_ms,
            chrono::FixedOffset::east_opt(0).expect("UTC"),
        );
        let outcome = match (&run.error, &run.report) {
            (Some(e), _) => format!("FAILED: {e}"),
            (None, Some(report)) => report.clone(),
            (None, None) => String::new(),
        };
        println!(
            "{}  started {}  {} ms  {}  {}",
            run.day,
            started.format("%Y-%m-%dT%H:%M:%SZ"),
            run.duration_ms,
            run.holder,
            outcome
        );
    }
    Ok(())
}
