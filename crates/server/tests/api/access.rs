//! Who may call what: every member endpoint needs a live session and only ever reads or
//! changes that session's member; the shop's endpoints need an API key, and a session is
//! not one (nor a key a session).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestResponse;
use crate::support::{order, world, World, PHONE_A, PHONE_B};

const NOW: &str = "2026-03-10T12:00:00+08:00";
const PAID: &str = "2026-03-10T11:00:00+08:00";

/// Every endpoint that needs a member's session, with a body that would be valid.
fn member_endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/me", None),
        (
            Method::PATCH,
            "/api/me",
            Some(json!({ "nickname": "x", "birthday": "2000-01-01" })),
        ),
        (Method::DELETE, "/api/me", None),
        (Method::GET, "/api/me/points", None),
        (Method::GET, "/api/me/points?kind=earn&limit=5", None),
        (Method::POST, "/api/me/checkin", None),
        (Method::GET, "/api/me/export", None),
    ]
}

async fn as_cookie(w: &World, method: Method, path: &str, token: &str) -> TestResponse {
    let cookie = format!("mc_session={token}");
    w.app
        .call_with(method, path, &[("cookie", &cookie)], None, None)
        .await
}

/// A's state as seen by A: what no other caller may change.
async fn a_state(w: &World) -> (Value, Vec<Value>) {
    let mut me = w.me(&w.a).await;
    me.as_object_mut().unwrap().remove("now");
    (me, w.ledger(&w.a).await)
}

