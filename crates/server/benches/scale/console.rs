//! The console at scale (issue 40): the nightly roll-up over the seeded year, then each
//! console read timed in process, one request after another (`REQUESTS` each): the
//! dashboard over 30 days and over a year, the campaign monitor over a week, the churn
//! list's first page. What a request adds around them (the session, JSON) is the same
//! small cost as any read's.

use std::time::{Duration, Instant};

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use member_center::clock::ms;
use member_center::db::{self, churn, rollups};
use member_center::reads::{campaign, dashboard};
use rules::Program;

const REQUESTS: usize = 50;

/// The roll-up's time and each read's p95.
pub async fn figures(db: &db::Db, now: DateTime<FixedOffset>, store: &str) -> Vec<String> {
    let program = Program::default_program();
    let offset_ms = i64::from(program.offset().local_minus_utc()) * 1000;
    let today = program.local_date(&now);
    let day = |d: NaiveDate| (d - NaiveDate::default()).num_days();
    let started = Instant::now();
    let rolled = rollups::roll_before(db, offset_ms, day(today), ms(&now))
        .await
        .expect("roll-up");
    let mut out = vec![format!(
        "console roll-up of {rolled} days (first run, {store}): {:.1} s",
        started.elapsed().as_secs_f64()
    )];
    let before = |n: u64| today.checked_sub_days(Days::new(n)).unwrap();
    for (name, from, target) in [("30 days", before(29), 100), ("365 days", before(364), 300)] {
        let p = dashboard::Periods::new(&program, from, today).unwrap();
        let took = p95(|| async {
            dashboard::dashboard(db, &program, &p, ms(&now))
                .await
                .expect("dashboard");
        })
        .await;
        out.push(line(&format!("dashboard {name}"), took, target, store));
    }
    let (start, end) = (
        ms(&program.local_midnight(before(6))),
        ms(&program.local_midnight(today.succ_opt().unwrap())),
    );
    let took = p95(|| async {
        campaign::monitor(db, program.offset(), start, end)
            .await
            .expect("campaign");
    })
    .await;
    out.push(line("campaign 7 days", took, 100, store));
    let filter = member_center::workflows::churn::filter(&program, &now, None, None).unwrap();
    let window = (ms(&now), ms(&now) + 30 * 86_400_000);
    let took = p95(|| async {
        let page = churn::page(db, &filter, None, window, 50)
            .await
            .expect("churn");
        assert_eq!(page.len(), 50, "the bench's churn list is long");
    })
    .await;
    out.push(line("churn list first page", took, 200, store));
    out
}

fn line(what: &str, p95: Duration, target_ms: u64, store: &str) -> String {
    format!(
        "console {what}: p95 {:.1} ms over {REQUESTS} (target <= {target_ms} ms, {store})",
        p95.as_secs_f64() * 1000.0
    )
}

async fn p95<F: std::future::Future<Output = ()>>(call: impl Fn() -> F) -> Duration {
    call().await;
    let mut took = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let started = Instant::now();
        call().await;
        took.push(started.elapsed());
    }
    took.sort_unstable();
    took[REQUESTS * 95 / 100]
}
