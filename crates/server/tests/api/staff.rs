//! Staff coupon grants: from the program's menu, with a reason, audited, idempotent.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestResponse;
use crate::support::{members_with, world, World, PHONE_A};

async fn grant(w: &World, token: &str, key: Option<&str>, body: &Value) -> TestResponse {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    w.app
        .call_with(
            Method::POST,
            "/api/staff/coupons",
            &headers,
            None,
            Some(body),
        )
        .await
}

#[tokio::test]
async fn staff_grant_a_coupon_with_a_reason_once_and_audited() {
    let w = world("2027-03-10T12:00:00+08:00").await;
    let a = w.id(&w.a).await;
    let (staff_id, staff) = members_with(&w.app, 1, 0, "regular").await.remove(0);
    sqlx::query("UPDATE members SET role = 'staff' WHERE id = $1")
        .bind(&staff_id)
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let body = json!({ "phone": PHONE_A, "grant_id": "goodwill-10", "reason": "late parcel" });
    let coupons = "SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND source = 'staff'";
    let audits = "SELECT COUNT(*) FROM audit_log";

    // Refusals first: nothing is issued or audited by any of them.
    grant(&w, &w.a, Some("k"), &body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    grant(&w, &staff, None, &body)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "idempotency_key_required");
    let cases = [
        (
            json!({ "phone": PHONE_A, "grant_id": "nope", "reason": "x" }),
            StatusCode::NOT_FOUND,
            "grant_not_found",
        ),
        (
            json!({ "phone": PHONE_A, "grant_id": "goodwill-10", "reason": " " }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
        ),
        (
            json!({ "member_id": "m_nobody", "grant_id": "goodwill-10", "reason": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "member_not_found",
        ),
        (
            json!({ "grant_id": "goodwill-10", "reason": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_member",
        ),
    ];
    for (bad, status, code) in cases {
        grant(&w, &staff, Some("k"), &bad)
            .await
            .assert_error(status, code);
    }
    assert_eq!(w.app.scalar(coupons, &[&a]).await, 0);
    assert_eq!(w.app.scalar(audits, &[]).await, 0);

    let first = grant(&w, &staff, Some("k"), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());
    let answer = first.json();
    assert_eq!(answer["member_id"], json!(a));
    assert_eq!(answer["granted_by"], json!(staff_id));
    // The coupon itself, as the member's wallet has it: the counter shows it from here.
    let wallet = w
        .app
        .call(Method::GET, "/api/me/coupons", Some(&w.a), None)
        .await
        .json();
    let in_wallet = wallet["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == answer["coupon_id"])
        .expect("the granted coupon in the wallet")
        .clone();
    assert_eq!(answer["coupon"], in_wallet);
    assert_eq!(answer["coupon"]["source"], "staff");
    assert_eq!(answer["coupon"]["status"], "available");
    let again = grant(&w, &staff, Some("k"), &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, first.body);
    let mut other = body.clone();
    other["reason"] = json!("another");
    grant(&w, &staff, Some("k"), &other)
        .await
        .assert_error(StatusCode::CONFLICT, "idempotency_conflict");
    assert_eq!(w.app.scalar(coupons, &[&a]).await, 1);
    let (actor, member, detail): (String, String, String) =
        sqlx::query_as("SELECT actor_id, member_id, detail FROM audit_log")
            .fetch_one(&w.app.state.db)
            .await
            .unwrap();
    assert_eq!((actor, member), (staff_id, a));
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["reason"], "late parcel");
    assert_eq!(detail["coupon_id"], answer["coupon_id"]);
}
