//! `member-center`: the member center's JSON API, its storage and the built app's files.
//!
//! [`app`] builds the whole HTTP service from an [`AppState`], so tests drive it in-process
//! with `tower::ServiceExt::oneshot` and the binary only adds a listener ([`serve`]).

pub mod auth;
pub mod backup;
pub mod base_path;
pub mod cli;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod demo_seed;
pub mod error;
pub mod extract;
pub mod observe;
pub mod policy;
pub mod precompressed;
pub mod reads;
pub mod routes;
pub mod security;
pub mod sms;
pub mod vault;
pub mod workflows;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::Router;
use rules::Program;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::RememberedShopKeys;
use crate::base_path::BasePath;
use crate::clock::Clock;
use crate::db::sqlite_reads::SqliteReads;
use crate::db::Db;
use crate::policy::AuthPolicy;
use crate::precompressed::Precompressed;
use crate::routes::host_bridge::HostBridge;
use crate::routes::static_files::Site;
use crate::security::FrameAncestors;
use crate::workflows::limits::RequestLimits;
use crate::workflows::orders::group_commit::OrderWriter;

/// Request bodies above this are refused with 413 `payload_too_large`; a quote with the
/// program's largest cart and wallet stays far below it.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// What every handler can reach. Cheap to clone: everything big is behind an `Arc`.
#[derive(Clone)]
pub struct AppState {
    pub program: Arc<LoadedProgram>,
    pub db: Db,
    /// Demo mode: demo members are seeded and `/api/demo/*` answers.
    pub demo: bool,
    /// The built app, when serving it.
    pub site: Option<Arc<Site>>,
    pub frame_ancestors: FrameAncestors,
    /// The mini-program side of `/host.js` (its JS-SDK, the host's pages).
    pub host_bridge: Arc<HostBridge>,
    /// "Now" for every rule; tests pin it.
    pub clock: Clock,
    pub auth: Arc<AuthPolicy>,
    pub limits: Arc<RequestLimits>,
    /// Demo/dev mode: one-time codes are logged and returned as `dev_code`.
    pub dev_codes: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (see `auth::client_ip`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The shop's orders are recorded through this (group commit on SQLite).
    pub orders: Arc<OrderWriter>,
    /// The shops' keys the order route has found valid (`auth::RememberedShopKey`).
    pub shop_keys: Arc<RememberedShopKeys>,
    /// `--public-url`: where shoppers reach the app, for the hosts' login links.
    pub public_url: Option<Arc<str>>,
    /// `--base-path`: the prefix everything is served under (empty at the root).
    pub base_path: Arc<BasePath>,
    /// `GET /api/me`'s read path on an SQLite file (`db::sqlite_reads`).
    pub sqlite_reads: Option<Arc<SqliteReads>>,
    /// `--sms-sender`: how login codes reach phones (none: development mode shows them).
    pub sms: Option<Arc<sms::Sender>>,
    /// `--metrics-token`: who may read `/metrics` (without it, no `/metrics`).
    pub metrics: Option<observe::MetricsAccess>,
}

impl AppState {
    pub fn new(program: Program, db: Db) -> AppState {
        let auth = AuthPolicy::default();
        let sqlite_reads = SqliteReads::of(&db).map(Arc::new);
        AppState {
            program: Arc::new(LoadedProgram::new(program)),
            orders: Arc::new(OrderWriter::new(db.clone())),
            shop_keys: Arc::default(),
            sqlite_reads,
            db,
            demo: false,
            site: None,
            frame_ancestors: FrameAncestors::default(),
            host_bridge: Arc::default(),
            clock: Clock::system(),
            limits: RequestLimits::new(&auth),
            auth: Arc::new(auth),
            dev_codes: false,
            trusted_proxies: Arc::new([]),
            public_url: None,
            base_path: Arc::default(),
            metrics: None,
            sms: None,
        }
    }

    pub fn with_sms(mut self, sender: Option<sms::Sender>) -> AppState {
        self.sms = sender.map(Arc::new);
        self
    }

    /// `/metrics` for holders of this bearer token.
    pub fn with_metrics_token(mut self, token: Option<&str>) -> AppState {
        self.metrics = token.map(observe::MetricsAccess::new);
        self
    }

    pub fn with_public_url(mut self, url: Option<String>) -> AppState {
        self.public_url = url.map(Into::into);
        self
    }

    /// Demo mode also turns on dev codes.
    pub fn with_demo(mut self, demo: bool) -> AppState {
        self.demo = demo;
        self.dev_codes |= demo;
        self
    }

