//! Login: phone + one-time code (hashed, 5 minutes, 5 tries, once a minute per phone, limited
//! per IP), registration with consent, sessions (cookie or bearer, hashed, 30 days), logout.

use axum::http::{header, Method, StatusCode};
use member_center::policy::AuthPolicy;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Options, TestApp, TestResponse};
use crate::support::{consent, send_code, PHONE_A, PHONE_B};

const NOW: &str = "2026-03-10T12:00:00+08:00";

async fn app_at(now: &str) -> TestApp {
    spawn_with(Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(now).unwrap()),
        ..Options::default()
    })
    .await
}

async fn login(app: &TestApp, body: Value) -> TestResponse {
    app.post_json("/api/auth/login", &body).await
}

fn with_consent(app: &TestApp, phone: &str, code: &str) -> Value {
    json!({ "phone": phone, "code": code, "consent_version": consent(app), "bearer": true })
}

async fn members(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM members", &[]).await
}

async fn sessions(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM sessions", &[]).await
}

async fn attempts(app: &TestApp, phone_e164: &str) -> i64 {
    app.scalar(
        "SELECT attempts FROM otp_codes WHERE phone_index = $1",
        &[&crate::helpers::phone_index(phone_e164)],
    )
    .await
}

async fn get_me(app: &TestApp, token: &str) -> TestResponse {
    app.call(Method::GET, "/api/me", Some(token), None).await
}

#[tokio::test]
async fn a_code_registers_with_consent_and_sets_an_http_only_cookie() {
    let app = app_at(NOW).await;
    let sent = app
        .post_json("/api/auth/otp", &json!({ "phone": PHONE_A }))
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.json());
    let body = sent.json();
    assert_eq!(body["expires_in_s"], 300);
    assert_eq!(body["resend_after_s"], 60);
    let code = body["dev_code"].as_str().unwrap().to_owned();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    // Stored salted and hashed, never as it is.
    let (salt, hash): (String, String) =
        sqlx::query_as("SELECT salt, code_sha256 FROM otp_codes WHERE phone_index = $1")
            .bind(crate::helpers::phone_index("+8613900000001"))
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(&code) && !salt.contains(&code));

    // No consent, or consent to another version: nobody is registered, the code stays.
    for version in [None, Some("2020-01-01")] {
        let res = login(
            &app,
            json!({ "phone": PHONE_A, "code": code, "consent_version": version }),
        )
        .await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "consent_required");
    }
    assert_eq!(members(&app).await, 0);
    assert_eq!(sessions(&app).await, 0);

    // Browsers: a cookie, no token in the body.
    let res = login(
        &app,
        json!({ "phone": PHONE_A, "code": code, "consent_version": consent(&app) }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    let body = res.json();
    assert_eq!(body["registered"], true);
    assert!(body.get("token").is_none(), "{body}");
    assert_eq!(body["expires_at"], "2026-04-09T12:00:00+08:00");
    let cookie = res.header(header::SET_COOKIE).to_owned();
    let token = cookie
        .strip_prefix("mc_session=")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    // 256 random bits, URL-safe base64 without padding.
    assert_eq!(token.len(), 43, "{cookie}");
    let attributes: Vec<&str> = cookie.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        [
            "Path=/",
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Max-Age=2592000"
        ]
    );
    // The session is stored hashed.
    let stored = app
        .scalar(
            "SELECT COUNT(*) FROM sessions WHERE token_sha256 = $1",
            &[&token],
        )
        .await;
    assert_eq!(stored, 0);
    assert_eq!(sessions(&app).await, 1);

    let cookie_header = format!("theme=dark; mc_session={token}");
    let me = app
        .call_with(
            Method::GET,
            "/api/me",
            &[("cookie", &cookie_header)],
            None,
            None,
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json());
    assert_eq!(me.json()["id"], body["member_id"]);
    assert_eq!(me.json()["role"], "member");
    assert_eq!(me.json()["phone_masked"], "139****0001");

    // The consent is recorded with its version and time.
    let export = app
        .call_with(
            Method::GET,
            "/api/me/export",
            &[("cookie", &cookie_header)],
            None,
            None,
        )
        .await;
    let consent_json = &export.json()["member"]["privacy_consent"];
    assert_eq!(consent_json["version"], consent(&app));
    assert_eq!(consent_json["at"], "2026-03-10T12:00:00+08:00");

    // The code is used up.
    login(&app, with_consent(&app, PHONE_A, &code))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "code_invalid");

    // The next login (any spelling of the phone) finds the member; no consent needed;
    // web-views get the token in the body and no cookie.
    app.set_now("2026-03-10T12:01:00+08:00");
    let code = send_code(&app, "+86 139-0000-0001").await;
    let res = login(
        &app,
        json!({ "phone": "8613900000001", "code": code, "bearer": true }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json()["registered"], false);
    assert_eq!(res.json()["member_id"], body["member_id"]);
    assert_eq!(res.header(header::SET_COOKIE), "");
    let bearer = res.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(bearer, token);
    assert_eq!(get_me(&app, &bearer).await.json()["id"], body["member_id"]);
    assert_eq!(members(&app).await, 1);
}

