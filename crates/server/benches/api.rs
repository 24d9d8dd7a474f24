//! The API's throughput and latency over real HTTP on SQLite (`cargo xtask bench`, or
//! `cargo bench -p member-center --bench api --profile server`): order ingestion,
//! `GET /api/me` and points-mall redemptions of one item by every client at once, each
//! next to a bare axum handler measured in the same run, so the figures
//! say what the database and the rules cost on top of HTTP itself. On SQLite always, and on
//! PostgreSQL too when `MC_BENCH_POSTGRES_URL` names a database (`cargo xtask bench` sets
//! it; the bench works in a schema of its own). Clients and server share the machine's
//! cores; the figures are for comparison, not capacity planning.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use axum::{Json, Router};
use member_center::clock::ms;
use member_center::{db, AppState};
use rules::Program;
use serde_json::json;

#[path = "support/http.rs"]
mod http;

use http::{measure, Request, CLIENTS, READS_PER_CLIENT, REQUESTS_PER_CLIENT};

const MEMBERS: usize = 20;
/// The mall item every client redeems: 1 point, stock for every request, no limit.
const BENCH_ITEM: &str = "bench-sticker";

/// Orders as many as reads: on SQLite they run at thousands a second (the writer
/// thread), and 4,000 of them were measured in under a second.
const ORDERS_PER_CLIENT: usize = 1_000;

/// `cargo bench … --bench api -- orders me`: only the figures whose names hold one of
/// the words (all without any). The redemptions spend the orders' points: ask for both.
fn wanted(name: &str) -> bool {
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    words.is_empty() || words.iter().any(|w| name.contains(w.as_str()))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut figures = bench_store(&runtime, "SQLite", &sqlite);
    if let Ok(base) = std::env::var("MC_BENCH_POSTGRES_URL") {
        let schema = format!("bench_{}", chrono::Utc::now().timestamp_millis());
        let url = runtime
            .block_on(db::create_postgres_schema(&base, &schema))
            .expect("a schema of its own");
        figures.extend(bench_store(&runtime, "PostgreSQL", &url));
    }
    figures.extend(vault_figures());
    for figure in figures {
        println!("{figure}");
    }
}

