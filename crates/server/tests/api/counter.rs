//! Staff at the counter (issue 14): roles, member lookups (audited, rate-limited, never a
//! demo member), store attribution of joins, the admin's store list.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use member_center::db::stores;

use crate::helpers::{spawn_demo, TestApp, TestResponse};
use crate::support::{world, World, PHONE_A, PHONE_B};

const STAFF_SH: &str = "13700000001";
const STAFF_BJ: &str = "13700000002";
const ADMIN: &str = "13700000009";

/// Two stores, a staff user at each and an admin; returns their tokens.
async fn staff_world(w: &World) -> (String, String, String) {
    let db = &w.app.state.db;
    stores::upsert(db, "SH001", "上海静安店", 0).await.unwrap();
    stores::upsert(db, "BJ001", "北京三里屯店", 0)
        .await
        .unwrap();
    let make = |phone: &'static str, role: &'static str, store: Option<&'static str>| async move {
        member_center::cli::create_user(db, role, phone, store)
            .await
            .unwrap();
        w.app.login(phone).await
    };
    (
        make(STAFF_SH, "staff", Some("SH001")).await,
        make(STAFF_BJ, "staff", Some("BJ001")).await,
        make(ADMIN, "admin", None).await,
    )
}

async fn lookup(app: &TestApp, token: &str, phone: &str) -> TestResponse {
    app.call(
        Method::POST,
        "/api/staff/lookup",
        Some(token),
        Some(&json!({ "phone": phone })),
    )
    .await
}

async fn audit_rows(app: &TestApp, actor_phone: &str) -> i64 {
    app.scalar(
        "SELECT COUNT(*) FROM audit_log a JOIN members m ON m.id = a.actor_id \
         WHERE a.action = 'member_lookup' AND m.phone_index = $1",
        &[&crate::helpers::phone_index(&format!("+86{actor_phone}"))],
    )
    .await
}

#[tokio::test]
async fn only_staff_reach_the_counter_and_only_admins_the_store_list() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    let (staff, _, admin) = staff_world(&w).await;
    let get = |path: &'static str, token: String| {
        let app = &w.app;
        async move { app.call(Method::GET, path, Some(&token), None).await }
    };
    for path in ["/api/staff/counter", "/api/admin/stores"] {
        get(path, w.a.clone())
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");
    }
    lookup(&w.app, &w.a, PHONE_B)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let grant = w
        .app
        .call(
            Method::POST,
            "/api/staff/coupons",
            Some(&w.a),
            Some(&json!({ "phone": PHONE_B, "grant_id": "x", "reason": "r" })),
        )
        .await;
    grant.assert_error(StatusCode::FORBIDDEN, "forbidden");
    get("/api/admin/stores", staff.clone())
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(audit_rows(&w.app, PHONE_A).await, 0);

    let counter = get("/api/staff/counter", staff).await;
    assert_eq!(counter.status, StatusCode::OK);
    assert_eq!(
        counter.json(),
        json!({
            "role": "staff",
            "store": { "code": "SH001", "name": "上海静安店" },
            "join_path": "/join?store=SH001",
            "joined_today": 0,
            "recent_joins": []
        })
    );
    let list = get("/api/admin/stores", admin).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.json()["stores"],
        json!([
            { "code": "BJ001", "name": "北京三里屯店" },
            { "code": "SH001", "name": "上海静安店" }
        ])
    );
}

#[tokio::test]
async fn a_lookup_shows_what_staff_may_see_and_is_audited_once() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    let (sh, bj, _) = staff_world(&w).await;
    let res = w
        .app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.a),
            Some(&json!({ "birthday": "1990-05-04" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    let res = lookup(&w.app, &sh, PHONE_A).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    let card = res.json();
    assert_eq!(card["phone_masked"], "139****0001");
    assert_eq!(card["tier"], "regular");
    let keys: Vec<&String> = card.as_object().unwrap().keys().collect();
    for private in ["birthday", "phone", "orders", "lifetime_spend_fen"] {
        assert!(!keys.iter().any(|k| *k == private), "{private} in {card}");
    }
    assert!(
        card["coupons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "available"),
        "{card}"
    );
    assert_eq!(audit_rows(&w.app, STAFF_SH).await, 1);
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'member_lookup' AND member_id = $1",
    )
    .bind(card["member_id"].as_str().unwrap())
    .fetch_one(&w.app.state.db)
    .await
    .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&detail).unwrap(),
        json!({ "store": "SH001" })
    );

    // Another store's staff see exactly the same member.
    let other = lookup(&w.app, &bj, PHONE_A).await;
    assert_eq!(other.json(), card);
    // Bad and unknown numbers: no audit row.
    lookup(&w.app, &sh, "123")
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone");
    lookup(&w.app, &sh, "13911112222")
        .await
        .assert_error(StatusCode::NOT_FOUND, "member_not_found");
    assert_eq!(audit_rows(&w.app, STAFF_SH).await, 1);
}

