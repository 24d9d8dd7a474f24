//! The daily jobs run by the servers themselves: two servers on one database tick at the
//! same instants across a month boundary, and every day runs once, oldest first, each
//! effect once (the monthly coupons, the evaluation); a held lease makes a server wait.
//! Then the same with two `serve` processes.

use chrono::{NaiveDate, NaiveTime};
use member_center::db::jobs as store;
use member_center::workflows::schedule::{tick, Schedule, Tick};

use crate::helpers::{spawn_demo, TestApp};
use crate::process::ServerProcess;

fn five_past() -> NaiveTime {
    NaiveTime::from_hms_opt(0, 5, 0).unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Both servers tick at once; the days either ran, in order.
async fn tick_both(a: &TestApp, b: &TestApp, schedules: &[Schedule; 2]) -> Vec<NaiveDate> {
    let program = &a.state.program.program;
    let (ta, tb) = tokio::join!(
        tick(&a.state.db, program, &schedules[0], &a.state.clock),
        tick(&b.state.db, program, &schedules[1], &b.state.clock),
    );
    let (ta, tb): (Tick, Tick) = (ta.unwrap(), tb.unwrap());
    assert!(ta.ran.is_empty() || tb.ran.is_empty(), "{ta:?} {tb:?}");
    let mut days: Vec<_> = ta.ran.into_iter().chain(tb.ran).collect();
    assert!(days.iter().all(|(_, ok)| *ok), "{days:?}");
    days.sort();
    days.into_iter().map(|(d, _)| d).collect()
}

async fn monthly_coupons_of(app: &TestApp, month: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT member_id, COUNT(*) FROM coupons WHERE issue_key LIKE $1 GROUP BY member_id \
         ORDER BY member_id",
    )
    .bind(format!("monthly:{month}:%"))
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn two_servers_run_each_day_once_across_a_month_boundary() {
    let a = spawn_demo().await;
    let b = a.second_server();
    let schedules = [Schedule::new(five_past()), Schedule::new(five_past())];

    a.set_now("2026-12-31T00:04:00+08:00");
    assert_eq!(
        tick_both(&a, &b, &schedules).await,
        [day("2026-12-30")],
        "yesterday's"
    );
    a.set_now("2026-12-31T00:10:00+08:00");
    assert_eq!(tick_both(&a, &b, &schedules).await, [day("2026-12-31")]);
    assert!(
        tick_both(&a, &b, &schedules).await.is_empty(),
        "done for the day"
    );

    // Down over the 1st: both catch up, once, oldest first.
    a.set_now("2027-01-02T09:00:00+08:00");
    assert_eq!(
        tick_both(&a, &b, &schedules).await,
        [day("2027-01-01"), day("2027-01-02")]
    );
    assert!(tick_both(&a, &b, &schedules).await.is_empty());

    // January's monthly coupon, once for each member whose tier gets one.
    let january = monthly_coupons_of(&a, "2027-01").await;
    assert!(!january.is_empty(), "the monthly coupons were issued");
    assert!(january.iter().all(|(_, n)| *n == 1), "{january:?}");
    let program = &a.state.program.program;
    let again = member_center::workflows::jobs::run(&a.state.db, program, day("2027-01-01"))
        .await
        .unwrap();
    assert_eq!(again.coupons_issued.monthly, 0, "nothing left to issue");

    // Every run recorded, each day once, the 1st's with its evaluation.
    let runs = store::latest_runs(&a.state.db, 10).await.unwrap();
    let mut days: Vec<&str> = runs.iter().map(|r| r.day.as_str()).collect();
    days.sort();
    assert_eq!(
        days,
        ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]
    );
    assert!(runs.iter().all(|r| r.error.is_none()));
    let first = runs.iter().find(|r| r.day == "2027-01-01").unwrap();
    let report: serde_json::Value = serde_json::from_str(first.report.as_deref().unwrap()).unwrap();
    assert_eq!(report["evaluation"], "2027-01-01", "{report}");
    assert!(
        report["members_evaluated"].as_u64().unwrap() > 0,
        "{report}"
    );
}

#[tokio::test]
async fn a_held_lease_makes_the_other_server_wait_until_it_expires() {
    let a = spawn_demo().await;
    a.set_now("2027-01-01T00:10:00+08:00");
    let now_ms = a.state.clock.now().timestamp_millis();
    // Another server took the lease a minute ago, for three minutes.
    assert!(store::take_lease(
        &a.state.db,
        "jobs",
        "serve:other",
        now_ms - 60_000,
        now_ms + 120_000
    )
    .await
    .unwrap());
    let mine = Schedule::new(five_past());
    let program = &a.state.program.program;
    let t = tick(&a.state.db, program, &mine, &a.state.clock)
        .await
        .unwrap();
    assert!(t.waited && t.ran.is_empty(), "{t:?}");
    // Its holder died: once the lease expires, this server takes over.
    a.set_now("2027-01-01T00:13:01+08:00");
    let t = tick(&a.state.db, program, &mine, &a.state.clock)
        .await
        .unwrap();
    assert_eq!(t.ran, [(day("2027-01-01"), true)]);
}

/// The same with the real binary: two `serve` processes on one database (SQLite here, the
/// test's PostgreSQL schema in the PostgreSQL pass), both started at 00:30 on February 1st
/// (`MC_TEST_CLOCK`, a debug build's) with January 30th done: January 31st and February
/// 1st run once each, between them, and February's monthly coupons go once per member.
#[tokio::test(flavor = "multi_thread")]
async fn two_serve_processes_run_each_day_once_over_the_months_end() {
    let a = spawn_demo().await;
    a.set_now("2027-01-30T00:10:00+08:00");
    let program = &a.state.program.program;
    let done = tick(
        &a.state.db,
        program,
        &Schedule::new(five_past()),
        &a.state.clock,
    )
    .await
    .unwrap();
    assert_eq!(done.ran, [(day("2027-01-30"), true)]);

    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let envs = [
        ("DATABASE_URL", a.database_url.as_str()),
        ("MC_TEST_CLOCK", "2027-02-01T00:30:00+08:00"),
    ];
    let servers: Vec<ServerProcess> = std::thread::scope(|s| {
        let started: Vec<_> = dirs
            .iter()
            .map(|dir| s.spawn(|| ServerProcess::start(dir.path(), &["--jobs-at", "00:05"], &envs)))
            .collect();
        started.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let runs = loop {
        let runs = store::latest_runs(&a.state.db, 10).await.unwrap();
        if runs.iter().any(|r| r.day == "2027-02-01") {
            break runs;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no run for February 1st: {runs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // A moment for a late second run, if there were to be one.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let runs_now = store::latest_runs(&a.state.db, 10).await.unwrap();
    assert_eq!(runs_now.len(), runs.len(), "{runs_now:?}");
    let mut days: Vec<&str> = runs.iter().map(|r| r.day.as_str()).collect();
    days.sort();
    assert_eq!(days, ["2027-01-30", "2027-01-31", "2027-02-01"]);
    assert!(runs.iter().all(|r| r.error.is_none()), "{runs:?}");
    let february = monthly_coupons_of(&a, "2027-02").await;
    assert!(!february.is_empty(), "the monthly coupons were issued");
    assert!(february.iter().all(|(_, n)| *n == 1), "{february:?}");
    drop(servers);
}
