//! `member-center backup` while orders and redemptions stream in, and `restore` of that
//! backup into a fresh database: sound (integrity, every balance the sum of its ledger),
//! serving (`/api/me`, new orders), and the orders it holds answer as replays.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use member_center::backup;
use serde_json::json;

use crate::support::{order, world, World, PHONE_A, PHONE_B};

const NOW: &str = "2026-12-07T12:00:00+08:00";
const PAID: &str = "2026-12-07T11:00:00+08:00";
const ORDERS: usize = 40;

/// An empty database for the restore: a new SQLite file; on PostgreSQL the test's own
/// schema, dropped (the backup brings it back; the tests' role may not create databases).
async fn empty_target(w: &World, dir: &tempfile::TempDir) -> String {
    if std::env::var("MC_TEST_POSTGRES_URL").is_err() {
        return format!("sqlite://{}", dir.path().join("restored.db").display());
    }
    let schema: String = sqlx::query_scalar("SELECT CAST(current_schema() AS TEXT)")
        .fetch_one(&w.app.state.db)
        .await
        .unwrap();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&w.app.state.db)
        .await
        .unwrap();
    w.app.database_url.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_sound_and_serving() {
    let w = Arc::new(world(NOW).await);
    // Points to redeem with.
    let first = w.post_order(&order("SO-0", PHONE_A, PAID, 500_000)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());

    let done = Arc::new(AtomicUsize::new(0));
    let stream = {
        let (w, done) = (w.clone(), done.clone());
        tokio::spawn(async move {
            for i in 1..=ORDERS {
                let phone = if i % 2 == 0 { PHONE_A } else { PHONE_B };
                let res = w
                    .post_order(&order(&format!("SO-{i}"), phone, PAID, 10_000 + i as i64))
                    .await;
                assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
                if i % 10 == 0 {
                    redeem(&w, &format!("r-{i}")).await;
                }
                done.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while done.load(Ordering::SeqCst) < ORDERS / 2 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("member-center.backup");
    backup::backup(&w.app.database_url, &file).await.unwrap();
    stream.await.unwrap();
    assert!(
        backup::backup(&w.app.database_url, &file).await.is_err(),
        "a backup never overwrites"
    );

    // Every balance A had, after each of their writes (read before the PostgreSQL target
    // takes the place of the live schema).
    let a_id = w.id(&w.a).await;
    let balances: Vec<i64> =
        sqlx::query_scalar("SELECT balance_after FROM points_ledger WHERE member_id = $1")
            .bind(&a_id)
            .fetch_all(&w.app.state.db)
            .await
            .unwrap();
    let target = empty_target(&w, &dir).await;
    let check = backup::restore(&target, &file, false).await.unwrap();
    assert_eq!(check.members, 2, "{check:?}");
    assert!(check.balance_mismatches.is_empty(), "{check:?}");
    let again = backup::restore(&target, &file, false).await;
    let refusal = format!("{:#}", again.unwrap_err());
    assert!(refusal.contains("--replace"), "{refusal}");

    // The restored server: the member's session still works, with the balance of the
    // backup's instant; an order the backup holds is a replay; a new one is taken.
    let restored = w.app.on_database(&target).await;
    let me = restored
        .call(Method::GET, "/api/me", Some(&w.a), None)
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json());
    // The balance of the backup's instant: one A really had (redemptions after the
    // backup may leave the live balance below it).
    let then = me.json()["points_balance"].as_i64().unwrap();
    assert!(
        then > 0 && balances.contains(&then),
        "{then} not in {balances:?}"
    );
    let replay = restored
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&w.shop),
            Some(&order("SO-1", PHONE_B, PAID, 10_001)),
        )
        .await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.json());
    assert_eq!(replay.header("idempotent-replayed"), "true");
    let new = restored
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&w.shop),
            Some(&order("SO-NEW", PHONE_A, PAID, 20_000)),
        )
        .await;
    assert_eq!(new.status, StatusCode::CREATED, "{}", new.json());
    let check = backup::check(&restored.state.db).await.unwrap();
    assert!(check.balance_mismatches.is_empty(), "{check:?}");
}

async fn redeem(w: &World, key: &str) {
    let res = crate::mall::redeem(
        &w.app,
        Some(&w.a),
        Some(key),
        &json!({ "item_id": "coupon-10" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
}

#[tokio::test]
async fn the_nightly_backup_is_taken_once_a_day_and_the_newest_kept() {
    let app = crate::helpers::spawn_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let nightly = backup::Nightly {
        dir: dir.path().join("backups"),
        keep: 2,
        at: chrono::NaiveTime::from_hms_opt(3, 0, 0).unwrap(),
    };
    let program = &app.state.program.program;
    let tick = |at: &str| {
        let now = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        let nightly = nightly.clone();
        let (url, db) = (app.database_url.clone(), app.state.db.clone());
        async move {
            nightly
                .tick(&url, &db, program, "serve:a", &now)
                .await
                .unwrap()
        }
    };
    assert_eq!(tick("2027-01-01T02:59:00+08:00").await, None, "not yet");
    let first = tick("2027-01-01T03:01:00+08:00")
        .await
        .expect("the day's backup");
    assert!(
        first.ends_with("member-center-2027-01-01.backup"),
        "{first:?}"
    );
    assert_eq!(tick("2027-01-01T09:00:00+08:00").await, None, "once a day");

    // Another server holds the lease: this one leaves the day to it.
    let held_ms = chrono::DateTime::parse_from_rfc3339("2027-01-02T03:00:00+08:00")
        .unwrap()
        .timestamp_millis();
    member_center::db::jobs::take_lease(
        &app.state.db,
        "backup",
        "serve:b",
        held_ms,
        held_ms + 600_000,
    )
    .await
    .unwrap();
    assert_eq!(tick("2027-01-02T03:05:00+08:00").await, None);
    assert!(
        tick("2027-01-02T03:11:00+08:00").await.is_some(),
        "after it expired"
    );
    assert!(tick("2027-01-03T04:00:00+08:00").await.is_some());

    let mut kept: Vec<String> = std::fs::read_dir(&nightly.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "member-center-2027-01-02.backup",
            "member-center-2027-01-03.backup"
        ]
    );
}
