//! The console's members (issue 40): found by full phone (audited), their page, their
//! points adjusted with a reason (admins only, within the program's limit, idempotent,
//! audited, shown in the member's own history).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{order, world, World, PHONE_A};

const ADMIN: &str = "13700000009";
const ANALYST: &str = "13700000008";
const NOW: &str = "2027-03-10T12:00:00+08:00";

struct Operators {
    admin: String,
    analyst: String,
}

async fn operators(w: &World) -> Operators {
    for (phone, role) in [(ADMIN, "admin"), (ANALYST, "analyst")] {
        member_center::cli::create_user(&w.app.state.db, role, phone, None)
            .await
            .unwrap();
    }
    Operators {
        admin: w.app.login(ADMIN).await,
        analyst: w.app.login(ANALYST).await,
    }
}

async fn adjust(
    w: &World,
    token: &str,
    id: &str,
    key: Option<&str>,
    body: &Value,
) -> crate::helpers::TestResponse {
    let path = format!("/api/admin/members/{id}/points");
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    w.app
        .call_with(Method::POST, &path, &headers, None, Some(body))
        .await
}

async fn balance(w: &World) -> i64 {
    w.me(&w.a).await["points_balance"].as_i64().unwrap()
}

#[tokio::test]
async fn an_admin_finds_a_member_reads_their_page_and_adjusts_their_points() {
    let w = world(NOW).await;
    let ops = operators(&w).await;
    let paid = w
        .post_order(&order("o-1", PHONE_A, "2027-03-10T10:00:00+08:00", 600_000))
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text());
    assert_eq!(
        w.refund("o-1", "r-1", 10_000).await.status,
        StatusCode::CREATED
    );

    let found = w
        .app
        .call(
            Method::POST,
            "/api/admin/members/lookup",
            Some(&ops.analyst),
            Some(&json!({ "phone": PHONE_A })),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    let id = found.json()["member_id"].as_str().unwrap().to_owned();
    assert_eq!(id, w.id(&w.a).await);
    w.app
        .call(
            Method::POST,
            "/api/admin/members/lookup",
            Some(&ops.analyst),
            Some(&json!({ "phone": "13900000099" })),
        )
        .await
        .assert_error(StatusCode::NOT_FOUND, "member_not_found");

    let page = w
        .app
        .call(
            Method::GET,
            &format!("/api/admin/members/{id}"),
            Some(&ops.analyst),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.json();
    let me = w.me(&w.a).await;
    assert_eq!(page["summary"]["points_balance"], me["points_balance"]);
    assert_eq!(page["summary"]["tier"], me["tier"]);
    assert_eq!(page["orders"][0]["id"], "o-1");
    assert_eq!(page["orders"][0]["refunded_fen"], 10_000);
    let tier_change = &page["tier_changes"][0];
    assert_eq!(
        (
            &tier_change["from"],
            &tier_change["to"],
            &tier_change["cause"],
            &tier_change["order_id"]
        ),
        (
            &json!("regular"),
            &me["tier"],
            &json!("order"),
            &json!("o-1")
        )
    );
    assert!(
        page["ledger"].as_array().unwrap().len() >= 2,
        "{}",
        page["ledger"]
    );
    assert!(
        !page["coupons"].as_array().unwrap().is_empty(),
        "the welcome coupons"
    );
    assert_eq!(page["audit"][0]["action"], "member_lookup");
    assert_eq!(page["audit"][0]["detail"]["via"], "console");

    // Added with a reason, once for a key however often it is sent.
    let before = balance(&w).await;
    let body = json!({ "points": 300, "reason": "客服补偿：物流延误" });
    let added = adjust(&w, &ops.admin, &id, Some("adj-1"), &body).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(added.json()["points_balance"], before + 300);
    let again = adjust(&w, &ops.admin, &id, Some("adj-1"), &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.json(), added.json());
    let other = json!({ "points": 301, "reason": "x" });
    adjust(&w, &ops.admin, &id, Some("adj-1"), &other)
        .await
        .assert_error(StatusCode::CONFLICT, "idempotency_conflict");
    assert_eq!(balance(&w).await, before + 300);
    let mine = w.ledger(&w.a).await;
    let last = mine.last().unwrap();
    assert_eq!(
        (&last["kind"], &last["points"]),
        (&json!("adjustment"), &json!(300))
    );
    assert!(
        !last.to_string().contains("物流"),
        "the reason stays with the operators"
    );

    // Taken back, to exactly zero at most.
    let all = before + 300;
    let too_much = json!({ "points": -(all + 1), "reason": "误发" });
    adjust(&w, &ops.admin, &id, Some("adj-2"), &too_much)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "insufficient_points");
    let back = json!({ "points": -300, "reason": "误发" });
    let taken = adjust(&w, &ops.admin, &id, Some("adj-3"), &back).await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.text());
    assert_eq!(balance(&w).await, before);

    let log = w
        .app
        .call(
            Method::GET,
            &format!("/api/admin/audit?member={id}&action=points_adjustment"),
            Some(&ops.analyst),
            None,
        )
        .await
        .json();
    let reasons: Vec<(&Value, &Value)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["detail"]["points"], &e["detail"]["reason"]))
        .collect();
    assert_eq!(
        reasons,
        [
            (&json!(-300), &json!("误发")),
            (&json!(300), &json!("客服补偿：物流延误"))
        ]
    );
}

