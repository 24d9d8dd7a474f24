//! `POST /api/v1/orders` and refunds: priced by the server, recorded once, points by the
//! rules, refunds pro rata.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{order, world, PHONE_A};

const NOW: &str = "2026-03-10T12:00:00+08:00";
const PAID: &str = "2026-03-10T11:00:00+08:00";

#[tokio::test]
async fn an_order_is_priced_recorded_and_replayed_once() {
    let w = world(NOW).await;
    let body = order("SO-1", PHONE_A, PAID, 123_456);
    let first = w.post_order(&body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());
    let q = &first.json()["quote"];
    // ¥1,234.56 at regular: 1,234 points + the ¥1,000 order bonus 200; up to silver.
    assert_eq!(q["earn_base_fen"], 123_456);
    assert_eq!(q["points"]["total"], 1_234 + 200);
    assert_eq!(q["tier_after"], "silver");
    let again = w.post_order(&body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body, first.body);
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], 1_434);
    assert_eq!(me["qualifying_spend_fen"], 123_456);
    assert_eq!(me["lifetime_spend_fen"], 123_456);
    let kinds: Vec<_> = w
        .ledger(&w.a)
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("earn"), json!("order_bonus")]);
}

#[tokio::test]
async fn the_same_id_with_another_body_is_a_conflict_and_changes_nothing() {
    let w = world(NOW).await;
    assert_eq!(
        w.post_order(&order("SO-1", PHONE_A, PAID, 10_000))
            .await
            .status,
        StatusCode::CREATED
    );
    w.post_order(&order("SO-1", PHONE_A, PAID, 20_000))
        .await
        .assert_error(StatusCode::CONFLICT, "order_conflict");
    assert_eq!(w.me(&w.a).await["points_balance"], 100);
}

