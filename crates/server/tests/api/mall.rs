//! The points mall: the catalog with eligibility, redemptions with an Idempotency-Key,
//! limits, bad input, and stock taken exactly once by many concurrent clients over real
//! HTTP (on whichever store the run uses: SQLite, or PostgreSQL with MC_TEST_POSTGRES_URL).

use std::sync::{Arc, Barrier};

use axum::http::{Method, StatusCode};
use rules::Program;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Options, TestApp};
use crate::support::members_with;

const NOW: &str = "2027-03-10T12:00:00+08:00";

/// The default program plus two small-stock items for the races.
fn race_program() -> Program {
    let mut v: Value = serde_json::from_str(rules::program::DEFAULT_PROGRAM_JSON).unwrap();
    let items = v["mall"]["items"].as_array_mut().unwrap();
    for (id, stock) in [("ten-left", 10), ("last-one", 1)] {
        items.push(json!({
            "id": id,
            "title": { "zh": "限量", "en": "Limited" },
            "points": 100,
            "stock": stock,
            "coupon": { "kind": { "type": "no_threshold", "off_fen": 500 }, "valid_days": 7 }
        }));
    }
    Program::from_json(&v.to_string()).unwrap()
}

async fn app() -> TestApp {
    spawn_with(Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap()),
        program: Some(race_program()),
        ..Default::default()
    })
    .await
}

pub(crate) async fn redeem(
    app: &TestApp,
    token: Option<&str>,
    key: Option<&str>,
    body: &Value,
) -> crate::helpers::TestResponse {
    let mut headers = vec![("content-type", "application/json")];
    let auth = token.map(|t| format!("Bearer {t}"));
    if let Some(auth) = &auth {
        headers.push(("authorization", auth));
    }
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    app.call_with(Method::POST, "/api/mall/redeem", &headers, None, Some(body))
        .await
}

async fn catalog(app: &TestApp, token: &str) -> Value {
    let res = app.call(Method::GET, "/api/mall", Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()
}

fn item<'a>(catalog: &'a Value, id: &str) -> &'a Value {
    catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {catalog}"))
}

async fn balance(app: &TestApp, id: &str) -> i64 {
    app.scalar("SELECT points_balance FROM members WHERE id = $1", &[id])
        .await
}

