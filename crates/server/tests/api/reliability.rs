//! Defects found by testing the server as an attacker and a busy shop would (issue 9), one
//! test each, on whichever store the suite runs on (SQLite, or PostgreSQL in its pass).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{header, Method, StatusCode};
use chrono::{DateTime, Days, FixedOffset};
use member_center::db::members::{self, WalletCoupon};
use rules::Text;
use rules::{Coupon, CouponKind};
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Options};
use crate::support::{consent, members_with, order, world, PHONE_A};

const NOW: &str = "2027-03-10T12:00:00+08:00";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// 1. A login's transaction reads before it writes; on SQLite a deferred transaction
///    then fails to upgrade while orders are being written (`database is locked`). Every
///    write transaction takes the write lock first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logins_while_orders_are_written_never_answer_5xx() {
    const LOGIN_CLIENTS: usize = 6;
    const LOGINS_EACH: usize = 20;
    const ORDER_WRITERS: usize = 4;
    let app = spawn_with(Options {
        now: Some(at(NOW)),
        auth_policy: Some(member_center::policy::AuthPolicy {
            codes_per_ip_per_hour: 10_000,
            logins_per_ip_per_hour: 10_000,
            ..Default::default()
        }),
        ..Default::default()
    })
    .await;
    let shop = app.api_key().await;
    app.login(PHONE_A).await;
    let version = consent(&app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(member_center::serve(
        listener,
        app.state.clone(),
        std::future::pending(),
    ));

    let logins_done = Arc::new(AtomicBool::new(false));
    let orders_sent = Arc::new(AtomicUsize::new(0));
    let failures = tokio::task::spawn_blocking(move || {
        let agent = || -> ureq::Agent {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into()
        };
        let writers: Vec<_> = (0..ORDER_WRITERS)
            .map(|w| {
                let (base, shop, done, sent) = (
                    base.clone(),
                    shop.clone(),
                    logins_done.clone(),
                    orders_sent.clone(),
                );
                let agent = agent();
                std::thread::spawn(move || {
                    let mut bad = vec![];
                    let mut i = 0;
                    while !done.load(Ordering::SeqCst) && i < 2_000 {
                        let body = order(
                            &format!("W{w}-{i}"),
                            PHONE_A,
                            "2027-03-10T11:00:00+08:00",
                            10_000,
                        );
                        let status = agent
                            .post(&format!("{base}/api/v1/orders"))
                            .header("Authorization", &format!("Bearer {shop}"))
                            .send_json(&body)
                            .expect("order")
                            .status()
                            .as_u16();
                        if status != 201 {
                            bad.push(format!("order {status}"));
                        }
                        sent.fetch_add(1, Ordering::SeqCst);
                        i += 1;
                    }
                    bad
                })
            })
            .collect();
        let logins: Vec<_> = (0..LOGIN_CLIENTS)
            .map(|c| {
                let (base, version) = (base.clone(), version.clone());
                let agent = agent();
                std::thread::spawn(move || {
                    let mut bad = vec![];
                    for i in 0..LOGINS_EACH {
                        let phone = format!("1380{c:03}{i:04}");
                        let mut sent = agent
                            .post(&format!("{base}/api/auth/otp"))
                            .send_json(json!({ "phone": phone }))
                            .expect("otp");
                        if sent.status() != 202 {
                            bad.push(format!("otp {}", sent.status()));
                            continue;
                        }
                        let code: Value = sent.body_mut().read_json().expect("json");
                        let status = agent
                            .post(&format!("{base}/api/auth/login"))
                            .send_json(json!({
                                "phone": phone,
                                "code": code["dev_code"],
                                "consent_version": version,
                                "bearer": true,
                            }))
                            .expect("login")
                            .status()
                            .as_u16();
                        if status != 200 {
                            bad.push(format!("login {status}"));
                        }
                    }
                    bad
                })
            })
            .collect();
        let mut failures: Vec<String> = vec![];
        for t in logins {
            failures.extend(t.join().unwrap());
        }
        logins_done.store(true, Ordering::SeqCst);
        for t in writers {
            failures.extend(t.join().unwrap());
        }
        (failures, orders_sent.load(Ordering::SeqCst))
    })
    .await
    .unwrap();
    server.abort();
    let (failures, orders) = failures;
    assert!(orders > 0, "no orders were written during the logins");
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    let members = app.scalar("SELECT COUNT(*) FROM members", &[]).await;
    assert_eq!(members, 1 + (LOGIN_CLIENTS * LOGINS_EACH) as i64);
}

