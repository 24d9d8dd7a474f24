//! What the points history names (the order with its amount and coupon, the refund, the
//! mall item, the campaign) and the member's orders (`GET /api/me/orders`): newest first,
//! paged, with their refunds, and only the member's own.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestResponse;
use crate::mall::redeem;
use crate::support::{order, world, World, PHONE_A, PHONE_B};

async fn get(w: &World, path: &str, token: &str) -> TestResponse {
    w.app.call(Method::GET, path, Some(token), None).await
}

/// Posts an order and returns its quote.
async fn place(w: &World, body: &Value) -> Value {
    let res = w.post_order(body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    res.json()["quote"].clone()
}

/// Every order of a member, page by page of `limit`: the orders and the pages' sizes.
async fn all_orders(w: &World, token: &str, limit: usize) -> (Vec<Value>, Vec<usize>) {
    let (mut got, mut sizes) = (vec![], vec![]);
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/me/orders?limit={limit}&cursor={c}"),
            None => format!("/api/me/orders?limit={limit}"),
        };
        let res = get(w, &path, token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json());
        let page = res.json();
        let orders = page["orders"].as_array().unwrap().clone();
        sizes.push(orders.len());
        got.extend(orders);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(sizes.len() < 20, "paging does not end");
    }
    (got, sizes)
}

#[tokio::test]
async fn each_entry_names_its_order_refund_campaign_or_mall_item() {
    // During the 618 double-points campaign (June 1 to 18).
    let w = world("2026-06-05T12:00:00+08:00").await;
    let first = place(
        &w,
        &order("SO-1", PHONE_A, "2026-06-05T10:00:00+08:00", 100_000),
    )
    .await;
    // The points buy a coupon and a keychain in the mall.
    let mut coupon_id = Value::Null;
    for (key, item) in [("k-1", "coupon-10"), ("k-2", "keychain")] {
        let res = redeem(&w.app, Some(&w.a), Some(key), &json!({ "item_id": item })).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        if item == "coupon-10" {
            coupon_id = res.json()["coupon"]["id"].clone();
        }
    }
    // The coupon pays part of the next order; half of the first is refunded.
    let mut with_coupon = order("SO-2", PHONE_A, "2026-06-05T12:00:00+08:00", 20_000);
    with_coupon["coupon"] = coupon_id;
    let second = place(&w, &with_coupon).await;
    assert!(second["coupon"].is_object(), "{second}");
    let res = w.refund("SO-1", "R-1", 50_000).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());

    let ledger = w.ledger(&w.a).await;
    let named = |kind: &str, order_id: Option<&str>| -> Vec<Value> {
        ledger
            .iter()
            .filter(|e| e["kind"] == kind && order_id.is_none_or(|id| e["order_id"] == id))
            .map(|e| e["subject"].clone())
            .collect()
    };
    let order_1 = json!({
        "type": "order", "id": "SO-1", "payable_fen": first["payable_fen"], "coupon": null
    });
    for kind in ["earn", "order_bonus"] {
        assert_eq!(
            named(kind, Some("SO-1")),
            std::slice::from_ref(&order_1),
            "{kind}"
        );
    }
    assert_eq!(
        named("campaign_bonus", Some("SO-1")),
        [json!({
            "type": "campaign",
            "name": { "zh": "618 双倍积分", "en": "618 double points" },
            "order_id": "SO-1"
        })]
    );
    assert_eq!(
        named("earn", Some("SO-2")),
        [json!({
            "type": "order",
            "id": "SO-2",
            "payable_fen": second["payable_fen"],
            "coupon": { "zh": "¥10.00 无门槛券", "en": "¥10.00 coupon, no minimum" }
        })]
    );
    assert_eq!(
        named("refund_take_back", Some("SO-1")),
        [json!({ "type": "refund", "order_id": "SO-1", "amount_fen": 50_000 })]
    );
    assert_eq!(
        named("mall", None),
        [
            json!({
                "type": "mall_item",
                "item_id": "coupon-10",
                "title": { "zh": "¥10.00 无门槛券", "en": "¥10.00 coupon, no minimum" }
            }),
            json!({
                "type": "mall_item",
                "item_id": "keychain",
                "title": { "zh": "品牌钥匙扣", "en": "Keychain" }
            }),
        ]
    );
    // A check-in names nothing: its kind says it all.
    let res = w
        .app
        .call(Method::POST, "/api/me/checkin", Some(&w.a), None)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let newest = &w.ledger(&w.a).await.pop().unwrap();
    assert_eq!(
        (&newest["kind"], newest.get("subject")),
        (&json!("checkin"), None)
    );
}

