//! `serve --base-path /member` (issue 15): the app, its files, its API and `/host.js` are
//! served under the prefix and nothing is served outside it; the page's `<base href>`,
//! the session cookie's path and a host's login links carry it.

use axum::http::{header, Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_with, Options, TestApp};
use crate::static_files::{served_index, site_files};

async fn spawn_under_member() -> TestApp {
    spawn_with(Options {
        dist: Some(site_files()),
        base_path: Some("/member/"),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn the_site_and_its_api_live_under_the_prefix_only() {
    let app = spawn_under_member().await;
    for path in [
        "/member",
        "/member/",
        "/member/points",
        "/member/events?x=1",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.body, served_index("/member/"), "{path}");
    }
    let js = app
        .get("/member/member-center-app-0123456789abcdef.js")
        .await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let program = app.get("/member/api/program").await;
    assert_eq!(program.status, StatusCode::OK);
    assert!(program.json()["tiers"].is_array(), "{}", program.json());
    assert_eq!(app.get("/member/host.js").await.status, StatusCode::OK);
    app.get("/member/api/nope")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    app.get("/member/missing-0123456789abcdef.js")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    for outside in [
        "/",
        "/points",
        "/api/program",
        "/host.js",
        "/member-center-app-0123456789abcdef.js",
        "/memberx/api/program",
        "/other/member/api/program",
    ] {
        app.get(outside)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn the_session_cookie_and_login_links_carry_the_prefix() {
    let app = spawn_under_member().await;
    let phone = "13900000001";
    let sent = app
        .post_json("/member/api/auth/otp", &json!({ "phone": phone }))
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.json());
    let version = &app.state.program.program.membership.privacy_notice_version;
    let login = app
        .post_json(
            "/member/api/auth/login",
            &json!({ "phone": phone, "code": sent.json()["dev_code"], "consent_version": version }),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.json());
    let cookie = login.header(header::SET_COOKIE);
    assert!(cookie.contains("; Path=/member/;"), "{cookie}");
    let token = cookie
        .strip_prefix("mc_session=")
        .and_then(|c| c.split(';').next())
        .unwrap();
    let with_cookie = format!("mc_session={token}");
    let me = app
        .get_with("/member/api/me", &[("cookie", &with_cookie)])
        .await;
    assert_eq!(me.status, StatusCode::OK);
    // Logging out clears the cookie at the same path (a cookie of another path would stay).
    let mut logout = axum::http::Request::post("/member/api/auth/logout")
        .header("cookie", &with_cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    logout
        .headers_mut()
        .insert(header::ACCEPT, "application/json".parse().unwrap());
    let cleared = app.request(logout).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    let cleared = cleared.header(header::SET_COOKIE);
    assert!(
        cleared.starts_with("mc_session=;")
            && cleared.contains("; Path=/member/;")
            && cleared.ends_with("Max-Age=0"),
        "{cleared}"
    );

    let key = app.api_key().await;
    let link = app
        .call(
            Method::POST,
            "/member/api/v1/members/login-links",
            Some(&key),
            Some(&json!({ "phone": phone, "return_to": "/coupons" })),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.json());
    let code = link.json()["code"].as_str().unwrap().to_owned();
    assert_eq!(link.json()["url"], format!("/member/coupons?login={code}"));
}
