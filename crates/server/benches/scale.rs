//! The member center at a million members (`cargo xtask bench`, or `cargo bench -p
//! member-center --bench scale --profile server`; `MC_SCALE_MEMBERS=20000` for a quick
//! run). A SQLite database is seeded with that many members, each with 2 orders, 20 points
//! ledger entries (a lot each) and a coupon — 20,000,000 ledger rows at a million — and
//! then:
//! - `GET /api/me` for 1,000 members spread over all of them, its p99 next to the same on a
//!   database of 1,000 members seeded alike (the indexes should make size not matter);
//! - `jobs run` for the 1st of a month (expiry, the monthly coupons, the downgrade
//!   evaluation) over every member: its time, and the most anonymous memory the process
//!   held above what it held before (the job reads members a page of ids at a time);
//! - the console (issue 40): members, orders, ledger entries and coupons spread over the
//!   year before, the nightly roll-up's first run, then each console read's p95
//!   (`scale/console.rs`). With `MC_SCALE_POSTGRES_URL` (an empty database), the same
//!   seed and console figures on PostgreSQL too, at `MC_SCALE_POSTGRES_MEMBERS` if set.

#[path = "scale/console.rs"]
mod console;
#[path = "support/http.rs"]
mod http;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, NaiveDate};
use member_center::clock::{ms, Clock};
use member_center::{db, AppState};
use rules::Program;

/// The members whose sessions ask for `GET /api/me`.
const SAMPLE: usize = 1_000;
/// Each member's ledger: 2 earns (one per order) and 18 check-ins.
const LEDGER_PER_MEMBER: i64 = 20;
/// The bench's "now" and the job's date: the 1st of a month, when everything runs.
const NOW: &str = "2026-12-01T10:00:00+08:00";
const JOB_DATE: &str = "2026-12-01";

fn main() {
    let members: i64 = std::env::var("MC_SCALE_MEMBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p99s = vec![];
    for n in [SAMPLE as i64, members] {
        let url = format!("sqlite://{}", dir.path().join(format!("{n}.db")).display());
        let started = Instant::now();
        let db = runtime.block_on(seed(&url, n));
        say(format!(
            "scale seeded {n} members, {} ledger rows: {:.0} s",
            n * LEDGER_PER_MEMBER,
            started.elapsed().as_secs_f64()
        ));
        let me = runtime.block_on(me_figures(db.clone(), n));
        say(format!("scale GET /api/me at {n} members: {me} (SQLite)"));
        p99s.push(me.p99);
        if n == members {
            runtime
                .block_on(console::figures(&db, now(), "SQLite"))
                .into_iter()
                .for_each(say);
            say(runtime.block_on(job_figures(&db, n)));
        }
    }
    if let Ok(url) = std::env::var("MC_SCALE_POSTGRES_URL") {
        // PostgreSQL seeds slower than SQLite here: it may run at a scale of its own.
        let members: i64 = std::env::var("MC_SCALE_POSTGRES_MEMBERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(members);
        let started = Instant::now();
        let db = runtime.block_on(seed(&url, members));
        say(format!(
            "scale seeded {members} members on PostgreSQL: {:.0} s",
            started.elapsed().as_secs_f64()
        ));
        runtime
            .block_on(console::figures(&db, now(), "PostgreSQL"))
            .into_iter()
            .for_each(say);
    }
    say(format!(
        "scale GET /api/me p99 at {members} members / at {SAMPLE}: {:.2}x (target <= 1.5x)",
        p99s[1].as_secs_f64() / p99s[0].as_secs_f64()
    ));
}

/// A figure, printed as soon as it is known: the full scale runs for most of an hour, and
/// what it measured first is not lost when it is stopped before the end.
fn say(line: String) {
    println!("{line}");
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).unwrap()
}

/// Seeds `n` members in SQL (a recursive count, no round trip per row), ids `m_00000000`…
async fn seed(url: &str, n: i64) -> db::Db {
    // The demo's keys: what is sealed here is made up.
    member_center::vault::install(member_center::vault::Keyring::demo()).expect("keys");
    let pool = db::connect(url).await.expect("database");
    db::migrate(&pool).await.expect("migrations");
    let at = |s: &str| ms(&DateTime::parse_from_rfc3339(s).unwrap());
    // The year before the bench's "now": members join, buy and earn on every day of it.
    let year = at("2025-12-01T00:00:00+08:00");
    let lots_expire = at("2028-01-01T00:00:00+08:00");
    let pg = url.starts_with("postgres");
    let count = |rows: i64| {
        if pg {
            // BIGINT: the instants below overflow PostgreSQL's 4-byte integer.
            format!("WITH n(i) AS (SELECT generate_series(CAST(0 AS BIGINT), {rows} - 1)) ")
        } else {
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows} - 1) "
            )
        }
    };
    // `prefix` and `expr` zero-padded to `width` digits.
    let id = |prefix: &str, width: usize, expr: &str| {
        if pg {
            format!("'{prefix}' || lpad(CAST({expr} AS TEXT), {width}, '0')")
        } else {
            format!("printf('{prefix}%0{width}d', {expr})")
        }
    };
    // A member's day of the year, and an order's or a ledger entry's (BIGINT on both).
    let member_at = format!("{year} + (i % 365) * 86400000 + (i % 720) * 60000");
    let order_at = format!("{year} + ((i * 7) % 365) * 86400000 + (i % 600) * 60000");
    let entry_at = format!("{year} + (((i / 20) % 365 + i % 20) % 365) * 86400000 + 36000000");
    db::stores::upsert(&pool, "S01", "上海静安店", 0)
        .await
        .expect("a store");
    let statements = [
        format!(
            "{}INSERT INTO members (id, phone, nickname, tier, lifetime_spend_fen, \
               points_balance, first_order, updated_at_ms, created_at_ms, \
               consent_version, consent_at_ms, channel, joined_store) \
             SELECT {}, {}, {}, 'regular', 50000 + (i * 7919) % 500000, 590, FALSE, \
               {member_at}, {member_at}, 'v1', \
               {member_at}, CASE i % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'store_qr' \
               ELSE 'host_link' END, CASE WHEN i % 10 = 0 THEN 'S01' END FROM n",
            count(n),
            id("m_", 8, "i"),
            id("+86137", 8, "i"),
            id("会员", 4, "i % 10000"),
        ),
        format!(
            "{}INSERT INTO orders (id, member_id, request_sha256, paid_at_ms, earn_base_fen, \
               payable_fen, refundable_points, points_used, quote, response, received_at_ms) \
             SELECT {}, {}, 'seed', {order_at}, 25000, 25000, 250, 0, '{{}}', '{{}}', \
               {order_at} FROM n",
            count(n * 2),
            id("SO-", 9, "i"),
            id("m_", 8, "i / 2"),
        ),
        "UPDATE members SET last_order_at_ms = \
           (SELECT MAX(paid_at_ms) FROM orders WHERE orders.member_id = members.id)"
            .to_owned(),
        format!(
            "{}INSERT INTO points_ledger (id, member_id, kind, points, balance_after, order_id, at_ms) \
             {} SELECT i + 1, {}, \
               CASE WHEN i % 20 < 2 THEN 'earn' ELSE 'checkin' END, \
               CASE WHEN i % 20 < 2 THEN 250 ELSE 5 END, \
               CASE WHEN i % 20 < 2 THEN 250 * (i % 20 + 1) ELSE 500 + 5 * (i % 20 - 1) END, \
               CASE WHEN i % 20 < 2 THEN {} END, {entry_at} FROM n",
            count(n * LEDGER_PER_MEMBER),
            if pg { "OVERRIDING SYSTEM VALUE" } else { "" },
            id("m_", 8, "i / 20"),
            id("SO-", 9, "(i / 20) * 2 + i % 20"),
        ),
        format!(
            "INSERT INTO point_lots (member_id, entry_id, remaining, expires_at_ms) \
             SELECT member_id, id, points, {lots_expire} FROM points_ledger ORDER BY id"
        ),
        // Each member's welcome coupon, valid for 30 days from joining.
        "INSERT INTO coupons (id, member_id, kind, title, title_en, source, valid_from_ms, \
           valid_until_ms, created_at_ms) \
         SELECT 'c_' || substr(id, 3), id, \
           '{\"type\":\"threshold\",\"min_spend_fen\":10000,\"off_fen\":1500}', '满100减15', \
           '¥15 off ¥100', 'welcome', created_at_ms, created_at_ms + 2592000000, created_at_ms \
         FROM members"
            .to_owned(),
    ];
    for sql in statements {
        sqlx::query(&sql)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    sqlx::query("ANALYZE")
        .execute(&pool)
        .await
        .expect("analyze");
    // Opened again as `serve` opens it: keeps ANALYZE's figures but not its value samples
    // (see `db::connect`), which made every `GET /api/me` re-prepare its statement.
    pool.close().await;
    db::connect(url).await.expect("the database, opened again")
}