    pub fn with_dev_codes(mut self, dev_codes: bool) -> AppState {
        self.dev_codes = dev_codes;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> AppState {
        self.clock = clock;
        self
    }

    pub fn with_auth_policy(mut self, policy: AuthPolicy) -> AppState {
        self.limits = RequestLimits::new(&policy);
        self.auth = Arc::new(policy);
        self
    }

    pub fn with_site(mut self, site: Site) -> AppState {
        self.site = Some(Arc::new(site));
        self
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> AppState {
        self.trusted_proxies = proxies.into();
        self
    }

    pub fn with_frame_ancestors(mut self, frame_ancestors: FrameAncestors) -> AppState {
        self.frame_ancestors = frame_ancestors;
        self
    }

    /// Serve under a prefix. The site (if any) must have been loaded with the same one.
    pub fn with_base_path(mut self, base: BasePath) -> AppState {
        self.base_path = Arc::new(base);
        self
    }

    pub fn with_host_bridge(mut self, bridge: HostBridge) -> AppState {
        self.host_bridge = Arc::new(bridge);
        self
    }
}

/// The program, with its JSON, compressed and tagged once: it never changes while running.
pub struct LoadedProgram {
    pub program: Program,
    /// Its JSON as served, in each encoding, each with its strong ETag.
    pub json: Precompressed,
    /// The home's part of it (`contract::program::HomeProgram`), the same way.
    pub home_json: Precompressed,
    /// The other screens' part (`contract::program::ScreensProgram`), the same way.
    pub screens_json: Precompressed,
}

impl LoadedProgram {
    pub fn new(program: Program) -> LoadedProgram {
        let json = serde_json::to_vec(&program).expect("a program always serializes");
        let home = contract::program::HomeProgram::of(&program);
        let home_json = serde_json::to_vec(&home).expect("a program always serializes");
        let screens = contract::program::ScreensProgram::of(&program);
        let screens_json = serde_json::to_vec(&screens).expect("a program always serializes");
        LoadedProgram {
            program,
            json: Precompressed::new(json),
            home_json: Precompressed::new(home_json),
            screens_json: Precompressed::new(screens_json),
        }
    }
}

/// The whole HTTP service: `/api/*`, then the built app for every other path.
pub fn app(state: AppState) -> Router {
    let headers = security::SecurityHeaders::new(
        state.site.as_deref().map(Site::inline_hashes),
        &state.frame_ancestors,
        state.host_bridge.jssdk_url.as_deref(),
        &state.program.program.mall.image_origins(),
    );
    // Answers of the API are about one member, or short-lived: no cache keeps them unless
    // the route says otherwise (`/api/program` is revalidated by its ETag).
    let api = routes::api_router().layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let base = state.base_path.clone();
    observe::install();
    // Counted by route: the routes so far (the API, the bridge), not the app's files.
    let site = Router::new()
        .nest("/api", api)
        .route("/host.js", axum::routing::get(routes::host_bridge::script))
        .route_layer(observe::RecordLayer)
        .fallback(routes::static_files::serve)
        .with_state(state.clone());
    // Under `--base-path /member` the handlers see paths without the prefix, and
    // everything outside it is a 404 (in the API's error shape).
    let probes = observe::router().with_state(state);
    let router = if base.is_root() {
        probes.merge(site)
    } else {
        probes.fallback_service(tower::service_fn(move |mut req: axum::extract::Request| {
            let site = site.clone();
            let inside = base.strip(req.uri());
            async move {
                match inside {
                    Some(uri) => {
                        *req.uri_mut() = uri;
                        tower::ServiceExt::oneshot(site, req).await
                    }
                    None => Ok(error::ApiError::NotFound.into_response()),
                }
            }
        }))
    };
    headers
        .apply(router)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        // A bug must not drop the connection: a panic answers our generic 500.
        .layer(CatchPanicLayer::custom(|_| {
            error::ApiError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
        .layer(CompressionLayer::new())
        // One line per request at INFO (the default filter shows it; RUST_LOG tunes it).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Every request gets an id (a proxy's own `X-Request-Id` is kept), in its log
        // span and on its answer, so a shopper's report meets the log line.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// A request's log line: its method and path, never its query (a host's `?login=` code)
/// nor a calendar feed's secret token (`/api/calendar/{token}.ics`).
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
        version = ?request.version(),
        request_id = %request_id(request),
    )
}

/// The request's id as set by `SetRequestIdLayer`; one a client sent that is not a short
/// plain token is not repeated into the log.
fn request_id<B>(request: &axum::http::Request<B>) -> &str {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let plain = id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain {
        id
    } else {
        "(not shown)"
    }
}

fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    // Wherever the API is mounted (`--base-path`).
    match path.find("/api/calendar/") {
        Some(at) => format!("{}/api/calendar/…", &path[..at]).into(),
        None => path.into(),
    }
}

/// Serves `app(state)` on a bound listener until `shutdown` completes; requests in flight
/// are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address feeds the per-IP login limits.
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C or SIGTERM (what a container runtime or systemd sends).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn a_feeds_secret_never_reaches_the_log_under_any_base_path() {
        assert_eq!(loggable_path("/api/calendar/s3cret.ics"), "/api/calendar/…");
        assert_eq!(
            loggable_path("/member/api/calendar/s3cret.ics"),
            "/member/api/calendar/…"
        );
        assert_eq!(loggable_path("/member/api/me"), "/member/api/me");
    }
}