#[tokio::test]
async fn without_a_live_session_every_member_endpoint_is_401() {
    let w = world(NOW).await;
    w.post_order(&order("SO-1", PHONE_A, PAID, 30_000)).await;
    let before = a_state(&w).await;
    // A session that was logged out.
    w.app.set_now("2026-03-10T12:01:00+08:00");
    let dead = w.app.login(PHONE_A).await;
    let res = w
        .app
        .call(Method::POST, "/api/auth/logout", Some(&dead), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);

    let shop = w.shop.clone();
    let credentials: [Option<&str>; 5] = [
        None,
        Some("not-a-token"),
        Some(&dead),
        // A shop's API key is not a session.
        Some(&shop),
        Some(""),
    ];
    for (method, path, body) in member_endpoints() {
        for bearer in credentials {
            w.app
                .call(method.clone(), path, bearer, body.as_ref())
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        }
        for cookie in [dead.as_str(), shop.as_str(), ""] {
            as_cookie(&w, method.clone(), path, cookie)
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        }
        // Another scheme carrying a live token is not a bearer token.
        w.app
            .call_with(
                method.clone(),
                path,
                &[("authorization", &format!("Basic {}", w.a))],
                None,
                body.as_ref(),
            )
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    w.app
        .call(Method::POST, "/api/auth/logout", None, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    // Nothing happened to A (nor to anyone: no check-in, no deletion).
    assert_eq!(a_state(&w).await, before);
    assert_eq!(
        w.app
            .scalar(
                "SELECT COUNT(*) FROM members WHERE deleted_at_ms IS NOT NULL",
                &[]
            )
            .await,
        0
    );
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM checkins", &[]).await, 0);
}

#[tokio::test]
async fn the_shop_endpoints_need_an_api_key_and_a_session_is_not_one() {
    let w = world(NOW).await;
    w.post_order(&order("SO-1", PHONE_A, PAID, 30_000)).await;
    let before = a_state(&w).await;
    let endpoints = [
        ("/api/v1/orders", order("SO-2", PHONE_A, PAID, 50_000)),
        (
            "/api/v1/orders/SO-1/refund",
            json!({ "refund_id": "R-1", "amount_fen": 30_000 }),
        ),
    ];
    for (path, body) in &endpoints {
        for bearer in [
            None,
            Some("mc_wrong"),
            Some(w.a.as_str()),
            Some(w.b.as_str()),
        ] {
            w.app
                .call(Method::POST, path, bearer, Some(body))
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
        }
        // A session cookie next to a request is not a key either.
        let cookie = format!("mc_session={}", w.a);
        w.app
            .call_with(Method::POST, path, &[("cookie", &cookie)], None, Some(body))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    }
    assert_eq!(a_state(&w).await, before);
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await, 1);
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM refunds", &[]).await, 0);
    // The key itself works.
    assert_eq!(
        w.post_order(&endpoints[0].1).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_member_only_ever_sees_and_changes_their_own_data() {
    let w = world(NOW).await;
    let a_id = w.id(&w.a).await;
    let b_id = w.id(&w.b).await;
    w.post_order(&order("SO-A", PHONE_A, PAID, 30_000)).await;
    w.app
        .call(Method::POST, "/api/me/checkin", Some(&w.a), None)
        .await;
    w.app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.a),
            Some(&json!({ "nickname": "甲", "birthday": "1990-05-20", "locale": "en" })),
        )
        .await;
    let a_ledger = w.ledger(&w.a).await;
    let a_cursor = a_ledger.last().unwrap()["id"].as_i64().unwrap() + 1;
    let before = a_state(&w).await;

    // Reads: B sees B.
    let me = w.me(&w.b).await;
    assert_eq!(me["id"], json!(b_id));
    assert_eq!(me["phone_masked"], "139****0002");
    assert_eq!(me["points_balance"], 0);
    assert_eq!(me["lifetime_spend_fen"], 0);
    assert_eq!(me["checkin"]["checked_in_today"], false);
    for path in [
        "/api/me/points".to_owned(),
        "/api/me/points?kind=earn".to_owned(),
        format!("/api/me/points?cursor={a_cursor}"),
    ] {
        let res = w.app.call(Method::GET, &path, Some(&w.b), None).await;
        assert_eq!(res.json()["entries"], json!([]), "{path}");
    }
    // Naming A in the request is refused, not obeyed.
    w.app
        .call(
            Method::GET,
            &format!("/api/me/points?member_id={a_id}"),
            Some(&w.b),
            None,
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query");
    w.app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.b),
            Some(&json!({ "id": a_id, "nickname": "乙" })),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let export = w
        .app
        .call(Method::GET, "/api/me/export", Some(&w.b), None)
        .await
        .json();
    assert_eq!(export["member"]["id"], json!(b_id));
    assert_eq!(export["member"]["phone"], "+8613900000002");
    for list in ["orders", "points_ledger", "checkins"] {
        assert_eq!(export[list], json!([]), "{list}");
    }
    // B's own registration coupons only.
    let sources: Vec<&Value> = export["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["source"])
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(!export.to_string().contains(&a_id));
    assert!(!export.to_string().contains("SO-A"));

    // Writes: B's check-in, profile and logout are B's.
    let res = w
        .app
        .call(Method::POST, "/api/me/checkin", Some(&w.b), None)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(res.json()["points_balance"], 5);
    let res = w
        .app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.b),
            Some(&json!({ "nickname": "乙", "birthday": "1985-01-02", "locale": "zh" })),
        )
        .await;
    assert_eq!(res.json()["id"], json!(b_id));
    assert_eq!(res.json()["nickname"], "乙");
    assert_eq!(a_state(&w).await, before);
    let res = w
        .app
        .call(Method::POST, "/api/auth/logout", Some(&w.b), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(a_state(&w).await, before);

    // B (logged in again) deletes B's account: A stays whole.
    let b = w.app.login(PHONE_B).await;
    let res = w.app.call(Method::DELETE, "/api/me", Some(&b), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(a_state(&w).await, before);
    let a_export = w
        .app
        .call(Method::GET, "/api/me/export", Some(&w.a), None)
        .await
        .json();
    assert_eq!(a_export["member"]["nickname"], "甲");
    assert_eq!(a_export["orders"][0]["order_id"], "SO-A");
    assert!(!a_export.to_string().contains(&b_id));
}
