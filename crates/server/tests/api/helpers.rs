//! A test app: the real router over a temporary database, and a small request helper.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use member_center::clock::Clock;
use member_center::routes::static_files::Site;
use member_center::security::FrameAncestors;
use member_center::{app, db, demo_seed, AppState};
use rules::Program;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    /// Where its database is (a backup's source).
    pub database_url: String,
    router: Router,
    /// Holds the database file (and any dist folder) until the test ends.
    _dir: TempDir,
}

/// The tests' key file (`keys generate`'s shape): installed in this process by
/// [`install_data_keys`], and given to the binary as `MC_DATA_KEYS` (`process.rs`), so
/// both read what the other sealed.
pub const DATA_KEYS: &str = "index:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n\
                             k1:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=\n";

/// A phone's blind index under the tests' keys: how storage finds a phone (E.164).
pub fn phone_index(e164: &str) -> String {
    member_center::vault::Keyring::parse(DATA_KEYS)
        .unwrap()
        .phone_index(e164)
}

pub fn install_data_keys() {
    let keys = member_center::vault::Keyring::parse(DATA_KEYS).expect("the tests' keys");
    member_center::vault::install(keys).expect("one set of keys for every test");
}

/// The database of one test: a fresh SQLite file, or — when `MC_TEST_POSTGRES_URL` is set
/// (`cargo xtask test` sets it for its PostgreSQL pass) — a fresh schema of that database.
pub async fn test_database(dir: &TempDir) -> db::Db {
    let url = test_database_url(dir).await;
    let pool = db::connect(&url).await.expect("database");
    db::migrate(&pool).await.expect("migrations");
    pool
}

/// The URL of a fresh, empty test database (see [`test_database`]).
pub async fn test_database_url(dir: &TempDir) -> String {
    install_data_keys();
    match std::env::var("MC_TEST_POSTGRES_URL") {
        Ok(base) => {
            let schema = format!(
                "t_{}",
                member_center::crypto::random_token(9).to_lowercase()
            )
            .replace('-', "_");
            db::create_postgres_schema(&base, &schema)
                .await
                .expect("a schema of its own")
        }
        Err(_) => format!("sqlite://{}", dir.path().join("test.db").display()),
    }
}

