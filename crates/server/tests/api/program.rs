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

/// Compressed once at start, at the best levels; the response layer's on-the-fly
/// compression must not compress it again.
#[tokio::test]
async fn program_is_sent_precompressed_to_whoever_takes_it() {
    use std::io::Read as _;

    let app = spawn_app().await;
    let plain = app
        .get_with("/api/program", &[("accept-encoding", "identity")])
        .await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.header(header::VARY), "accept-encoding");
    let program: Program = serde_json::from_slice(&plain.body).expect("a Program");
    assert_eq!(program, Program::default_program());

    let br = app
        .get_with("/api/program", &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    // Other bytes, another strong validator; each revalidates its own.
    assert_ne!(br.header(header::ETAG), plain.header(header::ETAG));
    let again = app
        .get_with(
            "/api/program",
            &[
                ("accept-encoding", "br"),
                ("if-none-match", br.header(header::ETAG)),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let mut decoded = vec![];
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_end(&mut decoded)
        .expect("one brotli stream");
    assert_eq!(decoded, plain.body);
    // Brotli 11 exactly (the layer's on-the-fly level makes a bigger stream).
    let mut best = vec![];
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &plain.body[..], &mut best, &params).unwrap();
    assert_eq!(br.body.len(), best.len());

    let gzip = app
        .get_with("/api/program", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(gzip.header(header::CONTENT_ENCODING), "gzip");
    let mut decoded = vec![];
    flate2::read::GzDecoder::new(&gzip.body[..])
        .read_to_end(&mut decoded)
        .expect("one gzip stream");
    assert_eq!(decoded, plain.body);
}

/// The first screen's part: the tiers, prompts and time zone of the very program, a
/// third of its size, tagged and revalidated on its own.
#[tokio::test]
async fn the_homes_part_is_served_apart_with_its_own_etag() {
    use contract::program::HomeProgram;
    let app = spawn_app().await;
    let whole = app.get("/api/program").await;
    let res = app.get("/api/program/home").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(header::CACHE_CONTROL), "no-cache");
    assert_eq!(res.header(header::CONTENT_TYPE), "application/json");
    let home: HomeProgram = serde_json::from_slice(&res.body).expect("a HomeProgram");
    assert_eq!(home, HomeProgram::of(&Program::default_program()));
    assert!(
        res.body.len() * 2 < whole.body.len(),
        "{} of {}",
        res.body.len(),
        whole.body.len()
    );
    let etag = res.header(header::ETAG).to_owned();
    assert_ne!(etag, whole.header(header::ETAG));
    let again = app
        .get_with("/api/program/home", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let br = app
        .get_with("/api/program/home", &[("accept-encoding", "br")])
        .await;
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
}

/// The other screens' part: the very program's projection, smaller than the whole (no
/// mall catalog, rule grants or events), tagged and revalidated on its own.
#[tokio::test]
async fn the_screens_part_is_served_apart_with_its_own_etag() {
    use contract::program::ScreensProgram;
    let app = spawn_app().await;
    let whole = app.get("/api/program").await;
    let res = app.get("/api/program/screens").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(header::CACHE_CONTROL), "no-cache");
    let screens: ScreensProgram = serde_json::from_slice(&res.body).expect("a ScreensProgram");
    assert_eq!(screens, ScreensProgram::of(&Program::default_program()));
    assert!(res.body.len() < whole.body.len());
    let etag = res.header(header::ETAG).to_owned();
    assert_ne!(etag, whole.header(header::ETAG));
    let again = app
        .get_with("/api/program/screens", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}