#[tokio::test]
async fn bad_orders_are_refused_with_stable_codes() {
    let w = world(NOW).await;
    let cases = [
        (
            order("", PHONE_A, PAID, 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_order_id",
        ),
        (
            order("SO 1", PHONE_A, PAID, 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_order_id",
        ),
        (
            order("SO-1", "12345", PAID, 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_phone",
        ),
        (
            order("SO-1", "13999999999", PAID, 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "member_not_found",
        ),
        (
            order("SO-1", PHONE_A, "2026-03-10T11:00:00", 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_time",
        ),
        (
            order("SO-1", PHONE_A, "2026-03-10T12:06:00+08:00", 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "paid_at_out_of_range",
        ),
        (
            order("SO-1", PHONE_A, "2026-02-01T12:00:00+08:00", 100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "paid_at_out_of_range",
        ),
        (
            order("SO-1", PHONE_A, PAID, -100),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_cart",
        ),
        (
            order("SO-1", PHONE_A, PAID, 100_000_000_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_cart",
        ),
    ];
    for (body, status, code) in cases {
        w.post_order(&body).await.assert_error(status, code);
    }
    let mut both = order("SO-1", PHONE_A, PAID, 100);
    both["member_id"] = json!("m_x");
    w.post_order(&both)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_member");
    let mut points = order("SO-1", PHONE_A, PAID, 10_000);
    points["points"] = json!(100);
    w.post_order(&points)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "points_exceed_balance");
    let mut coupon = order("SO-1", PHONE_A, PAID, 10_000);
    coupon["coupon"] = json!("nope");
    w.post_order(&coupon)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "coupon_not_found");
    // No key, a wrong key, or a member's session instead of a key.
    let body = order("SO-1", PHONE_A, PAID, 100);
    for bearer in [None, Some("mc_wrong"), Some(w.a.as_str())] {
        w.app
            .call(Method::POST, "/api/v1/orders", bearer, Some(&body))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    }
    // Nothing was recorded by any of these.
    assert_eq!(w.me(&w.a).await["points_balance"], 0);
    assert!(w.ledger(&w.a).await.is_empty());
}

#[tokio::test]
async fn refunds_take_points_back_pro_rata_and_are_idempotent() {
    let w = world(NOW).await;
    // ¥300.07: 300 points.
    w.post_order(&order("SO-1", PHONE_A, PAID, 30_007)).await;
    let r1 = w.refund("SO-1", "R-1", 10_001).await;
    assert_eq!(r1.status, StatusCode::CREATED, "{}", r1.json());
    assert_eq!(r1.json()["points_taken_back"], 300 * 10_001 / 30_007);
    assert_eq!(w.refund("SO-1", "R-1", 10_001).await.body, r1.body);
    w.refund("SO-1", "R-1", 5)
        .await
        .assert_error(StatusCode::CONFLICT, "refund_conflict");
    w.refund("SO-1", "R-2", 20_007)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "refund_exceeds_order");
    w.refund("SO-1", "R-2", 0)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_amount");
    w.refund("SO-404", "R-2", 1)
        .await
        .assert_error(StatusCode::NOT_FOUND, "order_not_found");
    let r2 = w.refund("SO-1", "R-2", 20_006).await;
    assert_eq!(r2.status, StatusCode::CREATED);
    // The whole order refunded: exactly all its points back, spend back to 0.
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], 0);
    assert_eq!(me["qualifying_spend_fen"], 0);
    assert_eq!(me["lifetime_spend_fen"], 0);
}

#[tokio::test]
async fn a_refund_after_spending_leaves_a_debt_that_later_earnings_repay() {
    let w = world(NOW).await;
    w.post_order(&order("SO-1", PHONE_A, PAID, 100_000)).await; // 1,000 + 200 bonus
                                                                // ¥24 paid half with the 1,200 points: ¥12 earns 14 at silver.
    let mut spend = order("SO-2", PHONE_A, PAID, 2_400);
    spend["points"] = json!(1_200);
    let res = w.post_order(&spend).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let earned2 = res.json()["quote"]["points"]["total"].as_i64().unwrap();
    assert_eq!(w.me(&w.a).await["points_balance"], earned2);
    // Refund all of order 1: 1,200 taken back, more than what is left after order 2.
    w.refund("SO-1", "R-1", 100_000).await;
    let balance = w.me(&w.a).await["points_balance"].as_i64().unwrap();
    assert_eq!(balance, earned2 - 1_200);
    assert!(balance < 0, "{balance}");
    // A new order's points repay the debt first.
    let res = w.post_order(&order("SO-3", PHONE_A, PAID, 50_000)).await;
    let earned3 = res.json()["quote"]["points"]["total"].as_i64().unwrap();
    assert_eq!(w.me(&w.a).await["points_balance"], balance + earned3);
}

#[tokio::test]
async fn a_refund_below_a_milestone_takes_its_whole_bonus_back_once() {
    let w = world(NOW).await;
    // ¥10,000.00 crosses the first milestone (+5,000).
    let res = w.post_order(&order("SO-1", PHONE_A, PAID, 1_000_000)).await;
    assert_eq!(res.json()["quote"]["points"]["milestone_bonus"], 5_000);
    let r = w.refund("SO-1", "R-1", 100).await;
    assert_eq!(r.json()["milestone_points_taken_back"], 5_000);
    let r = w.refund("SO-1", "R-2", 100).await;
    assert_eq!(r.json()["milestone_points_taken_back"], 0);
    // Crossing again earns it again.
    let res = w.post_order(&order("SO-2", PHONE_A, PAID, 500)).await;
    assert_eq!(res.json()["quote"]["points"]["milestone_bonus"], 5_000);
}

#[tokio::test]
async fn an_upgrade_is_immediate_and_the_tier_is_kept() {
    let w = world(NOW).await;
    let res = w.post_order(&order("SO-1", PHONE_A, PAID, 250_000)).await;
    assert_eq!(res.json()["quote"]["tier_after"], "gold");
    let me = w.me(&w.a).await;
    assert_eq!(me["tier"], "gold");
    assert_eq!(
        me["next_tier"],
        json!({ "tier": "diamond", "gap_fen": 250_000 })
    );
    // A refund lowers spend but not the tier; the retention line appears.
    w.refund("SO-1", "R-1", 100_000).await;
    let me = w.me(&w.a).await;
    assert_eq!(me["tier"], "gold");
    assert_eq!(me["qualifying_spend_fen"], 150_000);
    assert_eq!(me["retention"]["gap_fen"], 50_000);
    assert_eq!(me["retention"]["by"], "2026-09-01");
}

/// The order route remembers a shop's key once it found it valid, and the order's write
/// checks the key again: a key revoked since records nothing, a replay included, and is
/// refused as any unknown key is, on that order and the next.
#[tokio::test]
async fn a_key_revoked_after_its_first_order_records_nothing_more() {
    let w = world(NOW).await;
    let first = order("SO-1", PHONE_A, PAID, 123_456);
    assert_eq!(w.post_order(&first).await.status, StatusCode::CREATED);
    sqlx::query("UPDATE api_keys SET revoked_at_ms = 1")
        .execute(&w.app.state.db)
        .await
        .unwrap();

    for body in [
        order("SO-2", PHONE_A, PAID, 10_000),
        first.clone(),
        order("SO-2", PHONE_A, PAID, 10_000),
    ] {
        w.post_order(&body)
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    }
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await, 1);
    assert_eq!(w.me(&w.a).await["lifetime_spend_fen"], 123_456);
}