#[derive(Default)]
pub struct Options {
    pub demo: bool,
    /// Files of a fake Trunk build: (name, content).
    pub dist: Option<Vec<(&'static str, Vec<u8>)>>,
    pub frame_ancestors: Option<&'static str>,
    /// The mini-program side of `/host.js` (`--jssdk-url`, the host's pages).
    pub host_bridge: Option<member_center::routes::host_bridge::HostBridge>,
    /// Where the pinned clock starts (default: the real now).
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// One-time codes are not returned as `dev_code` (production mode).
    pub no_dev_codes: bool,
    /// The login's numbers (default: `AuthPolicy::default()`).
    pub auth_policy: Option<member_center::policy::AuthPolicy>,
    /// The program (default: the shipped one).
    pub program: Option<Program>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `--base-path` (default: the root).
    pub base_path: Option<&'static str>,
    /// `--metrics-token` (default: no `/metrics`).
    pub metrics_token: Option<&'static str>,
    /// `--sms-sender` (default: none).
    pub sms: Option<member_center::sms::Sender>,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_demo() -> TestApp {
    spawn_with(Options {
        demo: true,
        ..Options::default()
    })
    .await
}

pub async fn spawn_with(options: Options) -> TestApp {
    install_data_keys();
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = test_database_url(&dir).await;
    let pool = db::connect(&database_url).await.expect("database");
    db::migrate(&pool).await.expect("migrations");
    let mut state = AppState::new(
        options.program.unwrap_or_else(Program::default_program),
        pool,
    )
    .with_demo(options.demo)
    .with_dev_codes(!options.no_dev_codes)
    .with_clock(Clock::pinned(options.now.unwrap_or_else(now)));
    state = state
        .with_trusted_proxies(options.trusted_proxies)
        .with_metrics_token(options.metrics_token)
        .with_sms(options.sms);
    let base: member_center::base_path::BasePath =
        options.base_path.unwrap_or("/").parse().expect("base path");
    state = state.with_base_path(base.clone());
    if let Some(policy) = options.auth_policy {
        state = state.with_auth_policy(policy);
    }
    if options.demo {
        demo_seed::seed(&state.db, &state.program.program, now())
            .await
            .expect("seed");
    }
    if let Some(files) = options.dist {
        let dist = dir.path().join("dist");
        for (name, content) in files {
            let path = dist.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        state = state.with_site(Site::load(&dist, &base, options.demo).expect("site"));
    }
    if let Some(origins) = options.frame_ancestors {
        let origins: FrameAncestors = origins.parse().expect("origins");
        state = state.with_frame_ancestors(origins);
    }
    if let Some(bridge) = options.host_bridge {
        state = state.with_host_bridge(bridge);
    }
    TestApp {
        router: app(state.clone()),
        state,
        database_url,
        _dir: dir,
    }
}

impl TestApp {
    /// A second server on this one's database, as another `serve` process would be: its
    /// own state in memory (nothing shared but the database), the same settings.
    pub fn second_server(&self) -> TestApp {
        let program = self.state.program.program.clone();
        let state = AppState::new(program, self.state.db.clone())
            .with_dev_codes(self.state.dev_codes)
            .with_clock(self.state.clock.clone())
            .with_auth_policy((*self.state.auth).clone());
        TestApp {
            router: app(state.clone()),
            state,
            database_url: self.database_url.clone(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A server like this one on another database (a restored backup, say), with this
    /// one's program and clock.
    pub async fn on_database(&self, url: &str) -> TestApp {
        let pool = db::connect(url).await.expect("database");
        let program = self.state.program.program.clone();
        let state = AppState::new(program, pool)
            .with_dev_codes(self.state.dev_codes)
            .with_clock(self.state.clock.clone());
        TestApp {
            router: app(state.clone()),
            state,
            database_url: url.to_owned(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// This app and a [`TestApp::second_server`] served over real HTTP, as two `serve`
    /// processes on one database with clients alternating between them. Returns their base
    /// URLs; the servers stop when the returned [`Servers`] is dropped.
    pub async fn serve_two(&self) -> ([String; 2], Servers) {
        let mut bases = vec![];
        let mut tasks = vec![];
        for state in [self.state.clone(), self.second_server().state] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            bases.push(format!("http://{}", listener.local_addr().unwrap()));
            tasks.push(tokio::spawn(member_center::serve(
                listener,
                state,
                std::future::pending(),
            )));
        }
        (bases.try_into().unwrap(), Servers(tasks))
    }
}

/// Servers started by [`TestApp::serve_two`], stopped when dropped.
pub struct Servers(Vec<tokio::task::JoinHandle<std::io::Result<()>>>);

impl Drop for Servers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    pub fn header(&self, name: impl header::AsHeaderName) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
            .unwrap_or("")
    }

    /// Asserts an error answer: its status and its code, in our body shape.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let json = self.json();
        assert_eq!(json["error"]["code"], code, "{json}");
        assert!(json["error"]["message"].is_string(), "{json}");
        assert_eq!(self.header(header::CONTENT_TYPE), "application/json");
    }
}

impl TestApp {
    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = res.into_parts();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.expect("body").to_bytes(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.request(req.body(Body::empty()).unwrap()).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.request(req.body(body.into()).unwrap()).await
    }

    /// A request with an optional bearer token (session or API key) and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(token) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.request(req.body(body).unwrap()).await
    }

    /// A request with extra headers (a cookie, say), an optional JSON body, and the client
    /// address the per-IP limits see (in-process requests have none: 127.0.0.1).
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        ip: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(json) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).unwrap();
        if let Some(ip) = ip {
            let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("IP");
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
        }
        self.request(req).await
    }

    /// One number from the database, e.g. a count, with text parameters `$1`, `$2`, ….
    pub async fn scalar(&self, sql: &str, params: &[&str]) -> i64 {
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        for p in params {
            query = query.bind(*p);
        }
        query
            .fetch_one(&self.state.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Logs in (registering if new) through the real OTP flow; returns a bearer token.
    pub async fn login(&self, phone: &str) -> String {
        self.login_with(phone, serde_json::json!({})).await
    }

    /// `login` with more fields in the login's body (`{"store": "SH001"}`).
    pub async fn login_with(&self, phone: &str, extra: Value) -> String {
        let sent = self
            .post_json("/api/auth/otp", &serde_json::json!({ "phone": phone }))
            .await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.json());
        let code = sent.json()["dev_code"].as_str().unwrap().to_owned();
        let version = &self.state.program.program.membership.privacy_notice_version;
        let mut body = serde_json::json!({ "phone": phone, "code": code, "consent_version": version, "bearer": true });
        for (k, v) in extra.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let res = self.post_json("/api/auth/login", &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json());
        res.json()["token"].as_str().unwrap().to_owned()
    }

    /// A fresh shop API key.
    pub async fn api_key(&self) -> String {
        let (_, key) = db::auth::create_api_key(&self.state.db, "test shop", 0)
            .await
            .expect("api key");
        key
    }

    /// Moves the pinned clock.
    #[allow(dead_code)] // used by some test modules only
    pub fn set_now(&self, at: &str) {
        self.state
            .clock
            .set(chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339"));
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> TestResponse {
        self.post_raw(path, body.to_string()).await
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<Body>) -> TestResponse {
        self.send(Method::POST, path, Some("application/json"), body)
            .await
    }
}
