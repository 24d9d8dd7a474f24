//! Login codes delivered by the webhook sender to a fake receiver that checks the
//! signature as an operator's endpoint would: the code arrives once, signed, in the
//! shopper's language, and logs in; a provider that fails or hangs answers 503
//! `sms_unavailable` and leaves no code pending (the shopper may ask again at once).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::Router;
use member_center::sms::webhook::{signature, Webhook};
use member_center::sms::Sender;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Options, TestApp};
use crate::process::ServerProcess;

pub const SECRET: &str = "a-webhook-secret-of-32-characters!";
const PHONE: &str = "13912345678";

/// How the fake receiver answers.
#[derive(Clone, Copy)]
pub enum Behaviour {
    Accept,
    Fail,
    Hang,
}

#[derive(Clone)]
pub struct Receiver {
    pub behaviour: Arc<Mutex<Behaviour>>,
    /// The bodies received with a valid signature.
    pub received: Arc<Mutex<Vec<Value>>>,
    /// Requests whose signature did not verify.
    pub forged: Arc<Mutex<usize>>,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let timestamp: i64 = headers["x-mc-timestamp"].to_str().unwrap().parse().unwrap();
    let given = headers["x-mc-signature"].to_str().unwrap();
    let fresh = (chrono::Utc::now().timestamp() - timestamp).abs() < 300;
    if given != signature(SECRET.as_bytes(), timestamp, &body) || !fresh {
        *r.forged.lock().unwrap() += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let behaviour = *r.behaviour.lock().unwrap();
    match behaviour {
        Behaviour::Accept => {
            r.received
                .lock()
                .unwrap()
                .push(serde_json::from_str(&body).unwrap());
            StatusCode::NO_CONTENT
        }
        Behaviour::Fail => StatusCode::BAD_GATEWAY,
        Behaviour::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::NO_CONTENT
        }
    }
}

/// A receiver on a free local port, and its URL.
pub async fn receiver() -> (Receiver, String) {
    let r = Receiver {
        behaviour: Arc::new(Mutex::new(Behaviour::Accept)),
        received: Arc::default(),
        forged: Arc::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (r, url)
}

async fn app_sending_to(url: &str) -> TestApp {
    spawn_with(Options {
        no_dev_codes: true,
        sms: Some(Sender::Webhook(Webhook::new(url, SECRET).unwrap())),
        ..Options::default()
    })
    .await
}

async fn ask_for_code(app: &TestApp, language: &str) -> crate::helpers::TestResponse {
    let headers = [("accept-language", language)];
    let body = json!({ "phone": PHONE });
    app.call_with(Method::POST, "/api/auth/otp", &headers, None, Some(&body))
        .await
}

#[tokio::test]
async fn the_code_reaches_the_webhook_signed_and_logs_in() {
    let (receiver, url) = receiver().await;
    let app = app_sending_to(&url).await;
    let sent = ask_for_code(&app, "en-GB,en;q=0.9").await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.json());
    assert!(
        sent.json()["dev_code"].is_null(),
        "never shown with a sender"
    );

    let received = receiver.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "{received:?}");
    let message = &received[0];
    assert_eq!(message["purpose"], "login_code");
    assert_eq!(message["phone"], format!("+86{PHONE}"), "E.164");
    assert_eq!(message["locale"], "en");
    let code = message["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    let expires =
        chrono::DateTime::parse_from_rfc3339(message["expires_at"].as_str().unwrap()).unwrap();
    let ttl = expires - app.state.clock.now();
    let ttl_ms = app.state.auth.code_ttl.as_millis() as i64;
    assert!((ttl.num_milliseconds() - ttl_ms).abs() <= 1, "{ttl}");
    assert_eq!(*receiver.forged.lock().unwrap(), 0);

    let version = &app.state.program.program.membership.privacy_notice_version;
    let login = app
        .post_json(
            "/api/auth/login",
            &json!({ "phone": PHONE, "code": code, "consent_version": version, "bearer": true }),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.json());

    // Chinese for everyone else (the code was used: a new one may be asked for).
    let again = ask_for_code(&app, "zh-CN,zh;q=0.9").await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.json());
    assert_eq!(receiver.received.lock().unwrap()[1]["locale"], "zh");
}

