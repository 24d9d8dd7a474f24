//! A host app's login handoff (issue 15): the shop mints a one-time code for a phone, the
//! app trades it for a session. Once only, within a minute, while the minting key is
//! live; a new member registers with the host's consent or is asked; the code never
//! reaches the server's log.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestResponse};
use crate::process::ServerProcess;
use crate::support::{world, World, PHONE_A};

const NOW: &str = "2027-03-10T12:00:00+08:00";

async fn mint(app: &TestApp, key: &str, body: Value) -> TestResponse {
    app.call(
        Method::POST,
        "/api/v1/members/login-links",
        Some(key),
        Some(&body),
    )
    .await
}

async fn code_for(w: &World, body: Value) -> String {
    let res = mint(&w.app, &w.shop, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    res.json()["code"].as_str().unwrap().to_owned()
}

async fn exchange(app: &TestApp, body: Value) -> TestResponse {
    app.post_json("/api/auth/exchange", &body).await
}

async fn sessions(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM sessions", &[]).await
}

#[tokio::test]
async fn a_login_link_works_once_and_opens_a_session() {
    let w = world(NOW).await;
    let res = mint(
        &w.app,
        &w.shop,
        json!({ "phone": PHONE_A, "return_to": "/coupons" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let link = res.json();
    let code = link["code"].as_str().unwrap();
    // 128 random bits, base64url; without --public-url the link is a path: the page the
    // host wants.
    assert_eq!(code.len(), 22, "{link}");
    assert_eq!(link["url"], format!("/coupons?login={code}"));
    assert_eq!(link["expires_at"], "2027-03-10T12:01:00+08:00");
    let stored = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM login_links WHERE code_sha256 = $1",
            &[code],
        )
        .await;
    assert_eq!(stored, 0, "only the code's hash is kept");

    let before = sessions(&w.app).await;
    let res = exchange(&w.app, json!({ "code": code, "bearer": true })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    let answer = res.json();
    assert_eq!(answer["registered"], false);
    assert_eq!(answer["return_to"], "/coupons");
    assert_eq!(answer["member_id"], w.id(&w.a).await);
    let token = answer["token"].as_str().unwrap();
    assert_eq!(w.me(token).await["id"], answer["member_id"]);
    assert_eq!(sessions(&w.app).await, before + 1);

    exchange(&w.app, json!({ "code": code }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "login_link_invalid");
    assert_eq!(sessions(&w.app).await, before + 1);
}

#[tokio::test]
async fn expired_guessed_and_revoked_codes_get_401_and_no_session() {
    let w = world(NOW).await;
    let late = code_for(&w, json!({ "phone": PHONE_A })).await;
    let before = sessions(&w.app).await;
    w.app.set_now("2027-03-10T12:01:00+08:00");
    exchange(&w.app, json!({ "code": late }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "login_link_invalid");
    exchange(&w.app, json!({ "code": "AAAAAAAAAAAAAAAAAAAAAA" }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "login_link_invalid");
    exchange(&w.app, json!({ "code": "" }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "login_link_invalid");

    // A key revoked after minting: its links stop working, and it mints no more.
    let (id, key) = member_center::db::auth::create_api_key(&w.app.state.db, "host", 0)
        .await
        .unwrap();
    let res = mint(&w.app, &key, json!({ "phone": PHONE_A })).await;
    let code = res.json()["code"].as_str().unwrap().to_owned();
    assert!(
        member_center::db::auth::revoke_api_key(&w.app.state.db, &id, 1)
            .await
            .unwrap()
    );
    exchange(&w.app, json!({ "code": code }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "login_link_invalid");
    mint(&w.app, &key, json!({ "phone": PHONE_A }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    assert_eq!(sessions(&w.app).await, before);

    // A member's session is not a shop's key.
    mint(&w.app, &w.a, json!({ "phone": PHONE_A }))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
}

#[tokio::test]
async fn two_exchanges_of_one_code_at_once_open_one_session() {
    let w = world(NOW).await;
    let code = code_for(&w, json!({ "phone": PHONE_A })).await;
    let body = json!({ "code": code, "bearer": true });
    let (one, two) = tokio::join!(exchange(&w.app, body.clone()), exchange(&w.app, body));
    let mut statuses = [one.status.as_u16(), two.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn a_new_member_registers_with_the_hosts_consent_or_is_asked_for_it() {
    let w = world(NOW).await;
    let version = w
        .app
        .state
        .program
        .program
        .membership
        .privacy_notice_version
        .clone();
    // Without consent: refused, and the code still works once consent is given.
    let code = code_for(&w, json!({ "phone": "13600000001" })).await;
    exchange(&w.app, json!({ "code": code }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "consent_required");
    let members = "SELECT COUNT(*) FROM members WHERE phone_index = $1";
    let index = crate::helpers::phone_index("+8613600000001");
    assert_eq!(w.app.scalar(members, &[&index]).await, 0);
    let res = exchange(&w.app, json!({ "code": code, "consent_version": version })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json()["registered"], true);
    assert_eq!(w.app.scalar(members, &[&index]).await, 1);

    // The host passed the version its member accepted: no question.
    let code = code_for(
        &w,
        json!({ "phone": "13600000002", "consent_version": version }),
    )
    .await;
    let res = exchange(&w.app, json!({ "code": code })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json()["registered"], true);
    // A version the program does not have is no consent.
    let code = code_for(
        &w,
        json!({ "phone": "13600000003", "consent_version": "old" }),
    )
    .await;
    exchange(&w.app, json!({ "code": code }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "consent_required");
}

#[tokio::test]
async fn bad_link_requests_are_refused() {
    let w = world(NOW).await;
    for path in [
        "//evil.example/x",
        "https://evil.example",
        "coupons",
        "/a\\b",
        "/a#b",
    ] {
        mint(
            &w.app,
            &w.shop,
            json!({ "phone": PHONE_A, "return_to": path }),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_return_to");
    }
    mint(&w.app, &w.shop, json!({ "phone": "123" }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone");
    let links = w.app.scalar("SELECT COUNT(*) FROM login_links", &[]).await;
    assert_eq!(links, 0);
}

/// The real binary with its log captured: a minted code used in the app's address and
/// exchanged never shows in the log, nor does a calendar feed's token.
#[test]
fn the_code_never_reaches_the_servers_log() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("log.db").display());
    let out = crate::process::member_center()
        .args([
            "api-key",
            "create",
            "--name",
            "host",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.lines().last().unwrap().trim().to_owned();
    let server = ServerProcess::start(
        dir.path(),
        &["--public-url", "https://member.example.com"],
        &[("DATABASE_URL", &url)],
    );
    let base = server.base.clone();
    let link: Value = ureq::post(&format!("{base}/api/v1/members/login-links"))
        .header("Authorization", &format!("Bearer {key}"))
        .send_json(json!({ "phone": PHONE_A, "consent_version": "2026-11-01" }))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let code = link["code"].as_str().unwrap().to_owned();
    assert_eq!(
        link["url"],
        format!("https://member.example.com/?login={code}")
    );
    // The page the link opens (no app here: a 404, logged all the same), then the exchange.
    let _ = ureq::get(&format!("{base}/?login={code}")).call();
    let _ = ureq::post(&format!("{base}/api/auth/exchange"))
        .send_json(json!({ "code": code, "bearer": true }));
    let _ = ureq::get(&format!("{base}/api/calendar/SECRETFEEDTOKEN.ics")).call();
    let text = server.stop_and_read_log();
    assert!(
        text.contains("login-links"),
        "the requests are logged: {text}"
    );
    assert!(!text.contains(&code), "the code is in the log:\n{text}");
    assert!(
        !text.contains("SECRETFEEDTOKEN"),
        "the feed token is in the log:\n{text}"
    );
}
