//! Shared fixtures for the member tests: a registered member, a shop key, order bodies.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use member_center::db::ledger::{self, EntryKind, Source};
use member_center::db::{auth as store, members};

use crate::helpers::{TestApp, TestResponse};

pub const PHONE_A: &str = "13900000001";
pub const PHONE_B: &str = "13900000002";

/// A test app with the clock at `now`, two registered members and a shop key.
pub struct World {
    pub app: TestApp,
    pub shop: String,
    pub a: String,
    pub b: String,
}

pub async fn world(now: &str) -> World {
    let app = crate::helpers::spawn_with(crate::helpers::Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(now).unwrap()),
        ..Default::default()
    })
    .await;
    let shop = app.api_key().await;
    let a = app.login(PHONE_A).await;
    let b = app.login(PHONE_B).await;
    World { app, shop, a, b }
}

/// An order body for a phone: one line of `fen`, no coupon, no points.
pub fn order(id: &str, phone: &str, paid_at: &str, fen: i64) -> Value {
    json!({
        "order_id": id,
        "phone": phone,
        "paid_at": paid_at,
        "lines": [{ "sku": "SKU-1", "category": "apparel", "unit_price_fen": fen, "qty": 1 }],
        "shipping_fen": 1000,
        "coupon": "none",
        "points": 0
    })
}

impl World {
    pub async fn post_order(&self, body: &Value) -> TestResponse {
        self.app
            .call(Method::POST, "/api/v1/orders", Some(&self.shop), Some(body))
            .await
    }

    pub async fn refund(&self, order_id: &str, refund_id: &str, amount_fen: i64) -> TestResponse {
        self.app
            .call(
                Method::POST,
                &format!("/api/v1/orders/{order_id}/refund"),
                Some(&self.shop),
                Some(&json!({ "refund_id": refund_id, "amount_fen": amount_fen })),
            )
            .await
    }

    pub async fn me(&self, token: &str) -> Value {
        let res = self
            .app
            .call(Method::GET, "/api/me", Some(token), None)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json());
        res.json()
    }

    /// The whole ledger of a member, oldest first.
    pub async fn ledger(&self, token: &str) -> Vec<Value> {
        let res = self
            .app
            .call(Method::GET, "/api/me/points?limit=100", Some(token), None)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json());
        let mut entries = res.json()["entries"].as_array().unwrap().clone();
        entries.reverse();
        entries
    }
}

/// Asks for a one-time code and returns it (`dev_code`).
pub async fn send_code(app: &TestApp, phone: &str) -> String {
    let res = app
        .post_json("/api/auth/otp", &json!({ "phone": phone }))
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json());
    res.json()["dev_code"]
        .as_str()
        .expect("dev_code")
        .to_owned()
}

/// The privacy notice's version a member consents to.
pub fn consent(app: &TestApp) -> String {
    app.state
        .program
        .program
        .membership
        .privacy_notice_version
        .clone()
}

impl World {
    /// The member id behind a session.
    pub async fn id(&self, token: &str) -> String {
        self.me(token).await["id"].as_str().unwrap().to_owned()
    }
}

impl World {
    /// Logs both members in again: after the clock has moved past their sessions' 30 days.
    pub async fn login_again(&mut self) {
        self.a = self.app.login(PHONE_A).await;
        self.b = self.app.login(PHONE_B).await;
    }
}

/// `n` registered members of `tier` with `points` each: (member id, session token).
pub async fn members_with(
    app: &TestApp,
    n: usize,
    points: i64,
    tier: &str,
) -> Vec<(String, String)> {
    let program = &app.state.program.program;
    let now = app.state.clock.now();
    let mut out = vec![];
    // Phones unique across calls within a test.
    let first = app.scalar("SELECT COUNT(*) FROM members", &[]).await as usize;
    let mut tx = member_center::db::begin_write(&app.state.db).await.unwrap();
    for i in 0..n {
        let phone = format!("+86137{:08}", first + i);
        let id = members::register(&mut tx, program, &phone, "member", "v", &now)
            .await
            .unwrap();
        sqlx::query("UPDATE members SET tier = $1 WHERE id = $2")
            .bind(tier)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .unwrap();
        let source = Source::default();
        ledger::credit(
            &mut tx,
            program,
            &id,
            EntryKind::Opening,
            rules::Points(points),
            &now,
            source,
        )
        .await
        .unwrap();
        let ms = member_center::clock::ms(&now);
        let token = store::create_session(&mut tx, &id, ms, ms + 60 * 86_400_000)
            .await
            .unwrap();
        out.push((id, token));
    }
    tx.commit().await.unwrap();
    out
}

/// An order row written straight into the table (no quote, no ledger): for the tests of
/// what storage derives from orders. `paid_at_ms` doubles as the time received.
pub async fn insert_order(
    db: &member_center::db::Db,
    id: &str,
    member: &str,
    paid_at_ms: i64,
    fen: i64,
) {
    sqlx::query(
        "INSERT INTO orders (id, member_id, request_sha256, paid_at_ms, earn_base_fen, \
           payable_fen, refundable_points, points_used, quote, response, received_at_ms) \
         VALUES ($1, $2, 'test', $3, $4, $4, 0, 0, '{}', '{}', $3)",
    )
    .bind(id)
    .bind(member)
    .bind(paid_at_ms)
    .bind(fen)
    .execute(db)
    .await
    .expect("an order");
}