/// Who, with which key, for whom, the body; the refusal's status and code.
type Case<'a> = (
    &'a str,
    Option<&'a str>,
    &'a str,
    Value,
    StatusCode,
    &'a str,
);

#[tokio::test]
async fn a_refused_adjustment_changes_nothing() {
    let w = world(NOW).await;
    let ops = operators(&w).await;
    let id = w.id(&w.a).await;
    let before = balance(&w).await;
    let entries = w.ledger(&w.a).await.len();
    let over = json!({ "points": 10_001, "reason": "r" });
    let cases: [Case; 7] = [
        (
            &ops.admin,
            Some("k1"),
            &id,
            json!({ "points": 0, "reason": "r" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_adjustment",
        ),
        (
            &ops.admin,
            Some("k2"),
            &id,
            over,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_adjustment",
        ),
        (
            &ops.admin,
            Some("k3"),
            &id,
            json!({ "points": 5, "reason": "  " }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
        ),
        (
            &ops.admin,
            None,
            &id,
            json!({ "points": 5, "reason": "r" }),
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
        ),
        (
            &ops.admin,
            Some("k4"),
            "m_nobody",
            json!({ "points": 5, "reason": "r" }),
            StatusCode::NOT_FOUND,
            "member_not_found",
        ),
        (
            &ops.admin,
            Some("k5"),
            &id,
            json!({ "points": 5.5, "reason": "r" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            &ops.analyst,
            Some("k6"),
            &id,
            json!({ "points": 5, "reason": "r" }),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ];
    for (token, key, member, body, status, code) in cases {
        adjust(&w, token, member, key, &body)
            .await
            .assert_error(status, code);
    }
    assert_eq!(balance(&w).await, before);
    assert_eq!(w.ledger(&w.a).await.len(), entries);
    let adjustments = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'points_adjustment'",
            &[],
        )
        .await;
    assert_eq!(adjustments, 0);
}

/// Eight clicks at once with one key: one adjustment.
#[tokio::test]
async fn concurrent_retries_of_one_adjustment_apply_it_once() {
    let w = world(NOW).await;
    let ops = operators(&w).await;
    let id = w.id(&w.a).await;
    let before = balance(&w).await;
    let body = json!({ "points": 50, "reason": "活动补发" });
    let tries = (0..8).map(|_| adjust(&w, &ops.admin, &id, Some("same"), &body));
    let answers = futures_util::future::join_all(tries).await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let replayed = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(
        (created, replayed),
        (1, 7),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(balance(&w).await, before + 50);
}
