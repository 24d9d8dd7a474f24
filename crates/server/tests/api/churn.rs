//! Churn risk (issue 40): who is on the list (bought before, not in the program's
//! `console.churn_after_days`), in what order, and a coupon granted to the whole list once
//! however often the admin clicks.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::support::{members_with, order, world, PHONE_A, PHONE_B};

const ADMIN: &str = "13500000009";
const PHONE_C: &str = "13900000003";
const PHONE_D: &str = "13900000004";
/// 120 days before `NOW`: past the default 90.
const LONG_AGO: &str = "2026-11-10T12:00:00+08:00";
const NOW: &str = "2027-03-10T12:00:00+08:00";

async fn admin(app: &TestApp) -> String {
    member_center::cli::create_user(&app.state.db, "admin", ADMIN, None)
        .await
        .unwrap();
    app.login(ADMIN).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
    res.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["phone_masked"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_holds_who_bought_before_but_not_lately_the_most_valuable_first() {
    let mut w = world(LONG_AGO).await;
    let c = w.app.login(PHONE_C).await;
    let d = w.app.login(PHONE_D).await;
    for (id, phone, fen) in [
        ("o-a", PHONE_A, 600_000),
        ("o-b", PHONE_B, 100_000),
        ("o-d", PHONE_D, 300_000),
    ] {
        let res = w.post_order(&order(id, phone, LONG_AGO, fen)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    // B buys again lately; C never bought.
    w.app.set_now("2027-03-01T12:00:00+08:00");
    let res = w
        .post_order(&order("o-b2", PHONE_B, "2027-03-01T10:00:00+08:00", 10_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    w.app.set_now(NOW);
    w.login_again().await;
    let _ = (c, d);
    let token = admin(&w.app).await;

    let page = get(&w.app, &token, "/api/admin/churn").await;
    assert_eq!(ids(&page), ["139****0001", "139****0004"]);
    assert_eq!(page["cutoff"], "2026-12-10T12:00:00+08:00");
    let a = &page["members"][0];
    let me = w.me(&w.a).await;
    assert_eq!(a["id"], me["id"]);
    assert_eq!(a["tier"], me["tier"]);
    assert_eq!(a["points_balance"], me["points_balance"]);
    assert_eq!(a["lifetime_spend_fen"], me["lifetime_spend_fen"]);
    assert_eq!(a["last_order_at"], "2026-11-10T12:00:00+08:00");

    assert_eq!(a["points_expiring"], 0, "a year and more to go");
    // Within the warning window: every lot of A's, all their points.
    let soon = chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .timestamp_millis()
        + 10 * 86_400_000;
    sqlx::query("UPDATE point_lots SET expires_at_ms = $1 WHERE member_id = $2")
        .bind(soon)
        .bind(a["id"].as_str().unwrap())
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let page = get(&w.app, &token, "/api/admin/churn").await;
    assert_eq!(page["members"][0]["points_expiring"], me["points_balance"]);

    // By tier; a page at a time.
    let d_tier = page["members"][1]["tier"].as_str().unwrap().to_owned();
    let by_tier = get(&w.app, &token, &format!("/api/admin/churn?tier={d_tier}")).await;
    assert_eq!(ids(&by_tier), ["139****0004"]);
    let first = get(&w.app, &token, "/api/admin/churn?limit=1").await;
    assert_eq!(ids(&first), ["139****0001"]);
    let next = first["next_after"].as_str().unwrap();
    let second = get(
        &w.app,
        &token,
        &format!("/api/admin/churn?limit=1&after={next}"),
    )
    .await;
    assert_eq!(ids(&second), ["139****0004"]);

    for (query, status, code) in [
        ("tier=obsidian", StatusCode::BAD_REQUEST, "invalid_request"),
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY, "invalid_limit"),
        (
            "after=nope",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_cursor",
        ),
        ("since=1", StatusCode::UNPROCESSABLE_ENTITY, "invalid_query"),
    ] {
        w.app
            .call(
                Method::GET,
                &format!("/api/admin/churn?{query}"),
                Some(&token),
                None,
            )
            .await
            .assert_error(status, code);
    }

    let csv = w
        .app
        .call(Method::GET, "/api/admin/churn.csv", Some(&token), None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(&csv.body[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let phones: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(phones, ["139****0001", "139****0004"]);
    assert_eq!(&rows[0][5], "600000");
}

async fn grant(
    app: &TestApp,
    token: &str,
    key: &str,
    body: &Value,
) -> crate::helpers::TestResponse {
    let auth = format!("Bearer {token}");
    let headers = [("authorization", auth.as_str()), ("idempotency-key", key)];
    app.call_with(
        Method::POST,
        "/api/admin/churn/grants",
        &headers,
        None,
        Some(body),
    )
    .await
}

async fn wait_done(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let batch = get(app, token, &format!("/api/admin/churn/grants/{id}")).await;
        if batch["status"] == "done" {
            return batch;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the batch {id} never finished");
}

#[tokio::test]
async fn a_list_of_5000_granted_twice_with_one_key_gets_5000_coupons() {
    let w = world(NOW).await;
    let token = admin(&w.app).await;
    let at_risk = members_with(&w.app, 5_000, 0, "silver").await;
    // Their last orders, four months back.
    sqlx::query(
        "UPDATE members SET last_order_at_ms = $1, lifetime_spend_fen = 80000 \
         WHERE role = 'member' AND id IN (SELECT id FROM members WHERE tier = 'silver')",
    )
    .bind(
        chrono::DateTime::parse_from_rfc3339(LONG_AGO)
            .unwrap()
            .timestamp_millis(),
    )
    .execute(&w.app.state.db)
    .await
    .unwrap();
    assert_eq!(at_risk.len(), 5_000);
    let coupons = || {
        w.app.scalar(
            "SELECT COUNT(*) FROM coupons WHERE issue_key LIKE 'batch:%'",
            &[],
        )
    };
    let body = json!({ "grant_id": "goodwill-10", "reason": "流失召回：三月", "tier": "silver" });

    let (first, second) = tokio::join!(
        grant(&w.app, &token, "recall-03", &body),
        grant(&w.app, &token, "recall-03", &body)
    );
    let statuses = [first.status, second.status];
    assert!(statuses.contains(&StatusCode::ACCEPTED), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    let id = first.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(second.json()["id"], id.as_str());
    assert_eq!(first.json()["total"], 5_000);
    let done = wait_done(&w.app, &token, &id).await;
    assert_eq!(done["granted"], 5_000);
    assert_eq!(coupons().await, 5_000);

    // Clicked again after the end: the same batch, nothing more.
    let again = grant(&w.app, &token, "recall-03", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], id.as_str());
    wait_done(&w.app, &token, &id).await;
    assert_eq!(coupons().await, 5_000);
    let other = json!({ "grant_id": "goodwill-10", "reason": "another", "tier": "silver" });
    grant(&w.app, &token, "recall-03", &other)
        .await
        .assert_error(StatusCode::CONFLICT, "idempotency_conflict");

    // Each grant is audited, with the batch it came in.
    let audited = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'coupon_grant' AND detail LIKE $1",
            &[&format!("%{id}%")],
        )
        .await;
    assert_eq!(audited, 5_000);
    // The members' own wallets show it.
    let wallet = get(&w.app, &at_risk[17].1, "/api/me/coupons").await;
    assert!(wallet.to_string().contains("客服关怀"), "{wallet}");
}

#[tokio::test]
async fn a_batch_left_running_is_finished_by_the_next_walk_without_doubles() {
    let w = world(NOW).await;
    let token = admin(&w.app).await;
    members_with(&w.app, 450, 0, "gold").await;
    sqlx::query("UPDATE members SET last_order_at_ms = 0 WHERE tier = 'gold'")
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let body = json!({ "grant_id": "goodwill-10", "reason": "召回", "tier": "gold" });
    let made = grant(&w.app, &token, "k", &body).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text());
    let id = made.json()["id"].as_str().unwrap().to_owned();
    wait_done(&w.app, &token, &id).await;
    // As if a server stopped half way: the batch running again, its walk back at the start.
    sqlx::query(
        "UPDATE grant_batches SET status = 'running', after_id = '', finished_at_ms = NULL",
    )
    .execute(&w.app.state.db)
    .await
    .unwrap();
    let (db, program, clock) = (&w.app.state.db, &w.app.state.program, &w.app.state.clock);
    member_center::workflows::churn::resume_all(db, program, clock)
        .await
        .unwrap();
    member_center::workflows::churn::run_batch(db, &program.program, clock, &id)
        .await
        .unwrap();
    let batch = wait_done(&w.app, &token, &id).await;
    assert_eq!(batch["granted"], 450);
    let coupons = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM coupons WHERE issue_key LIKE 'batch:%'",
            &[],
        )
        .await;
    assert_eq!(coupons, 450);
}
