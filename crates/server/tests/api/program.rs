use axum::http::{header, StatusCode};
use rules::Program;

use crate::helpers::spawn_app;

#[tokio::test]
async fn program_is_served_with_a_strong_etag_and_304() {
    let app = spawn_app().await;
    let res = app.get("/api/program").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(header::CACHE_CONTROL), "no-cache");
    assert_eq!(res.header(header::CONTENT_TYPE), "application/json");
    let etag = res.header(header::ETAG).to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    let program: Program = serde_json::from_slice(&res.body).expect("a Program");
    assert_eq!(program, Program::default_program());

    let again = app
        .get_with("/api/program", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header(header::ETAG), etag);

    let listed = format!("\"other\", W/{etag}");
    let weak = app
        .get_with("/api/program", &[("if-none-match", &listed)])
        .await;
    assert_eq!(weak.status, StatusCode::NOT_MODIFIED);

    let stale = app
        .get_with("/api/program", &[("if-none-match", "\"stale\"")])
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.body, res.body);
}

#[tokio::test]
async fn the_etag_is_the_same_for_the_same_program() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    let (a, b) = (a.get("/api/program").await, b.get("/api/program").await);
    assert_eq!(a.header(header::ETAG), b.header(header::ETAG));
}
