use axum::http::{header, StatusCode};

use crate::helpers::spawn_app;
use crate::static_files::{loader_hash, spawn_site};

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = spawn_site(None).await;
    for path in [
        "/",
        "/points",
        "/api/program",
        "/api/nope",
        "/member-center-app-0123456789abcdef.js",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            res.header(header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            res.header(header::REFERRER_POLICY),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            !res.header(header::CONTENT_SECURITY_POLICY).is_empty(),
            "{path}"
        );
        assert_eq!(res.header(header::X_FRAME_OPTIONS), "SAMEORIGIN", "{path}");
    }
}

#[tokio::test]
async fn csp_allows_exactly_the_inline_loader_and_wasm() {
    let app = spawn_site(None).await;
    let res = app.get("/").await;
    let csp = res.header(header::CONTENT_SECURITY_POLICY);
    let directives: Vec<&str> = csp.split("; ").collect();
    let script_src = format!(
        "script-src 'self' 'wasm-unsafe-eval' 'sha256-{}'",
        loader_hash()
    );
    assert!(directives.contains(&script_src.as_str()), "{csp}");
    for expected in [
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
    ] {
        assert!(directives.contains(&expected), "{expected} in {csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
}

#[tokio::test]
async fn frame_ancestors_reflect_the_flag() {
    let app = spawn_site(Some("https://shop.example https://*.mini.example")).await;
    let res = app.get("/").await;
    let csp = res.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("frame-ancestors 'self' https://shop.example https://*.mini.example"),
        "{csp}"
    );
    // X-Frame-Options cannot name other origins, so it is left out.
    assert_eq!(res.header(header::X_FRAME_OPTIONS), "");
}

#[tokio::test]
async fn api_errors_carry_the_headers_too() {
    let app = spawn_app().await;
    let res = app.post_raw("/api/quote", "{").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}