#[tokio::test]
async fn a_signature_under_another_secret_is_refused_by_the_receiver() {
    let (receiver, url) = receiver().await;
    let wrong = "another-secret-of-at-least-32-chars";
    let app = spawn_with(Options {
        no_dev_codes: true,
        sms: Some(Sender::Webhook(Webhook::new(&url, wrong).unwrap())),
        ..Options::default()
    })
    .await;
    let res = ask_for_code(&app, "zh").await;
    res.assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");
    assert_eq!(*receiver.forged.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_failing_provider_answers_503_and_leaves_no_code_pending() {
    let (receiver, url) = receiver().await;
    let app = app_sending_to(&url).await;
    *receiver.behaviour.lock().unwrap() = Behaviour::Fail;
    let res = ask_for_code(&app, "zh").await;
    res.assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");
    assert_eq!(res.header("retry-after"), "10");
    let message = res.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("try again"), "{message}");
    let pending = app
        .scalar(
            "SELECT COUNT(*) FROM otp_codes WHERE phone_index = $1",
            &[&crate::helpers::phone_index(&format!("+86{PHONE}"))],
        )
        .await;
    assert_eq!(pending, 0, "the failed code was withdrawn");

    // Not held back by the resend wait: the provider is back, the code arrives.
    *receiver.behaviour.lock().unwrap() = Behaviour::Accept;
    let res = ask_for_code(&app, "zh").await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json());
    assert_eq!(receiver.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_provider_that_hangs_is_given_up_on_within_the_timeout() {
    let (receiver, url) = receiver().await;
    let app = app_sending_to(&url).await;
    *receiver.behaviour.lock().unwrap() = Behaviour::Hang;
    let started = std::time::Instant::now();
    let res = ask_for_code(&app, "zh").await;
    res.assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");
    let waited = started.elapsed();
    assert!(
        waited >= member_center::sms::SEND_TIMEOUT && waited < Duration::from_secs(15),
        "{waited:?}"
    );
}

/// The real binary, its log at every level (`RUST_LOG=trace`) through a whole login by
/// the webhook sender and a failed delivery: no code, no full phone, no secret in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_code_phone_or_secret_reaches_the_log() {
    let (receiver, url) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let server = tokio::task::spawn_blocking({
        let (dir, url) = (dir.path().to_owned(), url.clone());
        move || {
            ServerProcess::start(
                &dir,
                &["--sms-sender", "webhook", "--sms-webhook-url", &url],
                &[("MC_SMS_WEBHOOK_SECRET", SECRET), ("RUST_LOG", "trace")],
            )
        }
    })
    .await
    .unwrap();
    let server = Arc::new(server);
    let post = |path: &'static str, body: Value| {
        let server = server.clone();
        tokio::task::spawn_blocking(move || server.post_status(path, &body))
    };
    assert_eq!(
        post("/api/auth/otp", json!({ "phone": PHONE }))
            .await
            .unwrap(),
        202
    );
    let code = receiver.received.lock().unwrap()[0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    *receiver.behaviour.lock().unwrap() = Behaviour::Fail;
    let login = json!({
        "phone": PHONE, "code": code, "consent_version": "2026-11-01", "bearer": true
    });
    assert_eq!(post("/api/auth/login", login).await.unwrap(), 200);
    assert_eq!(
        post("/api/auth/otp", json!({ "phone": PHONE }))
            .await
            .unwrap(),
        503
    );
    let text = Arc::into_inner(server).unwrap().stop_and_read_log();
    assert!(text.contains("login code not delivered"), "{text}");
    assert!(text.contains("139****5678"), "the phone, masked: {text}");
    for secret in [code.as_str(), PHONE, SECRET] {
        assert!(!text.contains(secret), "{secret} is in the log");
    }
}

/// The app says which language it shows; that language wins over the browser's.
#[tokio::test]
async fn the_apps_language_decides_the_messages() {
    let (receiver, url) = receiver().await;
    let app = app_sending_to(&url).await;
    let body = json!({ "phone": PHONE, "locale": "zh" });
    let headers = [("accept-language", "en-US,en;q=0.9")];
    let res = app
        .call_with(Method::POST, "/api/auth/otp", &headers, None, Some(&body))
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json());
    assert_eq!(receiver.received.lock().unwrap()[0]["locale"], "zh");
}