#[tokio::test]
async fn the_catalog_says_what_each_member_may_redeem_and_why_not() {
    let app = app().await;
    let poor = &members_with(&app, 1, 0, "regular").await[0];
    let c = catalog(&app, &poor.1).await;
    assert_eq!(c["points_balance"], 0);
    assert_eq!(c["items"].as_array().unwrap().len(), 8);
    let coupon = item(&c, "coupon-10");
    assert_eq!(coupon["eligible"], false);
    assert_eq!(coupon["reason"], "insufficient_points");
    assert_eq!(coupon["points"], 500);
    assert_eq!(coupon["remaining"], Value::Null);
    assert_eq!(coupon["limit"], json!({ "count": 5, "period": "month" }));
    assert_eq!(item(&c, "hot-spring")["reason"], "tier_too_low");
    assert_eq!(item(&c, "tote-bag")["remaining"], 200);

    let rich = &app_members(&app).await;
    let c = catalog(&app, &rich.1).await;
    assert_eq!(item(&c, "hot-spring")["eligible"], true);
    assert_eq!(item(&c, "hot-spring")["reason"], Value::Null);
    let res = redeem(
        &app,
        Some(&rich.1),
        Some("k-1"),
        &json!({ "item_id": "hot-spring" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let c = catalog(&app, &rich.1).await;
    let spa = item(&c, "hot-spring");
    assert_eq!(
        (spa["reason"].clone(), spa["remaining"].clone()),
        (json!("limit_reached"), json!(19))
    );
    assert_eq!(spa["redeemed_in_period"], 1);
    // No login, or a stale session: the catalog as anyone sees it, the stock left
    // included; no balance, nothing to redeem until logged in.
    for token in [None, Some("not-a-session")] {
        let res = app.call(Method::GET, "/api/mall", token, None).await;
        assert_eq!(res.status, StatusCode::OK);
        let public = res.json();
        assert_eq!(public["points_balance"], Value::Null);
        let spa = item(&public, "hot-spring");
        assert_eq!(
            (spa["eligible"].clone(), spa["reason"].clone()),
            (json!(false), Value::Null)
        );
        assert_eq!(spa["remaining"], 19);
        assert_eq!(spa["redeemed_in_period"], 0);
    }
}

/// A diamond member with 50,000 points.
async fn app_members(app: &TestApp) -> (String, String) {
    members_with(app, 1, 50_000, "diamond").await.remove(0)
}

#[tokio::test]
async fn a_coupon_item_debits_points_fills_the_wallet_and_replays() {
    let app = app().await;
    let (id, token) = members_with(&app, 1, 3_000, "regular").await.remove(0);
    let body = json!({ "item_id": "coupon-10" });
    let first = redeem(&app, Some(&token), Some("k-1"), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());
    let answer = first.json();
    assert_eq!(answer["points"], 500);
    assert_eq!(answer["points_balance_after"], 2_500);
    assert_eq!(
        answer["coupon"]["kind"],
        json!({ "type": "no_threshold", "off_fen": 1000 })
    );
    assert_eq!(answer["coupon"]["valid_until"], "2027-04-09T12:00:00+08:00");
    let coupon_id = answer["coupon"]["id"].as_str().unwrap();
    let source =
        "SELECT COUNT(*) FROM coupons WHERE id = $1 AND member_id = $2 AND source = 'mall'";
    assert_eq!(app.scalar(source, &[coupon_id, &id]).await, 1);
    let mall_entries = "SELECT COUNT(*) FROM points_ledger WHERE member_id = $1 AND kind = 'mall' AND points = -500";
    assert_eq!(app.scalar(mall_entries, &[&id]).await, 1);

    // The same key again: the same answer, nothing more.
    let again = redeem(&app, Some(&token), Some("k-1"), &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body, first.body);
    // The same key with another body: a conflict, nothing changed.
    redeem(
        &app,
        Some(&token),
        Some("k-1"),
        &json!({ "item_id": "keychain" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "idempotency_conflict");
    assert_eq!(balance(&app, &id).await, 2_500);
    assert_eq!(app.scalar(mall_entries, &[&id]).await, 1);

    // 5 per month: four more, then refused; next month again.
    for k in 2..=5 {
        let res = redeem(&app, Some(&token), Some(&format!("k-{k}")), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    }
    redeem(&app, Some(&token), Some("k-6"), &body)
        .await
        .assert_error(StatusCode::CONFLICT, "limit_reached");
    assert_eq!(balance(&app, &id).await, 500);
    app.set_now("2027-04-01T00:00:00+08:00");
    let res = redeem(&app, Some(&token), Some("k-6"), &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(res.json()["points_balance_after"], 0);
    let export = app
        .call(Method::GET, "/api/me/export", Some(&token), None)
        .await
        .json();
    let redemptions = export["mall_redemptions"].as_array().unwrap();
    assert_eq!(redemptions.len(), 6);
    assert_eq!(redemptions[0], answer);
}

/// (session, Idempotency-Key, body, expected status, expected code)
type Case<'a> = (Option<&'a str>, Option<&'a str>, Value, StatusCode, &'a str);

#[tokio::test]
async fn bad_redemptions_answer_stable_codes_and_change_nothing() {
    let app = app().await;
    let (id, token) = members_with(&app, 1, 1_000, "gold").await.remove(0);
    let ok = json!({ "item_id": "tote-bag" });
    let long_key = "k".repeat(65);
    let cases: Vec<Case> = vec![
        (
            None,
            Some("k"),
            ok.clone(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            Some("not-a-session"),
            Some("k"),
            ok.clone(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            Some(&token),
            None,
            ok.clone(),
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
        ),
        (
            Some(&token),
            Some("bad key!"),
            ok.clone(),
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
        ),
        (
            Some(&token),
            Some(&long_key),
            ok.clone(),
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
        ),
        (
            Some(&token),
            Some("k"),
            json!({ "item_id": "nope" }),
            StatusCode::NOT_FOUND,
            "item_not_found",
        ),
        (
            Some(&token),
            Some("k"),
            json!({ "item": "tote-bag" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Some(&token),
            Some("k"),
            json!({ "item_id": 7 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            Some(&token),
            Some("k"),
            json!({ "item_id": "hot-spring" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "tier_too_low",
        ),
    ];
    for (token, key, body, status, code) in cases {
        redeem(&app, token, key, &body)
            .await
            .assert_error(status, code);
    }
    // Not enough points: 1,000 − 800 leaves too little for a second bag-priced item.
    let res = redeem(&app, Some(&token), Some("k"), &ok).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    redeem(
        &app,
        Some(&token),
        Some("k2"),
        &json!({ "item_id": "coupon-300-50" }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "insufficient_points");
    redeem(&app, Some(&token), Some("k3"), &ok)
        .await
        .assert_error(StatusCode::CONFLICT, "limit_reached");
    assert_eq!(balance(&app, &id).await, 200);
    let count = |sql: &'static str| app.scalar(sql, &[]);
    assert_eq!(count("SELECT COUNT(*) FROM mall_redemptions").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM coupons").await, 0);
    assert_eq!(
        count("SELECT CAST(COALESCE(SUM(sold), 0) AS BIGINT) FROM mall_stock").await,
        1
    );
}

/// Sends every (token, key, item) at once from its own thread over real HTTP, to two
/// servers on the one database in turn; returns (status, body) in the same order.
async fn race(app: &TestApp, requests: Vec<(String, String, String)>) -> Vec<(u16, String)> {
    let (bases, servers) = app.serve_two().await;
    let answers = tokio::task::spawn_blocking(move || {
        let start = Arc::new(Barrier::new(requests.len()));
        let threads: Vec<_> = requests
            .into_iter()
            .enumerate()
            .map(|(i, (token, key, item))| {
                let start = start.clone();
                let url = format!("{}/api/mall/redeem", bases[i % 2]);
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    start.wait();
                    let mut res = agent
                        .post(&url)
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Idempotency-Key", &key)
                        .send_json(json!({ "item_id": item }))
                        .expect("POST");
                    let status = res.status().as_u16();
                    (status, res.body_mut().read_to_string().expect("body"))
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("client"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    drop(servers);
    answers
}

fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v["error"]["code"].as_str().unwrap_or("").to_owned()
}

async fn sold(app: &TestApp, item: &str) -> i64 {
    app.scalar("SELECT sold FROM mall_stock WHERE item_id = $1", &[item])
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_members_race_for_ten_units_and_ten_win() {
    let app = app().await;
    let members = members_with(&app, 200, 1_000, "regular").await;
    let requests = members
        .iter()
        .map(|(_, t)| (t.clone(), "race".to_owned(), "ten-left".to_owned()))
        .collect();
    let answers = race(&app, requests).await;
    let winners: Vec<usize> = (0..200).filter(|&i| answers[i].0 == 201).collect();
    assert_eq!(winners.len(), 10, "{answers:?}");
    for (i, (status, body)) in answers.iter().enumerate() {
        if !winners.contains(&i) {
            assert_eq!(
                (*status, code(body)),
                (409, "out_of_stock".to_owned()),
                "{body}"
            );
        }
    }
    assert_eq!(sold(&app, "ten-left").await, 10);
    for (i, (id, _)) in members.iter().enumerate() {
        let expected = if winners.contains(&i) { 900 } else { 1_000 };
        assert_eq!(balance(&app, id).await, expected, "member {i}");
        let entries = app
            .scalar(
                "SELECT COUNT(*) FROM points_ledger WHERE member_id = $1 AND kind = 'mall'",
                &[id],
            )
            .await;
        assert_eq!(entries, i64::from(winners.contains(&i)), "member {i}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM coupons", &[]).await, 10);
    let c = catalog(&app, &members[0].1).await;
    assert_eq!(item(&c, "ten-left")["remaining"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_requests_for_the_last_unit_and_one_wins() {
    let app = app().await;
    let members = members_with(&app, 64, 1_000, "regular").await;
    let requests = members
        .iter()
        .map(|(_, t)| (t.clone(), "last".to_owned(), "last-one".to_owned()))
        .collect();
    let answers = race(&app, requests).await;
    assert_eq!(
        answers.iter().filter(|a| a.0 == 201).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|a| a.0 == 409 && code(&a.1) == "out_of_stock")
            .count(),
        63
    );
    assert_eq!(sold(&app, "last-one").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM mall_redemptions", &[])
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_sent_a_hundred_times_at_once_has_one_effect() {
    let app = app().await;
    let (id, token) = members_with(&app, 1, 1_000, "regular").await.remove(0);
    let requests = (0..100)
        .map(|_| (token.clone(), "same-key".to_owned(), "ten-left".to_owned()))
        .collect();
    let answers = race(&app, requests).await;
    assert_eq!(
        answers.iter().filter(|a| a.0 == 201).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(answers.iter().filter(|a| a.0 == 200).count(), 99);
    assert!(
        answers.iter().all(|a| a.1 == answers[0].1),
        "100 identical bodies"
    );
    assert_eq!(balance(&app, &id).await, 900);
    assert_eq!(sold(&app, "ten-left").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM coupons", &[]).await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM mall_redemptions", &[])
            .await,
        1
    );
}