#[tokio::test]
async fn the_61st_lookup_in_an_hour_is_refused() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    let (sh, bj, _) = staff_world(&w).await;
    for i in 0..60 {
        let res = lookup(&w.app, &sh, PHONE_B).await;
        assert_eq!(res.status, StatusCode::OK, "lookup {i}: {}", res.json());
    }
    let refused = lookup(&w.app, &sh, PHONE_B).await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_lookups");
    assert!(refused.header("retry-after").parse::<u64>().unwrap() > 0);
    assert_eq!(audit_rows(&w.app, STAFF_SH).await, 60);
    // The limit is per staff user; the next hour starts afresh.
    assert_eq!(lookup(&w.app, &bj, PHONE_B).await.status, StatusCode::OK);
    w.app.set_now("2027-03-10T13:00:00+08:00");
    let sh = w.app.login(STAFF_SH).await;
    assert_eq!(lookup(&w.app, &sh, PHONE_B).await.status, StatusCode::OK);
}

async fn joined(app: &TestApp, phone: &str) -> (Option<String>, Option<String>) {
    sqlx::query_as("SELECT joined_store, joined_via FROM members WHERE phone_index = $1")
        .bind(crate::helpers::phone_index(&format!("+86{phone}")))
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_join_by_store_qr_is_attributed_once_and_an_unknown_store_is_ignored() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    let (sh, _, _) = staff_world(&w).await;
    let joins = |token: String| {
        let app = &w.app;
        async move {
            app.call(Method::GET, "/api/staff/counter", Some(&token), None)
                .await
                .json()["joined_today"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(joins(sh.clone()).await, 0);
    let joiner = w
        .app
        .login_with("13600000001", json!({ "store": "SH001" }))
        .await;
    assert_eq!(
        joined(&w.app, "13600000001").await,
        (Some("SH001".into()), Some("store_qr".into()))
    );
    // It is the member's data: their export says so.
    let export = w
        .app
        .call(Method::GET, "/api/me/export", Some(&joiner), None)
        .await
        .json();
    assert_eq!(
        export["member"]["joined"],
        json!({ "store": "SH001", "via": "store_qr", "at": "2027-03-10T12:00:00+08:00" })
    );
    assert_eq!(joins(sh.clone()).await, 1);
    // Listed for the counter, the phone masked.
    let counter = w
        .app
        .call(Method::GET, "/api/staff/counter", Some(&sh), None)
        .await
        .json();
    assert_eq!(
        counter["recent_joins"],
        json!([{ "at": "2027-03-10T12:00:00+08:00", "phone_masked": "136****0001" }])
    );
    // A later login through another store's link changes nothing.
    w.app
        .login_with("13600000001", json!({ "store": "BJ001" }))
        .await;
    assert_eq!(
        joined(&w.app, "13600000001").await.0.as_deref(),
        Some("SH001")
    );
    // An existing member coming by the link is not a join.
    w.app.login_with(PHONE_A, json!({ "store": "SH001" })).await;
    assert_eq!(joined(&w.app, PHONE_A).await, (None, None));
    assert_eq!(joins(sh.clone()).await, 1);
    // An unknown store: registered all the same, with no store.
    w.app
        .login_with("13600000002", json!({ "store": "NOPE-1" }))
        .await;
    assert_eq!(joined(&w.app, "13600000002").await, (None, None));
    // Tomorrow the count starts again.
    w.app.set_now("2027-03-11T09:00:00+08:00");
    let sh = w.app.login(STAFF_SH).await;
    assert_eq!(joins(sh).await, 0);
}

#[tokio::test]
async fn demo_members_never_come_up_in_a_lookup() {
    let app = spawn_demo().await;
    stores::upsert(&app.state.db, "SH001", "上海静安店", 0)
        .await
        .unwrap();
    member_center::cli::create_user(&app.state.db, "staff", STAFF_SH, Some("SH001"))
        .await
        .unwrap();
    let staff = app.login(STAFF_SH).await;
    lookup(&app, &staff, "13800000001")
        .await
        .assert_error(StatusCode::NOT_FOUND, "member_not_found");
}
