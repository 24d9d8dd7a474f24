//! Seeing the server from outside: `/healthz`, `/readyz` and `/metrics` at the server's
//! root (outside `--base-path`), no session needed, no more than ok / not ok said to an
//! anonymous caller; every answer carries an `X-Request-Id`.

use axum::http::StatusCode;

use crate::helpers::{spawn_app, spawn_with, Options};

const TOKEN: &str = "metrics-secret-for-tests";

#[tokio::test]
async fn healthz_and_readyz_say_ok_without_a_session() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(&res.body[..], b"ok", "{path}");
    }
}

#[tokio::test]
async fn readyz_is_not_ready_when_the_database_lags_the_binary() {
    let app = spawn_app().await;
    // As if the newest migration had not run: a database an older server left.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let res = app.get("/readyz").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        &res.body[..],
        b"not ready",
        "no detail for an anonymous caller"
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK, "still up");

    app.state.db.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "no database");
}

#[tokio::test]
async fn the_probes_live_at_the_root_under_a_base_path() {
    let app = spawn_with(Options {
        base_path: Some("/member"),
        metrics_token: Some(TOKEN),
        ..Options::default()
    })
    .await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    let auth = format!("Bearer {TOKEN}");
    let res = app.get_with("/metrics", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(app.get("/member/api/program").await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_need_the_token_and_count_requests_by_route_and_status() {
    let without = spawn_app().await;
    assert_eq!(without.get("/metrics").await.status, StatusCode::NOT_FOUND);

    let app = spawn_with(Options {
        metrics_token: Some(TOKEN),
        ..Options::default()
    })
    .await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("www-authenticate"), "Bearer");
    let wrong = app
        .get_with("/metrics", &[("authorization", "Bearer not-the-token")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

    // A route with a secret in its path is labelled by its pattern, never the path.
    assert_eq!(app.get("/api/program").await.status, StatusCode::OK);
    let feed = app.get("/api/calendar/secret-feed-token.ics").await;
    assert_eq!(feed.status, StatusCode::NOT_FOUND);
    app.get("/api/me").await;

    let auth = format!("Bearer {TOKEN}");
    let res = app.get_with("/metrics", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("text/plain"));
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    let count = |labels: &str| {
        text.lines()
            .find(|l| l.starts_with("http_requests_total{") && l.contains(labels))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    assert!(
        count(r#"route="/api/program",status="200""#) >= 1.0,
        "{text}"
    );
    assert!(count(r#"route="/api/me",status="401""#) >= 1.0, "{text}");
    assert!(
        count(r#"route="/api/calendar/{file}",status="404""#) >= 1.0,
        "{text}"
    );
    assert!(!text.contains("secret-feed-token"), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(text.contains("db_pool_connections "), "{text}");
}

#[tokio::test]
async fn the_order_batches_are_counted_on_sqlite() {
    let app = spawn_with(Options {
        metrics_token: Some(TOKEN),
        ..Options::default()
    })
    .await;
    let shop = app.api_key().await;
    app.login("13900000009").await;
    let order = serde_json::json!({
        "order_id": "SO-M1", "phone": "13900000009", "paid_at": "2026-12-07T10:00:00+08:00",
        "lines": [{ "sku": "SKU-1", "category": "apparel", "unit_price_fen": 10_000, "qty": 1 }],
        "shipping_fen": 0, "coupon": "none", "points": 0
    });
    let res = app
        .call(
            axum::http::Method::POST,
            "/api/v1/orders",
            Some(&shop),
            Some(&order),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let auth = format!("Bearer {TOKEN}");
    let text = app.get_with("/metrics", &[("authorization", &auth)]).await;
    let text = String::from_utf8(text.body.to_vec()).unwrap();
    let batches = text
        .lines()
        .find(|l| l.starts_with("order_batches_total "))
        .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok());
    // Group commit is SQLite's (PostgreSQL gives each order a transaction of its own).
    if member_center::db::backend(&app.state.db) == member_center::db::Backend::Sqlite {
        assert!(batches.is_some_and(|n| n >= 1.0), "{text}");
        assert!(text.contains("order_batch_size"), "{text}");
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_proxys_is_kept() {
    let app = spawn_app().await;
    let a = app.get("/api/program").await;
    let b = app.get("/no-such-file").await;
    let (a, b) = (a.header("x-request-id"), b.header("x-request-id"));
    assert_eq!(a.len(), 36, "a UUID: {a}");
    assert_ne!(a, b);
    let res = app
        .get_with("/healthz", &[("x-request-id", "proxy-given-42")])
        .await;
    assert_eq!(res.header("x-request-id"), "proxy-given-42");
}