#[tokio::test]
async fn the_cli_creates_staff_and_admin_accounts() {
    let app = app_at(NOW).await;
    assert!(
        member_center::cli::create_user(&app.state.db, "staff", PHONE_A, None)
            .await
            .is_err(),
        "staff need their store"
    );
    member_center::db::stores::upsert(&app.state.db, "SH001", "上海静安店", 0)
        .await
        .unwrap();
    let id = member_center::cli::create_user(&app.state.db, "staff", PHONE_A, Some("SH001"))
        .await
        .unwrap();
    let token = app.login(PHONE_A).await;
    let me = get_me(&app, &token).await.json();
    assert_eq!(
        (me["id"].as_str().unwrap(), &me["role"]),
        (id.as_str(), &json!("staff"))
    );
    // Promoting an existing member keeps the account.
    let b = app.login(PHONE_B).await;
    let b_id = get_me(&app, &b).await.json()["id"].clone();
    let again = member_center::cli::create_user(&app.state.db, "admin", PHONE_B, None)
        .await
        .unwrap();
    assert_eq!(json!(again), b_id);
    assert_eq!(get_me(&app, &b).await.json()["role"], "admin");
    assert!(
        member_center::cli::create_user(&app.state.db, "staff", "12345", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn logout_ends_that_session_only_and_clears_the_cookie() {
    let app = app_at(NOW).await;
    let first = app.login(PHONE_A).await;
    app.set_now("2026-03-10T12:05:00+08:00");
    let second = app.login(PHONE_A).await;
    let res = app
        .call(Method::POST, "/api/auth/logout", Some(&first), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let cleared = res.header(header::SET_COOKIE);
    assert!(
        cleared.starts_with("mc_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    get_me(&app, &first)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(get_me(&app, &second).await.status, StatusCode::OK);
    // Logging out again with the dead token is harmless; with no session at all it is 401.
    let again = app
        .call(Method::POST, "/api/auth/logout", Some(&first), None)
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    app.call(Method::POST, "/api/auth/logout", None, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(get_me(&app, &second).await.status, StatusCode::OK);
    // The cookie works for logout too.
    let cookie = format!("mc_session={second}");
    let res = app
        .call_with(
            Method::POST,
            "/api/auth/logout",
            &[("cookie", &cookie)],
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    get_me(&app, &second)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(sessions(&app).await, 0);
}

#[tokio::test]
async fn wrong_missing_and_expired_codes_are_refused() {
    let app = app_at(NOW).await;
    // No code was ever sent.
    login(&app, with_consent(&app, PHONE_A, "123456"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "code_invalid");
    let code = send_code(&app, PHONE_A).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    login(&app, with_consent(&app, PHONE_A, wrong))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "code_invalid");
    // Another phone's code is not this phone's.
    let code_b = send_code(&app, PHONE_B).await;
    if code_b != code {
        login(&app, with_consent(&app, PHONE_A, &code_b))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "code_invalid");
    }
    // Valid for 5 minutes: at 4:59 it works (for B), at 5:00 it is gone (for A).
    app.set_now("2026-03-10T12:04:59+08:00");
    assert_eq!(
        login(&app, with_consent(&app, PHONE_B, &code_b))
            .await
            .status,
        StatusCode::OK
    );
    app.set_now("2026-03-10T12:05:00+08:00");
    login(&app, with_consent(&app, PHONE_A, &code))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "code_expired");
    assert_eq!(members(&app).await, 1);
    // A new code works.
    let code = send_code(&app, PHONE_A).await;
    assert_eq!(
        login(&app, with_consent(&app, PHONE_A, &code)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn five_wrong_tries_use_up_the_code_even_for_the_right_one() {
    let app = app_at(NOW).await;
    let code = send_code(&app, PHONE_A).await;
    let wrong: Vec<String> = (0..5)
        .map(|i| format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000))
        .collect();
    // Each wrong code says how many tries are left.
    for (i, guess) in wrong.iter().enumerate() {
        let res = login(&app, with_consent(&app, PHONE_A, guess)).await;
        res.assert_error(StatusCode::UNAUTHORIZED, "code_invalid");
        assert_eq!(res.json()["error"]["tries_left"], json!(4 - i));
    }
    assert_eq!(attempts(&app, "+8613900000001").await, 5);
    // The lock lasts until a new code may be sent (a minute after the last), and says so
    // to the second: 20 s after sending, 40 s are left.
    app.set_now("2026-03-10T12:00:20+08:00");
    for _ in 0..2 {
        let res = login(&app, with_consent(&app, PHONE_A, &code)).await;
        res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
        assert_eq!(res.header(header::RETRY_AFTER), "40");
    }
    let res = app
        .post_json("/api/auth/otp", &json!({ "phone": "+86 13900000001" }))
        .await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "code_sent_recently");
    assert_eq!(res.header(header::RETRY_AFTER), "40");
    assert_eq!(members(&app).await, 0);
    assert_eq!(sessions(&app).await, 0);
    // A new code (a minute later) starts a new count.
    app.set_now("2026-03-10T12:01:00+08:00");
    let code = send_code(&app, PHONE_A).await;
    assert_eq!(attempts(&app, "+8613900000001").await, 0);
    let res = login(&app, with_consent(&app, PHONE_A, &code)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
}

#[tokio::test]
async fn a_code_is_sent_at_most_once_a_minute_per_phone() {
    let app = app_at(NOW).await;
    let first = send_code(&app, PHONE_A).await;
    app.set_now("2026-03-10T12:00:59+08:00");
    let res = app
        .post_json("/api/auth/otp", &json!({ "phone": "+86 13900000001" }))
        .await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "code_sent_recently");
    assert_eq!(res.header(header::RETRY_AFTER), "1");
    // Another phone is not held up.
    send_code(&app, PHONE_B).await;
    // The first code still works after the refused resend...
    app.set_now("2026-03-10T12:01:00+08:00");
    let second = send_code(&app, PHONE_A).await;
    // ...but a new one replaces it.
    if first != second {
        login(&app, with_consent(&app, PHONE_A, &first))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "code_invalid");
    }
    assert_eq!(
        login(&app, with_consent(&app, PHONE_A, &second))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn codes_and_logins_are_limited_per_ip() {
    let app = spawn_with(Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap()),
        auth_policy: Some(AuthPolicy {
            codes_per_ip_per_hour: 3,
            logins_per_ip_per_hour: 2,
            ..AuthPolicy::default()
        }),
        ..Options::default()
    })
    .await;
    let otp = |phone: &'static str, ip: &'static str| {
        let app = &app;
        async move {
            app.call_with(
                Method::POST,
                "/api/auth/otp",
                &[],
                Some(ip),
                Some(&json!({ "phone": phone })),
            )
            .await
        }
    };
    for phone in ["13900000011", "13900000012", "13900000013"] {
        assert_eq!(otp(phone, "10.0.0.1").await.status, StatusCode::ACCEPTED);
    }
    let res = otp("13900000014", "10.0.0.1").await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(res.header(header::RETRY_AFTER).parse::<u64>().unwrap() >= 1);
    // Nothing was stored for the refused request; another address is not held up.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM otp_codes WHERE phone_index = $1",
            &[&crate::helpers::phone_index("+8613900000014")]
        )
        .await,
        0
    );
    assert_eq!(
        otp("13900000014", "10.0.0.2").await.status,
        StatusCode::ACCEPTED
    );
    // Login tries: 2 an hour from one address, right or wrong; the third is refused before
    // the code is even looked at.
    let try_login = |ip: &'static str| {
        let app = &app;
        async move {
            let body = json!({ "phone": "13900000011", "code": "000000" });
            app.call_with(Method::POST, "/api/auth/login", &[], Some(ip), Some(&body))
                .await
        }
    };
    for _ in 0..2 {
        assert_eq!(try_login("10.0.0.3").await.status, StatusCode::UNAUTHORIZED);
    }
    try_login("10.0.0.3")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert_eq!(attempts(&app, "+8613900000011").await, 2);
    assert_eq!(try_login("10.0.0.4").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_dev_mode_the_code_is_never_returned() {
    let app = spawn_with(Options {
        no_dev_codes: true,
        ..Options::default()
    })
    .await;
    let res = app
        .post_json("/api/auth/otp", &json!({ "phone": PHONE_A }))
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    let body = res.json();
    assert!(body.get("dev_code").is_none(), "{body}");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["expires_in_s", "resend_after_s"]
    );
}

#[tokio::test]
async fn a_session_expires_after_thirty_days() {
    let app = app_at(NOW).await;
    let token = app.login(PHONE_A).await;
    app.set_now("2026-04-09T11:59:59+08:00");
    assert_eq!(get_me(&app, &token).await.status, StatusCode::OK);
    app.set_now("2026-04-09T12:00:00+08:00");
    get_me(&app, &token)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    app.call(Method::POST, "/api/me/checkin", Some(&token), None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    // Moving the clock back does not matter for a tampered token.
    app.set_now(NOW);
    let mut tampered = token.clone().into_bytes();
    tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    get_me(&app, &tampered)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn bad_login_input_is_refused_and_changes_nothing() {
    let app = app_at(NOW).await;
    let code = send_code(&app, PHONE_A).await;
    let otp_cases = [
        (json!({ "phone": "1390000000" }), "invalid_phone"),
        (json!({ "phone": "23900000001" }), "invalid_phone"),
        (json!({ "phone": "+1 13900000001" }), "invalid_phone"),
        (json!({ "phone": "" }), "invalid_phone"),
        (json!({ "phone": 13900000003_i64 }), "invalid_request"),
        (json!({}), "invalid_request"),
        (json!({ "phone": "13900000003", "x": 1 }), "invalid_request"),
    ];
    for (body, code) in otp_cases {
        app.post_json("/api/auth/otp", &body)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    app.post_raw("/api/auth/otp", "{\"phone\":")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_json");
    app.send(
        Method::POST,
        "/api/auth/otp",
        Some("text/plain"),
        "{\"phone\":\"13900000003\"}",
    )
    .await
    .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let v = consent(&app);
    let login_cases = [
        (
            json!({ "phone": "1390000000", "code": code }),
            "invalid_phone",
        ),
        (json!({ "phone": PHONE_A, "code": "12345" }), "invalid_code"),
        (
            json!({ "phone": PHONE_A, "code": "1234567" }),
            "invalid_code",
        ),
        (
            json!({ "phone": PHONE_A, "code": "12a456" }),
            "invalid_code",
        ),
        (json!({ "phone": PHONE_A, "code": "" }), "invalid_code"),
        (
            json!({ "phone": PHONE_A, "code": 123456 }),
            "invalid_request",
        ),
        (json!({ "phone": PHONE_A }), "invalid_request"),
        (
            json!({ "phone": PHONE_A, "code": code, "consent_version": v, "bearer": "yes" }),
            "invalid_request",
        ),
        (
            json!({ "phone": PHONE_A, "code": code, "consent_version": v, "role": "admin" }),
            "invalid_request",
        ),
    ];
    for (body, code) in login_cases {
        login(&app, body)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    // None of it counted as a try, stored a code or registered anyone.
    assert_eq!(attempts(&app, "+8613900000001").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM otp_codes", &[]).await, 1);
    assert_eq!(members(&app).await, 0);
    // The code still works.
    let res = login(&app, with_consent(&app, PHONE_A, &code)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
}

/// Two servers on one database count the same tries: a script alternating between them
/// gets no more than from one. The counts are kept per window and forgotten by the jobs
/// once the window has ended.
#[tokio::test]
async fn two_servers_on_one_database_share_the_limits() {
    let one = spawn_with(Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap()),
        auth_policy: Some(AuthPolicy {
            logins_per_ip_per_hour: 3,
            ..AuthPolicy::default()
        }),
        ..Options::default()
    })
    .await;
    let two = one.second_server();
    async fn try_login(app: &TestApp) -> TestResponse {
        let body = json!({ "phone": "13900000031", "code": "000000" });
        app.call_with(
            Method::POST,
            "/api/auth/login",
            &[],
            Some("10.0.2.1"),
            Some(&body),
        )
        .await
    }
    async fn rows(app: &TestApp) -> i64 {
        app.scalar("SELECT COUNT(*) FROM rate_counts", &[]).await
    }
    for app in [&one, &two, &one] {
        assert_eq!(try_login(app).await.status, StatusCode::UNAUTHORIZED);
    }
    for app in [&two, &one] {
        let res = try_login(app).await;
        res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
        // 12:00 local is 04:00 UTC: the hour's window ends in 3,600 s.
        assert_eq!(res.header(header::RETRY_AFTER), "3600");
    }
    // The next hour is a new window, on both.
    one.set_now("2026-03-10T13:00:00+08:00");
    assert_eq!(try_login(&two).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(rows(&one).await, 2);
    // The jobs forget the ended windows (the longest limit counts a day).
    let program = rules::Program::default_program();
    let db = &one.state.db;
    member_center::workflows::jobs::run(db, &program, "2026-03-11".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(rows(&one).await, 2, "windows of the last day are kept");
    let report = member_center::workflows::jobs::run(db, &program, "2026-03-13".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(report.limit_windows_pruned, 2);
    assert_eq!(rows(&two).await, 0);
}

#[tokio::test]
async fn codes_per_phone_are_limited_per_day_whatever_the_address() {
    let app = spawn_with(Options {
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap()),
        auth_policy: Some(AuthPolicy {
            codes_per_phone_per_day: 2,
            resend_after: std::time::Duration::ZERO,
            ..AuthPolicy::default()
        }),
        ..Options::default()
    })
    .await;
    let otp = |ip: &'static str| {
        let app = &app;
        async move {
            let body = json!({ "phone": "13900000021" });
            app.call_with(Method::POST, "/api/auth/otp", &[], Some(ip), Some(&body))
                .await
        }
    };
    assert_eq!(otp("10.0.1.1").await.status, StatusCode::ACCEPTED);
    assert_eq!(otp("10.0.1.2").await.status, StatusCode::ACCEPTED);
    otp("10.0.1.3")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_codes");
}
