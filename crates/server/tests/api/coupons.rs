//! Coupons: used exactly once by orders (concurrent ones too), given back by a whole-order
//! refund while still valid, and the wallet API.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{order, world, World, PHONE_A};

const NOW: &str = "2027-03-10T12:00:00+08:00";
const PAID: &str = "2027-03-10T11:00:00+08:00";

/// Member A's first order (¥1,000: 1,200 points) earns the first-order award; returns
/// that coupon's id.
async fn awarded_coupon(w: &World) -> String {
    let res = w.post_order(&order("SO-1", PHONE_A, PAID, 100_000)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    // (Not the registration's first-order coupon, which is `first_order_only`.)
    let award = "SELECT id FROM coupons WHERE source = 'first_order' AND first_order_only = FALSE";
    sqlx::query_scalar(award)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap()
}

fn with_coupon(id: &str, coupon: &str) -> Value {
    let mut body = order(id, PHONE_A, PAID, 5_000);
    body["coupon"] = json!(coupon);
    body
}

async fn wallet(w: &World, query: &str) -> Vec<Value> {
    let res = w
        .app
        .call(
            Method::GET,
            &format!("/api/me/coupons{query}"),
            Some(&w.a),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()["coupons"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_orders_with_one_coupon_one_gets_coupon_used() {
    let w = world(NOW).await;
    let coupon = awarded_coupon(&w).await;
    let (a, b) = (with_coupon("SO-2", &coupon), with_coupon("SO-3", &coupon));
    let (one, two) = tokio::join!(w.post_order(&a), w.post_order(&b));
    let mut statuses = [one.status.as_u16(), two.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} {}", one.json(), two.json());
    let loser = if one.status == StatusCode::CONFLICT {
        one
    } else {
        two
    };
    loser.assert_error(StatusCode::CONFLICT, "coupon_used");
    let used = "SELECT COUNT(*) FROM orders WHERE coupon_id = $1";
    assert_eq!(w.app.scalar(used, &[&coupon]).await, 1);
    // Later, too; and with `auto` the used coupon is simply not chosen.
    w.post_order(&with_coupon("SO-4", &coupon))
        .await
        .assert_error(StatusCode::CONFLICT, "coupon_used");
    let res = w.post_order(&with_coupon("SO-5", "auto")).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_ne!(res.json()["quote"]["coupon"]["id"], json!(coupon));
}

#[tokio::test]
async fn a_whole_refund_gives_back_a_coupon_still_valid() {
    let w = world(NOW).await;
    let coupon = awarded_coupon(&w).await;
    let res = w.post_order(&with_coupon("SO-2", &coupon)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let base = res.json()["quote"]["earn_base_fen"].as_i64().unwrap();
    let used = "SELECT COUNT(*) FROM coupons WHERE id = $1 AND used_at_ms IS NOT NULL";
    // A partial refund keeps it used; the rest of the order gives it back.
    assert_eq!(
        w.refund("SO-2", "R-1", 1_000).await.status,
        StatusCode::CREATED
    );
    assert_eq!(w.app.scalar(used, &[&coupon]).await, 1);
    assert_eq!(
        w.refund("SO-2", "R-2", base - 1_000).await.status,
        StatusCode::CREATED
    );
    assert_eq!(w.app.scalar(used, &[&coupon]).await, 0);
    let available = wallet(&w, "?status=available").await;
    assert!(
        available.iter().any(|c| c["id"] == json!(coupon)),
        "{available:?}"
    );
    // Used again, then refunded whole after it expired: it stays used.
    let res = w.post_order(&with_coupon("SO-3", &coupon)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let base = res.json()["quote"]["earn_base_fen"].as_i64().unwrap();
    w.app.set_now("2027-05-01T12:00:00+08:00");
    assert_eq!(
        w.refund("SO-3", "R-3", base).await.status,
        StatusCode::CREATED
    );
    assert_eq!(w.app.scalar(used, &[&coupon]).await, 1);
}

#[tokio::test]
async fn the_wallet_by_status_sorted_by_expiry() {
    let mut w = world(NOW).await;
    let coupon = awarded_coupon(&w).await;
    // A mall coupon issued now (valid 30 days from 12:00) expires after the award (30
    // days from 11:00).
    let headers = [
        ("authorization", format!("Bearer {}", w.a)),
        ("idempotency-key", "k".into()),
    ];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = json!({ "item_id": "coupon-10" });
    let res = w
        .app
        .call_with(
            Method::POST,
            "/api/mall/redeem",
            &headers,
            None,
            Some(&body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let mall = res.json()["coupon"]["id"].clone();
    // Registration's two coupons and the mall's expire at 12:00, the award at 11:00.
    let all = wallet(&w, "").await;
    let keys: Vec<(String, String)> = all
        .iter()
        .map(|c| {
            (
                c["valid_until"].as_str().unwrap().into(),
                c["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "by expiry, then id");
    assert_eq!(all.len(), 4);
    assert_eq!(all[0]["id"], json!(coupon));
    // The registration's first-order coupon is void since SO-1; the others available.
    for c in &all {
        let void = c["first_order_only"] == true;
        assert_eq!(c["status"], if void { "void" } else { "available" }, "{c}");
    }
    assert_eq!(wallet(&w, "?status=void").await.len(), 1);
    assert!(all.iter().any(|c| c["id"] == mall && c["source"] == "mall"));

    let res = w.post_order(&with_coupon("SO-2", &coupon)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let used = wallet(&w, "?status=used").await;
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["used_order_id"], "SO-2");
    assert_eq!(wallet(&w, "?status=available").await.len(), 2);

    w.app.set_now("2027-04-09T11:30:00+08:00");
    w.login_again().await;
    assert!(wallet(&w, "?status=expired").await.is_empty());
    w.app.set_now("2027-04-09T12:00:00+08:00");
    // Past its date, the void coupon is expired like the others.
    let expired = wallet(&w, "?status=expired").await;
    assert_eq!(expired.len(), 3);
    assert!(wallet(&w, "?status=void").await.is_empty());
    assert!(expired.iter().any(|c| c["id"] == mall));
    assert!(wallet(&w, "?status=available").await.is_empty());
    for bad in ["?status=all", "?status=", "?other=1"] {
        w.app
            .call(
                Method::GET,
                &format!("/api/me/coupons{bad}"),
                Some(&w.a),
                None,
            )
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_status");
    }
    w.app
        .call(Method::GET, "/api/me/coupons", None, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

/// The registration's first-order coupon, usable until the member's first order, is void
/// from then on: for the wallet (its status and counts), the home's count, the quote's
/// wallet (the snapshot the preview prices with, an order's automatic choice) and the
/// staff lookup alike; an order naming it is refused with the reason.
#[tokio::test]
async fn a_first_order_coupon_is_void_once_the_first_order_is_placed() {
    let w = world(NOW).await;
    let first_order_coupon = |coupons: &[Value]| {
        coupons
            .iter()
            .find(|c| c["first_order_only"] == true)
            .map(|c| c["id"].as_str().unwrap().to_owned())
    };
    let before = wallet(&w, "").await;
    let voucher = first_order_coupon(&before).expect("a first-order coupon at registration");
    let me = w.me(&w.a).await;
    let usable_before = me["coupons"]["usable"].as_i64().unwrap();
    assert_eq!(me["coupons"]["void"], 0);
    let snapshot_ids = |me: &Value| -> Vec<String> {
        me["snapshot"]["coupons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(snapshot_ids(&me).contains(&voucher));

    // A first order placed without it (¥50: below its ¥100 threshold).
    let res = w.post_order(&order("SO-1", PHONE_A, PAID, 5_000)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());

    let after = wallet(&w, "").await;
    let c = after.iter().find(|c| c["id"] == json!(voucher)).unwrap();
    assert_eq!(c["status"], "void", "{c}");
    assert!(wallet(&w, "?status=available")
        .await
        .iter()
        .all(|c| c["id"] != json!(voucher)));
    let me = w.me(&w.a).await;
    assert_eq!(me["coupons"]["void"], 1);
    assert!(
        !snapshot_ids(&me).contains(&voucher),
        "not in the quote's wallet"
    );
    // The order's award arrived meanwhile: one more usable, the voided one less.
    let awarded = after
        .iter()
        .filter(|c| c["source"] == "first_order" && c["first_order_only"] == false)
        .count() as i64;
    assert_eq!(
        me["coupons"]["usable"].as_i64().unwrap(),
        usable_before - 1 + awarded
    );
    assert_eq!(
        me["coupons"]["available"].as_i64().unwrap(),
        wallet(&w, "?status=available").await.len() as i64
    );

    // The staff lookup lists the coupons usable now: not this one.
    let (staff_id, staff) = crate::support::members_with(&w.app, 1, 0, "regular")
        .await
        .remove(0);
    sqlx::query("UPDATE members SET role = 'staff' WHERE id = $1")
        .bind(&staff_id)
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let res = w
        .app
        .call(
            Method::POST,
            "/api/staff/lookup",
            Some(&staff),
            Some(&json!({ "phone": PHONE_A })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    let listed = res.json()["coupons"].as_array().unwrap().clone();
    assert!(!listed.is_empty());
    assert!(
        listed.iter().all(|c| c["id"] != json!(voucher)),
        "{listed:?}"
    );

    // Named by a second order (paid once the coupon is valid), it is refused with the
    // reason; `auto` never picks it.
    let mut named = order("SO-2", PHONE_A, NOW, 20_000);
    named["coupon"] = json!(voucher);
    w.post_order(&named)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "coupon_first_order_only");
    let mut body = order("SO-3", PHONE_A, NOW, 20_000);
    body["coupon"] = json!("auto");
    let res = w.post_order(&body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_ne!(res.json()["quote"]["coupon"]["id"], json!(voucher));
}

/// Every coupon carries its title in both languages from the program, whatever issued it;
/// one stored before titles had English shows its Chinese title in both.
#[tokio::test]
async fn the_wallet_titles_come_in_both_languages() {
    let w = world(NOW).await;
    let award = awarded_coupon(&w).await;
    let program: Value =
        serde_json::from_str(include_str!("../../../rules/program/default.json")).unwrap();
    let title_of = |id: &str, all: &[Value]| {
        all.iter()
            .find(|c| c["id"] == id)
            .map(|c| c["title"].clone())
            .unwrap()
    };
    let all = wallet(&w, "").await;
    assert_eq!(
        title_of(&award, &all),
        program["first_order_award"]["title"]
    );
    let welcome = all.iter().find(|c| c["source"] == "welcome").unwrap();
    assert_eq!(
        welcome["title"],
        program["coupon_issuance"]["welcome"]["title"]
    );
    assert!(all
        .iter()
        .all(|c| c["title"]["zh"].is_string() && c["title"]["en"].is_string()));

    sqlx::query("UPDATE coupons SET title_en = NULL WHERE id = $1")
        .bind(&award)
        .execute(&w.app.state.db)
        .await
        .unwrap();
    let zh = program["first_order_award"]["title"]["zh"].clone();
    assert_eq!(
        title_of(&award, &wallet(&w, "").await),
        json!({ "zh": zh, "en": zh })
    );
}