/// A mall entry recorded before the ledger stored its redemption is matched to it by the
/// migration (same member, instant and price).
#[tokio::test]
async fn an_older_mall_entry_is_matched_to_its_redemption() {
    let w = world("2026-03-01T12:00:00+08:00").await;
    place(
        &w,
        &order("SO-1", PHONE_A, "2026-03-01T10:00:00+08:00", 100_000),
    )
    .await;
    let res = redeem(
        &w.app,
        Some(&w.a),
        Some("k-1"),
        &json!({ "item_id": "keychain" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    // As an older server left it; then the migration's backfill again.
    let db = &w.app.state.db;
    sqlx::query("UPDATE points_ledger SET redemption_id = NULL")
        .execute(db)
        .await
        .unwrap();
    let migration = include_str!("../../migrations/sqlite/20261207000018_ledger_subjects.sql");
    let from = migration.find("UPDATE points_ledger").unwrap();
    let backfill = &migration[from..from + migration[from..].find(';').unwrap()];
    sqlx::query(backfill).execute(db).await.unwrap();
    let mall = w.ledger(&w.a).await.pop().unwrap();
    assert_eq!(mall["subject"]["item_id"], "keychain", "{mall}");
}

#[tokio::test]
async fn the_orders_page_newest_first_with_refunds_and_only_the_members_own() {
    let w = world("2026-03-01T12:00:00+08:00").await;
    let mut quotes = vec![];
    for (id, day) in [("SO-1", 1), ("SO-2", 3), ("SO-3", 5)] {
        w.app.set_now(&format!("2026-03-{day:02}T12:00:00+08:00"));
        let mut body = order(
            id,
            PHONE_A,
            &format!("2026-03-{day:02}T10:00:00+08:00"),
            30_000,
        );
        if id == "SO-3" {
            body["points"] = json!(100);
        }
        quotes.push(place(&w, &body).await);
    }
    place(
        &w,
        &order("SO-B", PHONE_B, "2026-03-05T11:00:00+08:00", 5_000),
    )
    .await;
    // SO-2 refunded in part, twice.
    w.app.set_now("2026-03-06T12:00:00+08:00");
    assert_eq!(
        w.refund("SO-2", "R-1", 3_000).await.status,
        StatusCode::CREATED
    );
    w.app.set_now("2026-03-07T12:00:00+08:00");
    assert_eq!(
        w.refund("SO-2", "R-2", 2_000).await.status,
        StatusCode::CREATED
    );

    let (orders, sizes) = all_orders(&w, &w.a, 2).await;
    assert_eq!(sizes, [2, 1]);
    let ids: Vec<&str> = orders.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SO-3", "SO-2", "SO-1"]);
    let (one_page, _) = all_orders(&w, &w.a, 20).await;
    assert_eq!(one_page, orders);

    let so2 = &orders[1];
    assert_eq!(
        so2,
        &json!({
            "id": "SO-2",
            "paid_at": "2026-03-03T10:00:00+08:00",
            "payable_fen": quotes[1]["payable_fen"],
            "points_earned": quotes[1]["points"]["total"],
            "points_used": 0,
            "refunded_fen": 5_000,
            "refunds": [
                { "at": "2026-03-06T12:00:00+08:00", "amount_fen": 3_000 },
                { "at": "2026-03-07T12:00:00+08:00", "amount_fen": 2_000 }
            ]
        })
    );
    // Points earned are the order's credit entries in the ledger.
    let ledger = w.ledger(&w.a).await;
    let credited: i64 = ledger
        .iter()
        .filter(|e| e["order_id"] == "SO-3" && e["points"].as_i64().unwrap() > 0)
        .map(|e| e["points"].as_i64().unwrap())
        .sum();
    let so3 = &orders[0];
    assert_eq!(
        (&so3["points_earned"], &so3["points_used"], &so3["refunds"]),
        (&json!(credited), &json!(100), &json!([]))
    );
    assert_eq!(so3["payable_fen"], quotes[2]["payable_fen"]);

    // The other member sees their order only, and cannot page from one of A's.
    let (theirs, _) = all_orders(&w, &w.b, 20).await;
    let ids: Vec<&Value> = theirs.iter().map(|o| &o["id"]).collect();
    assert_eq!(ids, [&json!("SO-B")]);
    get(&w, "/api/me/orders?cursor=SO-2", &w.b)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_cursor");
    let history = w.ledger(&w.b).await;
    assert!(
        history.iter().all(|e| e["order_id"] == "SO-B"),
        "{history:?}"
    );
    // No session, no orders.
    let res = w.app.call(Method::GET, "/api/me/orders", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    for (query, code) in [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("cursor=", "invalid_cursor"),
        ("cursor=SO-404", "invalid_cursor"),
        ("limit=x", "invalid_query"),
        ("member_id=m_x", "invalid_query"),
    ] {
        get(&w, &format!("/api/me/orders?{query}"), &w.a)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
}

#[tokio::test]
async fn a_member_without_orders_has_an_empty_page() {
    let w = world("2026-03-01T12:00:00+08:00").await;
    let res = get(&w, "/api/me/orders", &w.a).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json(), json!({ "orders": [], "next_cursor": null }));
}
