//! Seeing the server run, from outside: `GET /healthz` (the process answers), `GET /readyz`
//! (the database answers, its migrations are this binary's, the program is loaded) and
//! `GET /metrics` (Prometheus text, behind `--metrics-token`). All three live at the
//! server's root, outside `--base-path` (a load balancer's or Prometheus's address, not
//! the shoppers'), need no session, and tell an anonymous caller no more than ok / not ok.
//!
//! Every request is counted and timed by route and status (`requests::RecordLayer`): the
//! route is axum's matched pattern (`/api/me/orders`, `/api/calendar/{file}`), never the
//! path itself, so a token in a path never becomes a label and the number of series stays
//! bounded.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};

use crate::crypto::same_secret;
use crate::{db, AppState};

mod requests;
pub use requests::RecordLayer;

/// Request durations' histogram buckets, seconds: from a cached answer to a slow write.
const SECONDS_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// How often recorded histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Who may read `/metrics`: a bearer token from configuration, kept as given.
#[derive(Clone)]
pub struct MetricsAccess {
    token: Arc<str>,
    handle: PrometheusHandle,
}

impl MetricsAccess {
    /// `/metrics` for holders of `token` (`None`: no `/metrics`, a 404).
    pub fn new(token: &str) -> MetricsAccess {
        MetricsAccess {
            token: token.into(),
            handle: recorder().clone(),
        }
    }
}

/// The process's one recorder: `metrics`' macros write to a global, so every server in a
/// process (the tests start many) shares it.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets(&SECONDS_BUCKETS)
            .expect("the buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed");
        // Histogram samples are kept raw until folded into their buckets: without a
        // scrape they would pile up, so they are folded every few seconds regardless.
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            })
            .expect("a thread for the metrics' upkeep");
        handle
    })
}

/// Starts recording (before the first request is counted), whether or not anyone reads
/// `/metrics` yet.
pub fn install() {
    recorder();
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match db::migrations_current(&state.db).await {
        Ok(true) => "ok".into_response(),
        Ok(false) => {
            tracing::warn!("not ready: the database's migrations are not this binary's");
            not_ready()
        }
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            not_ready()
        }
    }
}

fn not_ready() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
}

async fn metrics_text(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(access) = &state.metrics else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|t| same_secret(t.as_bytes(), access.token.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    pool_gauges(&state.db);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        access.handle.render(),
    )
        .into_response()
}

/// The database pool as it is now: connections open and idle.
fn pool_gauges(db: &db::Db) {
    metrics::gauge!("db_pool_connections").set(f64::from(db.size()));
    metrics::gauge!("db_pool_idle_connections").set(db.num_idle() as f64);
}