fn yuan_off(id: &str, off_fen: i64, from: &str, until: &str) -> WalletCoupon {
    let off_fen = rules::Fen(off_fen);
    WalletCoupon {
        coupon: Coupon {
            id: id.to_owned(),
            kind: CouponKind::NoThreshold { off_fen },
            valid_from: at(from),
            valid_until: at(until),
            first_order_only: false,
        },
        title: Text {
            zh: "测试券".into(),
            en: "Test coupon".into(),
        },
        source: rules::coupon::CouponSource::Staff,
    }
}

/// 2. Expired coupons were counted forever against the quote's `max_coupons` (200): a
///    member with more than 200 unused coupons could no longer order.
#[tokio::test]
async fn an_order_is_recorded_with_201_expired_coupons_in_the_wallet() {
    let w = world(NOW).await;
    let a = w.id(&w.a).await;
    let mut tx = member_center::db::begin_write(&w.app.state.db)
        .await
        .unwrap();
    for i in 0..201 {
        let c = yuan_off(
            &format!("c_old_{i:03}"),
            500,
            "2026-01-01T00:00:00+08:00",
            "2026-02-01T00:00:00+08:00",
        );
        members::insert_coupon(&mut tx, &a, &c, &at(NOW))
            .await
            .unwrap();
    }
    let valid = yuan_off(
        "c_valid",
        700,
        "2027-03-01T00:00:00+08:00",
        "2027-04-01T00:00:00+08:00",
    );
    members::insert_coupon(&mut tx, &a, &valid, &at(NOW))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The preview's snapshot holds the coupons valid now, not the expired ones.
    let me = w.me(&w.a).await;
    let ids: Vec<&str> = me["snapshot"]["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"c_valid"), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("c_old")), "{ids:?}");

    let mut body = order("SO-1", PHONE_A, "2027-03-10T11:00:00+08:00", 10_000);
    body["coupon"] = json!("auto");
    let res = w.post_order(&body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(res.json()["quote"]["coupon"]["id"], "c_valid");
    // Naming an expired one still says exactly that.
    let mut body = order("SO-2", PHONE_A, "2027-03-10T11:00:00+08:00", 10_000);
    body["coupon"] = json!("c_old_007");
    w.post_order(&body)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "coupon_expired");
}

/// 3. A NUL character in a string reached PostgreSQL, which refuses it: 500. Control
///    characters are refused at the edge, on both stores, and nothing is written.
#[tokio::test]
async fn control_characters_are_refused_at_the_edge_with_422() {
    let w = world(NOW).await;
    let (staff_id, staff) = members_with(&w.app, 1, 0, "regular").await.remove(0);
    sqlx::query("UPDATE members SET role = 'staff' WHERE id = $1")
        .bind(&staff_id)
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let res = w.post_order(&order("SO-1", PHONE_A, NOW, 10_000)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let orders_before = w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await;

    let mut by_id = order("SO-2", PHONE_A, NOW, 10_000);
    by_id.as_object_mut().unwrap().remove("phone");
    by_id["member_id"] = json!("m_\u{0}x");
    let mut coupon = order("SO-3", PHONE_A, NOW, 10_000);
    coupon["coupon"] = json!("c_\u{0}");
    let mut order_id = order("SO-\u{1}", PHONE_A, NOW, 10_000);
    order_id["lines"][0]["sku"] = json!("SKU\u{0}");
    let cases: Vec<(Method, &str, &str, Value)> = vec![
        (
            Method::POST,
            "/api/invites/accept",
            &w.b,
            json!({ "code": "AB\u{0}CD" }),
        ),
        (Method::POST, "/api/v1/orders", &w.shop, by_id),
        (Method::POST, "/api/v1/orders", &w.shop, coupon),
        (Method::POST, "/api/v1/orders", &w.shop, order_id),
        (
            Method::POST,
            "/api/staff/coupons",
            &staff,
            json!({ "member_id": "m_\u{0}", "grant_id": "goodwill-10", "reason": "x" }),
        ),
        (
            Method::PATCH,
            "/api/me",
            &w.a,
            json!({ "nickname": "a\u{0}b" }),
        ),
    ];
    for (method, path, token, body) in cases {
        let res = w
            .app
            .call_with(
                method.clone(),
                path,
                &[
                    ("authorization", &format!("Bearer {token}")),
                    ("idempotency-key", "k-1"),
                ],
                None,
                Some(&body),
            )
            .await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters");
    }
    // In a path and in a query string, percent-encoded.
    w.refund("SO-1%00", "R-1", 100)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters");
    w.refund("SO-1", "R-\u{0}", 100)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters");
    w.app
        .call(Method::GET, "/api/me/coupons?status=a%00", Some(&w.a), None)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters");
    assert_eq!(
        w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await,
        orders_before
    );
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM refunds", &[]).await, 0);
    assert_eq!(w.me(&w.a).await["nickname"], Value::Null);
}

/// 4. An order paid 10 days ago, reported after a newer one, makes the trailing spend
///    reach silver: the member is upgraded now, and the gap is never negative.
#[tokio::test]
async fn a_late_order_that_reaches_a_tier_upgrades_now() {
    let w = world(NOW).await;
    let res = w
        .post_order(&order(
            "SO-new",
            PHONE_A,
            "2027-03-10T11:00:00+08:00",
            30_000,
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let late = order("SO-late", PHONE_A, "2027-02-28T11:00:00+08:00", 30_000);
    let res = w.post_order(&late).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let me = w.me(&w.a).await;
    assert_eq!(me["qualifying_spend_fen"], 60_000, "{me}");
    assert_eq!(me["tier"], "silver", "{me}");
    assert_eq!(me["snapshot"]["tier"], "silver", "{me}");
    assert_eq!(me["next_tier"]["tier"], "gold", "{me}");
    assert_eq!(me["next_tier"]["gap_fen"], 200_000 - 60_000, "{me}");
}

/// 5a. A resent order is compared as parsed, not as bytes: the phone spelled another way
///     or the paid time in another offset (the same instant) is the same order.
#[tokio::test]
async fn a_replay_spelled_differently_is_the_same_order() {
    let w = world(NOW).await;
    let first = order("SO-1", PHONE_A, "2027-03-10T11:00:00+08:00", 10_000);
    let res = w.post_order(&first).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let answer = res.json();

    let mut spelled = first.clone();
    spelled["phone"] = json!("+86 139 0000 0001");
    let mut utc = first.clone();
    utc["paid_at"] = json!("2027-03-10T03:00:00Z");
    for body in [spelled, utc] {
        let res = w.post_order(&body).await;
        assert_eq!(res.status, StatusCode::OK, "{body}: {}", res.json());
        assert_eq!(res.header("idempotent-replayed"), "true");
        assert_eq!(res.json(), answer);
    }
    let mut other = first.clone();
    other["paid_at"] = json!("2027-03-10T11:00:01+08:00");
    w.post_order(&other)
        .await
        .assert_error(StatusCode::CONFLICT, "order_conflict");
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await, 1);
}

/// 5b. A replay of a recorded order after the member deleted their account gets the
///     stored answer, not 422 `member_not_found`.
#[tokio::test]
async fn a_replay_after_the_member_deleted_their_account_gets_the_stored_answer() {
    let w = world(NOW).await;
    let body = order("SO-1", PHONE_A, "2027-03-10T11:00:00+08:00", 10_000);
    let res = w.post_order(&body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let answer = res.json();
    let gone = w
        .app
        .call(Method::DELETE, "/api/me", Some(&w.a), None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let res = w.post_order(&body).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.header("idempotent-replayed"), "true");
    assert_eq!(res.json(), answer);
    // A new order for the deleted phone is still refused.
    w.post_order(&order("SO-2", PHONE_A, "2027-03-10T11:00:00+08:00", 10_000))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "member_not_found");
}

/// 6. Deleting the account and registering again with the same phone collected the
///    registration coupons and the invite rewards again, every time.
#[tokio::test]
async fn registration_and_invite_rewards_are_given_once_per_phone() {
    let w = world(NOW).await;
    let inviter = w.id(&w.b).await;
    let code = w
        .app
        .call(Method::GET, "/api/me/invite", Some(&w.b), None)
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let coupons = "SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND source = $2";
    let mut token = w.a.clone();
    for round in 0..3 {
        let me = w.id(&token).await;
        let welcome = w.app.scalar(coupons, &[&me, "welcome"]).await;
        let first = w.app.scalar(coupons, &[&me, "first_order"]).await;
        let res = w
            .app
            .call(
                Method::POST,
                "/api/invites/accept",
                Some(&token),
                Some(&json!({ "code": code })),
            )
            .await;
        if round == 0 {
            assert_eq!((welcome, first), (1, 1));
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        } else {
            assert_eq!((welcome, first), (0, 0), "round {round}");
            res.assert_error(StatusCode::CONFLICT, "invite_already_accepted");
        }
        let gone = w
            .app
            .call(Method::DELETE, "/api/me", Some(&token), None)
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        token = w.app.login(PHONE_A).await;
    }
    let inviter_rewards = w.app.scalar(coupons, &[&inviter, "invite"]).await;
    assert_eq!(inviter_rewards, 1);
    // The phone itself is not kept for the deleted accounts.
    let kept = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM members WHERE deleted_at_ms IS NOT NULL AND phone IS NOT NULL",
            &[],
        )
        .await;
    assert_eq!(kept, 0);
}

/// 7. `jobs run --date` in the future expired points as of that date, now.
#[tokio::test]
async fn jobs_refuse_a_future_date_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::test_database_url(&dir).await;
    let pool = member_center::db::connect(&url).await.unwrap();
    member_center::db::migrate(&pool).await.unwrap();
    let program = rules::Program::default_program();
    let today = program.local_date(&chrono::Utc::now().fixed_offset());
    let member = {
        let mut tx = member_center::db::begin_write(&pool).await.unwrap();
        let now = chrono::Utc::now().fixed_offset();
        let id = members::register(&mut tx, &program, "+8613700000001", "member", "v", &now)
            .await
            .unwrap();
        member_center::db::ledger::credit(
            &mut tx,
            &program,
            &id,
            member_center::db::ledger::EntryKind::Opening,
            rules::Points(500),
            &now,
            Default::default(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let balance = || async {
        sqlx::query_scalar::<_, i64>("SELECT points_balance FROM members WHERE id = $1")
            .bind(&member)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let jobs = |date: String, allow: bool| {
        let mut cmd = crate::process::member_center();
        cmd.args(["jobs", "run", "--date", &date, "--database-url", &url]);
        if allow {
            cmd.arg("--allow-future");
        }
        cmd.output().unwrap()
    };
    // Three years ahead: every lot credited today has expired by then.
    let future = today.checked_add_days(Days::new(3 * 366)).unwrap();
    let out = jobs(future.to_string(), false);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--allow-future"), "{stderr}");
    assert_eq!(balance().await, 500, "a refused run changes nothing");
    let out = jobs(today.to_string(), false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(balance().await, 500);
    let out = jobs(future.to_string(), true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(balance().await, 0, "allowed for tests: the lot expired");
}

/// 8a. A path that does not decode answered axum's text/plain 400.
#[tokio::test]
async fn a_bad_path_parameter_answers_the_json_error_body() {
    let w = world(NOW).await;
    w.refund("SO-%FF", "R-1", 100)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_path");
}

/// 8b. The member's own data must not be kept by a shared cache or the browser's.
#[tokio::test]
async fn personal_answers_are_not_stored_by_caches() {
    let w = world(NOW).await;
    for path in [
        "/api/me",
        "/api/me/points",
        "/api/me/coupons",
        "/api/me/export",
        "/api/me/invite",
        "/api/mall",
    ] {
        let res = w.app.call(Method::GET, path, Some(&w.a), None).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.header(header::CACHE_CONTROL), "no-store", "{path}");
    }
    // Errors of those paths too (a 401 has nothing to keep, but no cache should try).
    let res = w.app.call(Method::GET, "/api/me", None, None).await;
    assert_eq!(res.header(header::CACHE_CONTROL), "no-store");
    // The program is public and revalidated by its ETag.
    let res = w.app.get("/api/program").await;
    assert_eq!(res.header(header::CACHE_CONTROL), "no-cache");
}

/// 8c. Behind a reverse proxy every client shares the proxy's address: with
///     `--trusted-proxy`, the limits key on the client named in `X-Forwarded-For` — only
///     when the peer is that proxy, so nobody else can pick their own address.
#[tokio::test]
async fn limits_key_on_the_forwarded_client_only_behind_the_trusted_proxy() {
    let app = spawn_with(Options {
        auth_policy: Some(member_center::policy::AuthPolicy {
            codes_per_ip_per_hour: 2,
            ..Default::default()
        }),
        trusted_proxies: vec!["10.0.0.1".parse().unwrap()],
        ..Default::default()
    })
    .await;
    let otp = |ip: &'static str, forwarded: &'static str, phone: &'static str| {
        let app = &app;
        async move {
            app.call_with(
                Method::POST,
                "/api/auth/otp",
                &[("x-forwarded-for", forwarded)],
                Some(ip),
                Some(&json!({ "phone": phone })),
            )
            .await
            .status
        }
    };
    let proxy = "10.0.0.1";
    // Client 198.51.100.7 through the proxy: two codes, then its own limit.
    assert_eq!(otp(proxy, "198.51.100.7", "13800000001").await, 202);
    assert_eq!(
        otp(proxy, "203.0.113.9, 198.51.100.7", "13800000002").await,
        202
    );
    assert_eq!(otp(proxy, "198.51.100.7", "13800000003").await, 429);
    // Another client through the same proxy has its own budget.
    assert_eq!(otp(proxy, "198.51.100.8", "13800000004").await, 202);
    // A peer that is not the proxy cannot choose its address by the header.
    let direct = "192.0.2.50";
    assert_eq!(otp(direct, "198.51.100.20", "13800000005").await, 202);
    assert_eq!(otp(direct, "198.51.100.21", "13800000006").await, 202);
    assert_eq!(otp(direct, "198.51.100.22", "13800000007").await, 429);
}
