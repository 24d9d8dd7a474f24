//! The dashboard's figures (issue 40), each computed here from the raw rows by a
//! straightforward query of its own and compared with the API's answer, over a dataset
//! built through the real flows with its edges: members who joined before the range and
//! in it, a store join link, an invite, an operator's account, a refund across the range's
//! start, a store that reported sales and periods without any report, points expiring on
//! January 1 local time.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::support::{order, world, World, PHONE_A, PHONE_B};

const ADMIN: &str = "13500000009";
const PHONE_C: &str = "13900000003";
const PHONE_D: &str = "13900000004";

/// The range: March 1 to 10, 2027; the period before: February 19 to 28.
const FROM: &str = "2027-03-01";
const TO: &str = "2027-03-10";

async fn dashboard(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .call(
            Method::GET,
            &format!("/api/admin/dashboard?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text());
    res.json()
}

/// An instant's milliseconds.
fn at(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
        .to_string()
}

/// Local midnights (+08:00) bounding a period of dates, both included.
fn bounds(from: &str, to: &str) -> (String, String) {
    let next = to.parse::<chrono::NaiveDate>().unwrap().succ_opt().unwrap();
    (
        at(&format!("{from}T00:00:00+08:00")),
        at(&format!("{next}T00:00:00+08:00")),
    )
}

async fn count(app: &TestApp, sql: &str, (from, to): &(String, String)) -> i64 {
    let sql = sql.replace("$FROM", from).replace("$TO", to);
    app.scalar(&sql, &[]).await
}

/// Moves the clock and logs the two world members in again.
async fn at_time(w: &mut World, now: &str) {
    w.app.set_now(now);
    w.login_again().await;
}

#[tokio::test]
async fn every_figure_equals_its_own_count_of_the_raw_rows() {
    // The period before: C registers and buys; the order is refunded in the range.
    let mut w = world("2027-02-20T10:00:00+08:00").await;
    w.app.login(PHONE_C).await;
    at_time(&mut w, "2027-02-27T21:00:00+08:00").await;
    let res = w
        .post_order(&order("o-c", PHONE_C, "2027-02-27T20:00:00+08:00", 30_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    // The range: D by a store's join link, the admin's account, A's invite accepted by B
    // (A and B registered before: they are the world's), orders and a refund.
    at_time(&mut w, "2027-03-02T09:00:00+08:00").await;
    member_center::db::stores::upsert(&w.app.state.db, "SH001", "上海静安店", 0)
        .await
        .unwrap();
    w.app.login_with(PHONE_D, json!({ "store": "SH001" })).await;
    member_center::cli::create_user(&w.app.state.db, "admin", ADMIN, None)
        .await
        .unwrap();
    let admin = w.app.login(ADMIN).await;
    // F registers by phone and accepts A's invite.
    let code = w
        .app
        .call(Method::GET, "/api/me/invite", Some(&w.a), None)
        .await
        .json()["code"]
        .clone();
    let f = w.app.login("13900000006").await;
    let accepted = w
        .app
        .call(
            Method::POST,
            "/api/invites/accept",
            Some(&f),
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text());
    // (The command line's account is made at the machine's time; this one at the test's.)
    let analyst = json!({ "phone": "13600000005", "role": "analyst" });
    let made = w
        .app
        .call(
            Method::POST,
            "/api/admin/users",
            Some(&admin),
            Some(&analyst),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text());
    let res = w
        .post_order(&order("o-a", PHONE_A, "2027-03-02T08:00:00+08:00", 600_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(
        w.refund("o-c", "r-c", 10_000).await.status,
        StatusCode::CREATED
    );
    let shop = w.shop.clone();
    let report = |date: &'static str, fen: i64| {
        let app = &w.app;
        let shop = shop.clone();
        async move {
            let body = json!({ "total_fen": fen, "order_count": 3 });
            let path = format!("/api/v1/stores/SH001/sales/{date}");
            app.call(Method::PUT, &path, Some(&shop), Some(&body)).await
        }
    };
    assert_eq!(
        report("2027-03-02", 1_000_000).await.status,
        StatusCode::CREATED
    );
    // A second report of a day replaces the first.
    assert_eq!(report("2027-03-02", 1_200_000).await.status, StatusCode::OK);

    let d = dashboard(&w.app, &admin, &format!("from={FROM}&to={TO}")).await;
    assert_eq!(
        (d["previous_from"].as_str(), d["previous_to"].as_str()),
        (Some("2027-02-19"), Some("2027-02-28"))
    );
    assert_eq!(d["bucket"], "day");
    let now = bounds(FROM, TO);
    let before = bounds("2027-02-19", "2027-02-28");
    let figure = |name: &str| {
        (
            d[name]["current"].as_i64().unwrap(),
            d[name]["previous"].as_i64().unwrap(),
        )
    };

    // New members.
    let joined = "SELECT COUNT(*) FROM members WHERE created_at_ms >= $FROM AND created_at_ms < $TO AND NOT is_demo";
    assert_eq!(
        figure("new_members"),
        (
            count(&w.app, joined, &now).await,
            count(&w.app, joined, &before).await
        )
    );
    assert_eq!(
        figure("new_members"),
        (3, 3),
        "D, F and the analyst; A, B and C"
    );
    let trend_sum: i64 = d["new_members"]["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_i64().unwrap())
        .sum();
    assert_eq!(trend_sum, 3);
    assert_eq!(d["new_members"]["trend"].as_array().unwrap().len(), 10);
    assert_eq!(
        d["new_members"]["trend"][1],
        json!({ "from": "2027-03-02", "to": "2027-03-02", "value": 3 })
    );
    let channels: Vec<(&str, i64)> = d["new_members_by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["key"].as_str().unwrap(), p["current"].as_i64().unwrap()))
        .collect();
    for channel in ["store_qr", "operator", "invite"] {
        assert!(channels.contains(&(channel, 1)), "{channels:?}");
    }
    let stores = &d["new_members_by_store"];
    assert!(
        stores
            .as_array()
            .unwrap()
            .contains(&json!({ "key": "SH001", "current": 1, "previous": 0 })),
        "{stores}"
    );

    // Active members: signed in, checked in, redeemed or ordered; each once.
    let active = |from: &str, to: &str, (a, b): &(String, String)| {
        format!(
            "SELECT COUNT(*) FROM (SELECT member_id FROM member_days WHERE day >= '{from}' \
             AND day <= '{to}' UNION SELECT member_id FROM orders WHERE paid_at_ms >= {a} \
             AND paid_at_ms < {b}) AS m"
        )
    };
    let active_now = w.app.scalar(&active(FROM, TO, &now), &[]).await;
    let active_before = w
        .app
        .scalar(&active("2027-02-19", "2027-02-28", &before), &[])
        .await;
    assert_eq!(figure("active_members"), (active_now, active_before));
    assert_eq!(
        (active_now, active_before),
        (5, 3),
        "A, B, D, F, the admin; A, B, C"
    );
    let registered = w
        .app
        .scalar("SELECT COUNT(*) FROM members WHERE NOT is_demo", &[])
        .await;
    assert_eq!(d["active_share_bp"], active_now * 10_000 / registered);
    let march_2 = &d["daily_active"][1];
    assert_eq!(march_2["date"], "2027-03-02");
    assert_eq!(march_2["active"], 5);
    assert_eq!(march_2["share_bp"], 5 * 10_000 / registered);

    // Members' sales: what was paid less refunds, on the order's paid day.
    let sales = "SELECT COALESCE(CAST(SUM(payable_fen - refunded_fen) AS BIGINT), 0) FROM orders WHERE paid_at_ms >= $FROM AND paid_at_ms < $TO";
    assert_eq!(
        figure("member_sales_fen"),
        (
            count(&w.app, sales, &now).await,
            count(&w.app, sales, &before).await
        )
    );
    assert!(
        figure("member_sales_fen").1 > 0 && figure("member_sales_fen").1 < 30_000 + 1_000,
        "refunded in the range, counted on the paid day"
    );
    assert_eq!(figure("reported_sales_fen"), (1_200_000, 0));
    let share = figure("member_sales_fen").0 * 10_000 / 1_200_000;
    assert_eq!(d["member_share_bp"], share);
    assert!(
        d.get("previous_member_share_bp").is_none(),
        "nothing reported before: no share, not 0 %"
    );

    // Points.
    let issued = "SELECT COALESCE(CAST(SUM(points) AS BIGINT), 0) FROM points_ledger WHERE at_ms >= $FROM AND at_ms < $TO AND points > 0 AND kind <> 'refund_return'";
    assert_eq!(
        figure("points_issued"),
        (
            count(&w.app, issued, &now).await,
            count(&w.app, issued, &before).await
        )
    );
    assert!(figure("points_issued").0 > 0);
    let redeemed = "SELECT COALESCE(CAST(-SUM(points) AS BIGINT), 0) FROM points_ledger WHERE at_ms >= $FROM AND at_ms < $TO AND kind IN ('points_used', 'mall')";
    assert_eq!(
        figure("points_redeemed"),
        (
            count(&w.app, redeemed, &now).await,
            count(&w.app, redeemed, &before).await
        )
    );
    let outstanding = w
        .app
        .scalar(
            "SELECT CAST(SUM(points_balance) AS BIGINT) FROM members WHERE points_balance > 0",
            &[],
        )
        .await;
    assert_eq!(d["points_outstanding"], outstanding);
    assert_eq!(
        d["points_liability_fen"], outstanding,
        "100 points = ¥1 = 100 fen"
    );

    // Coupons.
    let coupons =
        "SELECT COUNT(*) FROM coupons WHERE created_at_ms >= $FROM AND created_at_ms < $TO";
    assert_eq!(
        figure("coupons_issued"),
        (
            count(&w.app, coupons, &now).await,
            count(&w.app, coupons, &before).await
        )
    );
    let welcome = "SELECT COUNT(*) FROM coupons WHERE created_at_ms >= $FROM AND created_at_ms < $TO AND source = 'welcome'";
    let by_source = d["coupons_issued_by_source"].as_array().unwrap();
    let welcome_part = by_source
        .iter()
        .find(|p| p["key"] == "welcome")
        .expect("welcome coupons");
    assert_eq!(welcome_part["current"], count(&w.app, welcome, &now).await);
    let used = "SELECT COUNT(*) FROM coupons WHERE used_at_ms >= $FROM AND used_at_ms < $TO";
    assert_eq!(
        figure("coupons_used"),
        (
            count(&w.app, used, &now).await,
            count(&w.app, used, &before).await
        )
    );

    // Tiers: A's order made them the top tier (an upgrade in the range).
    let per_tier: i64 = d["members_per_tier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["current"].as_i64().unwrap())
        .sum();
    assert_eq!(
        per_tier,
        w.app
            .scalar("SELECT COUNT(*) FROM members WHERE NOT is_demo", &[])
            .await
    );
    let upgrades = "SELECT COUNT(*) FROM tier_changes WHERE at_ms >= $FROM AND at_ms < $TO";
    assert_eq!(figure("upgrades").0, count(&w.app, upgrades, &now).await);
    assert_eq!(figure("upgrades").0, 1);
    assert_eq!(
        d["upgrades"]["change_percent"],
        Value::Null,
        "none before: no change to show"
    );

    // No report at all in a range: "not reported".
    let quiet = dashboard(&w.app, &admin, "from=2027-02-01&to=2027-02-10").await;
    assert!(
        quiet.get("reported_sales_fen").is_none() && quiet.get("member_share_bp").is_none(),
        "{quiet}"
    );
    let _ = PHONE_B;
}

#[tokio::test]
async fn points_that_expire_on_january_1_count_on_january_1_local_time() {
    let mut w = world("2025-12-15T10:00:00+08:00").await;
    let res = w
        .post_order(&order("o-1", PHONE_A, "2025-12-15T09:00:00+08:00", 50_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let earned = w.me(&w.a).await["points_balance"].as_i64().unwrap();
    assert!(earned > 0);
    // Expired as of 2027-01-01 00:00 +08:00 (2026-12-31 16:00 UTC), recorded by the job.
    at_time(&mut w, "2027-01-02T10:00:00+08:00").await;
    member_center::workflows::jobs::run(
        &w.app.state.db,
        &w.app.state.program.program,
        "2027-01-02".parse().unwrap(),
    )
    .await
    .unwrap();
    member_center::cli::create_user(&w.app.state.db, "analyst", ADMIN, None)
        .await
        .unwrap();
    let analyst = w.app.login(ADMIN).await;
    let jan1 = dashboard(&w.app, &analyst, "from=2027-01-01&to=2027-01-01").await;
    assert_eq!(jan1["points_expired"]["current"], earned);
    assert_eq!(
        jan1["points_expired"]["previous"], 0,
        "not on Dec 31, as UTC would have it"
    );
}

#[tokio::test]
async fn a_range_that_makes_no_sense_is_refused() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    member_center::cli::create_user(&w.app.state.db, "analyst", ADMIN, None)
        .await
        .unwrap();
    let analyst = w.app.login(ADMIN).await;
    let d = dashboard(&w.app, &analyst, "").await;
    assert_eq!(
        (d["from"].as_str(), d["to"].as_str()),
        (Some("2027-02-09"), Some("2027-03-10")),
        "30 days to today"
    );
    assert_eq!(
        dashboard(&w.app, &analyst, "from=2026-01-01&to=2027-03-10").await["bucket"],
        "month"
    );
    for (query, code) in [
        ("from=2027-3-1", "invalid_date"),
        ("from=2027-03-05&to=2027-03-01", "invalid_range"),
        ("from=2024-01-01&to=2027-03-10", "invalid_range"),
        ("range=7d", "invalid_query"),
    ] {
        w.app
            .call(
                Method::GET,
                &format!("/api/admin/dashboard?{query}"),
                Some(&analyst),
                None,
            )
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    // A store's report: a store that exists, a day begun, amounts not negative.
    let put = |path: &str, body: Value| {
        let (app, shop, path) = (&w.app, w.shop.clone(), path.to_owned());
        async move { app.call(Method::PUT, &path, Some(&shop), Some(&body)).await }
    };
    let ok = json!({ "total_fen": 100, "order_count": 1 });
    put("/api/v1/stores/NOPE/sales/2027-03-01", ok.clone())
        .await
        .assert_error(StatusCode::NOT_FOUND, "store_not_found");
    member_center::db::stores::upsert(&w.app.state.db, "SH001", "x", 0)
        .await
        .unwrap();
    put("/api/v1/stores/SH001/sales/2027-03-11", ok.clone())
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_date");
    put("/api/v1/stores/SH001/sales/03-01", ok.clone())
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_date");
    put(
        "/api/v1/stores/SH001/sales/2027-03-01",
        json!({ "total_fen": -1, "order_count": 1 }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_amount");
    w.app
        .call(
            Method::PUT,
            "/api/v1/stores/SH001/sales/2027-03-01",
            None,
            Some(&ok),
        )
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    assert_eq!(
        w.app.scalar("SELECT COUNT(*) FROM store_sales", &[]).await,
        0
    );
}

#[tokio::test]
async fn a_campaign_window_in_two_hour_buckets() {
    let mut w = world("2027-06-01T09:00:00+08:00").await;
    at_time(&mut w, "2027-06-01T11:30:00+08:00").await;
    w.app.login(PHONE_C).await;
    at_time(&mut w, "2027-06-01T12:00:30+08:00").await;
    for (id, phone, paid, fen) in [
        ("o-1", PHONE_A, "2027-06-01T10:15:00+08:00", 20_000),
        ("o-2", PHONE_B, "2027-06-01T11:59:59+08:00", 30_000),
    ] {
        let res = w.post_order(&order(id, phone, paid, fen)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    at_time(&mut w, "2027-06-02T23:59:00+08:00").await;
    let res = w
        .post_order(&order("o-3", PHONE_A, "2027-06-02T23:58:00+08:00", 10_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    member_center::cli::create_user(&w.app.state.db, "analyst", ADMIN, None)
        .await
        .unwrap();
    let analyst = w.app.login(ADMIN).await;

    let path = "/api/admin/campaign?from=2027-06-01&to=2027-06-02";
    let res = w.app.call(Method::GET, path, Some(&analyst), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let buckets = res.json()["buckets"].as_array().unwrap().clone();
    assert_eq!(buckets.len(), 24);
    assert_eq!(buckets[0]["start"], "2027-06-01T00:00:00+08:00");
    assert_eq!(buckets[5]["start"], "2027-06-01T10:00:00+08:00");
    let cell = |i: usize, name: &str| buckets[i][name].as_i64().unwrap();
    assert_eq!(
        (cell(4, "registrations"), cell(5, "registrations")),
        (2, 1),
        "A, B at 09:00; C at 11:30"
    );
    let ten_to_noon = format!(
        "SELECT CAST(SUM(payable_fen - refunded_fen) AS BIGINT) FROM orders \
         WHERE paid_at_ms >= {} AND paid_at_ms < {}",
        at("2027-06-01T10:00:00+08:00"),
        at("2027-06-01T12:00:00+08:00")
    );
    assert_eq!(cell(5, "orders"), 2, "10:15 and 11:59:59");
    assert_eq!(cell(5, "sales_fen"), w.app.scalar(&ten_to_noon, &[]).await);
    assert_eq!(cell(23, "orders"), 1);
    // Every bucket against the raw rows.
    let orders: i64 = buckets.iter().map(|b| b["orders"].as_i64().unwrap()).sum();
    let (from, to) = bounds("2027-06-01", "2027-06-02");
    let raw =
        format!("SELECT COUNT(*) FROM orders WHERE paid_at_ms >= {from} AND paid_at_ms < {to}");
    assert_eq!(orders, w.app.scalar(&raw, &[]).await);

    for (query, code) in [
        ("from=2027-06-02&to=2027-06-01", "invalid_range"),
        ("from=2027-06-01&to=2027-07-02", "invalid_range"),
        ("from=2027-06-01", "invalid_query"),
        ("from=06-01&to=2027-06-02", "invalid_date"),
    ] {
        w.app
            .call(
                Method::GET,
                &format!("/api/admin/campaign?{query}"),
                Some(&analyst),
                None,
            )
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
}
