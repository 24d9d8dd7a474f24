use axum::http::{header, StatusCode};

use crate::helpers::{spawn_app, spawn_with, Options};
use crate::static_files::{loader_hash, site_files, spawn_site};

#[tokio::test]
async fn every_response_has_the_security_headers_for_what_it_is() {
    let app = spawn_site(None).await;
    let page = app.get("/").await;
    let page_csp = page.header(header::CONTENT_SECURITY_POLICY).to_owned();
    assert!(
        page_csp.starts_with("default-src 'self'; script-src"),
        "{page_csp}"
    );
    // (path, the request is a service worker's script, its CSP, its X-Frame-Options)
    let locked = "default-src 'none'; frame-ancestors 'none'";
    for (path, worker, csp, frame) in [
        ("/", false, page_csp.as_str(), "SAMEORIGIN"),
        ("/points", false, &page_csp, "SAMEORIGIN"),
        ("/sw.js", true, &page_csp, "SAMEORIGIN"),
        ("/member-center-app-0123456789abcdef.js", false, "", ""),
        ("/member-center-app-0123456789abcdef_bg.wasm", false, "", ""),
        ("/style-fedcba9876543210.css", false, "", ""),
        ("/icons/icon-192.png", false, locked, "DENY"),
        ("/api/program", false, locked, "DENY"),
        ("/api/me", false, locked, "DENY"),
        ("/api/nope", false, locked, "DENY"),
        ("/nope.png", false, locked, "DENY"),
    ] {
        let res = if worker {
            app.get_with(path, &[("service-worker", "script")]).await
        } else {
            app.get(path).await
        };
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
        assert_eq!(res.header(header::CONTENT_SECURITY_POLICY), csp, "{path}");
        assert_eq!(res.header(header::X_FRAME_OPTIONS), frame, "{path}");
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

/// The host bridge (issue 15) carries the allowed origins and the mini-program's
/// configuration; the JS-SDK it may load is the one external script the CSP allows.
#[tokio::test]
async fn the_host_bridge_carries_its_configuration_and_the_csp_allows_its_sdk() {
    use member_center::routes::host_bridge::HostBridge;
    let sdk = "https://res.example.com/open/js/sdk-1.6.0.js";
    let app = spawn_with(Options {
        dist: Some(site_files()),
        frame_ancestors: Some("https://shop.example"),
        host_bridge: Some(HostBridge {
            jssdk_url: Some(sdk.into()),
            shop_page: "/pages/shop/index".into(),
            coupon_page: "/pages/checkout/index".into(),
        }),
        ..Options::default()
    })
    .await;
    let res = app.get("/host.js").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res
        .header(header::CONTENT_TYPE)
        .starts_with("text/javascript"));
    let script = String::from_utf8_lossy(&res.body);
    let config = script
        .strip_prefix("self.mcHost=")
        .and_then(|rest| rest.split_once(";\n"))
        .map(|(json, _)| serde_json::from_str::<serde_json::Value>(json).unwrap())
        .expect("the configuration first");
    assert_eq!(
        config,
        serde_json::json!({
            "origins": ["https://shop.example"],
            "jssdk": sdk,
            "shopPage": "/pages/shop/index",
            "couponPage": "/pages/checkout/index",
        })
    );
    assert!(script.contains("tell('coupon-chosen'"));
    let page = app.get("/").await;
    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {sdk}")),
        "{csp}"
    );

    // Without the flags: no external script, and only this origin.
    let plain = spawn_app().await;
    let script = plain.get("/host.js").await;
    let script = String::from_utf8_lossy(&script.body);
    assert!(script.starts_with(
        r#"self.mcHost={"origins":[],"jssdk":null,"shopPage":"/pages/index/index","couponPage":"/pages/index/index"};"#
    ));
}