/// `GET /api/me` for `SAMPLE` members spread evenly over the `n`.
async fn me_figures(db: db::Db, n: i64) -> http::Figures {
    let now = now();
    let mut tokens = vec![];
    let mut tx = db::begin_write(&db).await.expect("tx");
    for k in 0..SAMPLE as i64 {
        let id = format!("m_{:08}", k * n / SAMPLE as i64);
        let token = db::auth::create_session(&mut tx, &id, ms(&now), ms(&now) + 3_600_000)
            .await
            .expect("session");
        tokens.push(token);
    }
    tx.commit().await.expect("commit");
    let state = AppState::new(Program::default_program(), db).with_clock(Clock::pinned(now));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(member_center::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let figures = tokio::task::spawn_blocking(move || {
        let next = AtomicU64::new(0);
        http::measure(http::READS_PER_CLIENT, &|_| {
            let k = next.fetch_add(1, Ordering::Relaxed) as usize % SAMPLE;
            (
                axum::http::Method::GET,
                format!("{base}/api/me"),
                Some(tokens[k].clone()),
                None,
                None,
            )
        })
    })
    .await
    .expect("clients");
    server.abort();
    figures
}

/// `jobs run` for `JOB_DATE` over all `n` members, with the anonymous memory it took.
async fn job_figures(db: &db::Db, n: i64) -> String {
    let before = anonymous_kb();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(anonymous_kb(), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    let program = Program::default_program();
    let date: NaiveDate = JOB_DATE.parse().unwrap();
    let started = Instant::now();
    let report = member_center::workflows::jobs::run(db, &program, date)
        .await
        .expect("jobs run");
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    assert_eq!(report.members_checked_for_expiry, n as u64);
    format!(
        "scale jobs run over {n} members: {:.0} s ({:.0} members/s), {} evaluated, {} monthly \
         coupons; anonymous memory +{:.1} MB at most",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        report.members_evaluated,
        report.coupons_issued.monthly,
        (peak.load(Ordering::Relaxed).saturating_sub(before)) as f64 / 1024.0,
    )
}

/// The process's anonymous resident memory (heap, stacks), in kB: the SQLite file's memory
/// map is not counted.
fn anonymous_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