/// What sealing costs the order path: each order finds its member by the phone's blind
/// index and opens the member's sealed values.
fn vault_figures() -> Vec<String> {
    use member_center::vault::{keyring, MEMBER_PHONE};
    const N: u32 = 200_000;
    let keys = keyring().expect("installed by setup");
    let sealed = keys.seal(MEMBER_PHONE, "+8613900000001");
    let time = |name: &str, op: &dyn Fn()| {
        let name = format!("vault {name}");
        wanted(&name).then(|| {
            let start = std::time::Instant::now();
            for _ in 0..N {
                op();
            }
            format!("{name}: {} ns", start.elapsed().as_nanos() / u128::from(N))
        })
    };
    [
        time("open a phone", &|| {
            std::hint::black_box(
                keys.open(MEMBER_PHONE, std::hint::black_box(&sealed))
                    .unwrap(),
            );
        }),
        time("seal a phone", &|| {
            std::hint::black_box(keys.seal(MEMBER_PHONE, std::hint::black_box("+8613900000001")));
        }),
        time("a phone's blind index", &|| {
            std::hint::black_box(keys.phone_index(std::hint::black_box("+8613900000001")));
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every figure of one store: a server of its own on a fresh database.
fn bench_store(runtime: &tokio::runtime::Runtime, store: &str, url: &str) -> Vec<String> {
    let (base, bare, key, tokens, pool) = runtime.block_on(setup(url));
    let figure = |name: &str, n: usize, make: &(dyn Fn(usize) -> Request + Sync)| {
        let name = format!("api {name}");
        wanted(&name).then(|| format!("{name}: {} ({store})", measure(n, make)))
    };
    let write = |name: &str, make: &(dyn Fn(usize) -> Request + Sync)| {
        figure(name, REQUESTS_PER_CLIENT, make)
    };
    let read =
        |name: &str, make: &(dyn Fn(usize) -> Request + Sync)| figure(name, READS_PER_CLIENT, make);
    let bare_figure = read("bare axum handler (GET, JSON)", &|_| {
        (
            axum::http::Method::GET,
            format!("{bare}/"),
            None,
            None,
            None,
        )
    });
    // The floor under every figure below: one round trip to the database per request.
    let one_query = read("bare handler, one query (SELECT 1)", &|_| {
        (
            axum::http::Method::GET,
            format!("{bare}/query"),
            None,
            None,
            None,
        )
    });
    let counter = AtomicUsize::new(0);
    let paid = chrono::Utc::now().fixed_offset().to_rfc3339();
    let orders = figure(
        "order ingestion (POST /api/v1/orders)",
        ORDERS_PER_CLIENT,
        &|client| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let body = format!(
                r#"{{"order_id":"B-{n:07}","phone":"{}","paid_at":"{paid}","lines":[{{"sku":"S","category":"apparel","unit_price_fen":{},"qty":1}}],"shipping_fen":1000,"coupon":"auto","points":0}}"#,
                phone(client % MEMBERS),
                12_345 + n,
            );
            let url = format!("{base}/api/v1/orders");
            (
                axum::http::Method::POST,
                url,
                Some(key.clone()),
                Some(body),
                None,
            )
        },
    );
    let me = read("GET /api/me", &|client| {
        let token = tokens[client % MEMBERS].clone();
        (
            axum::http::Method::GET,
            format!("{base}/api/me"),
            Some(token),
            None,
            None,
        )
    });
    let name = "api GET /api/me's read alone (db::home::read, in-process, one at a time)";
    let home_read = wanted(name).then(|| {
        let reads = runtime.block_on(time_home_reads(&pool, &tokens));
        format!("{name}: {reads} ({store})")
    });
    // After the orders, every member has points; all clients redeem the same item, so
    // every redemption contends for its stock row (and SQLite's one writer).
    let redeemed = AtomicUsize::new(0);
    let redemptions = write(
        "mall redemption, one item (POST /api/mall/redeem)",
        &|client| {
            let n = redeemed.fetch_add(1, Ordering::Relaxed);
            (
                axum::http::Method::POST,
                format!("{base}/api/mall/redeem"),
                Some(tokens[client % MEMBERS].clone()),
                Some(json!({ "item_id": BENCH_ITEM }).to_string()),
                Some(format!("bench-{n:08}")),
            )
        },
    );
    [bare_figure, one_query, orders, me, home_read, redemptions]
        .into_iter()
        .flatten()
        .collect()
}

fn phone(i: usize) -> String {
    format!("1370000{i:04}")
}

/// The home's read without HTTP, the members' sessions in turn: what the database part of
/// `GET /api/me` costs (through rusqlite on SQLite, as the server reads it).
async fn time_home_reads(pool: &db::Db, tokens: &[String]) -> String {
    let sqlite = db::sqlite_reads::SqliteReads::of(pool);
    let now = chrono::Utc::now().fixed_offset();
    let until = now + chrono::Days::new(30);
    let mut times = vec![];
    for i in 0..2_000 {
        let token = &tokens[i % tokens.len()];
        let start = std::time::Instant::now();
        let home = db::home::read(pool, sqlite.as_ref(), token, &now, &until, *now.offset()).await;
        times.push(start.elapsed());
        assert!(home.expect("the home").is_some(), "a live session");
    }
    times.sort_unstable();
    let us = |d: std::time::Duration| d.as_secs_f64() * 1e6;
    format!(
        "p50 {:.0} µs, p99 {:.0} µs, {} reads",
        us(times[times.len() / 2]),
        us(times[times.len() * 99 / 100]),
        times.len()
    )
}

/// The app on the database at `url` with members, a shop key and a session per member; a
/// bare axum router beside it (`/`: JSON, `/query`: one query on the same database).
/// Returns (app URL, bare URL, key, tokens, pool).
async fn setup(url: &str) -> (String, String, String, Vec<String>, db::Db) {
    // The demo's keys: what is sealed here is made up.
    member_center::vault::install(member_center::vault::Keyring::demo()).expect("keys");
    let pool = db::connect(url).await.expect("database");
    db::migrate(&pool).await.expect("migrations");
    let now = chrono::Utc::now().fixed_offset();
    let mut tokens = vec![];
    for i in 0..MEMBERS {
        let id = member_center::cli::create_user(&pool, "member", &phone(i), None)
            .await
            .expect("member");
        let mut tx = member_center::db::begin_write(&pool).await.expect("tx");
        let expires = ms(&now) + 3_600_000;
        let token = db::auth::create_session(&mut tx, &id, ms(&now), expires)
            .await
            .expect("session");
        tx.commit().await.expect("commit");
        tokens.push(token);
    }
    let (_, key) = db::auth::create_api_key(&pool, "bench", ms(&now))
        .await
        .expect("key");
    let mut program = Program::default_program();
    program.mall.items.push(
        serde_json::from_value(json!({
            "id": BENCH_ITEM,
            "title": { "zh": "压测贴纸", "en": "Bench sticker" },
            "points": 1,
            "stock": CLIENTS * REQUESTS_PER_CLIENT
        }))
        .expect("a mall item"),
    );
    let state = AppState::new(program, pool.clone());
    let app = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(member_center::serve(app, state, std::future::pending()));
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_url = format!("http://{}", bare.local_addr().unwrap());
    let bare_pool = pool.clone();
    let router = Router::new()
        .route("/", get(|| async { Json(json!({ "ok": true })) }))
        .route(
            "/query",
            get(move || async move {
                let one: i64 = sqlx::query_scalar("SELECT CAST(1 AS BIGINT)")
                    .fetch_one(&bare_pool)
                    .await
                    .expect("SELECT 1");
                Json(json!({ "ok": one }))
            }),
        );
    tokio::spawn(async move { axum::serve(bare, router).await });
    (base, bare_url, key, tokens, pool)
}
