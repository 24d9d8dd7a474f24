//! Every request counted and timed by method, route and status, as a plain tower layer
//! around each route: no boxed service or future of its own, and the series found by the
//! route's pattern without building a key, so the order path pays two atomic updates.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{LazyLock, RwLock};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use metrics::{Counter, Histogram};
use tower::{Layer, Service};

/// Counts and times the requests of the routes it is laid around (`route_layer`: only
/// there is the matched route known).
#[derive(Clone, Copy, Default)]
pub struct RecordLayer;

impl<S> Layer<S> for RecordLayer {
    type Service = Record<S>;

    fn layer(&self, inner: S) -> Record<S> {
        Record { inner }
    }
}

#[derive(Clone)]
pub struct Record<S> {
    inner: S,
}

impl<S> Service<Request> for Record<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Recorded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method().clone();
        let route = request.extensions().get::<MatchedPath>().cloned();
        Recorded {
            inner: self.inner.call(request),
            started: Instant::now(),
            method,
            route,
        }
    }
}

pin_project_lite::pin_project! {
    /// A route's answer, recorded when it is ready.
    pub struct Recorded<F> {
        #[pin]
        inner: F,
        started: Instant,
        method: Method,
        route: Option<MatchedPath>,
    }
}

impl<F, E> Future for Recorded<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answered = ready!(this.inner.poll(cx));
        if let Ok(response) = &answered {
            let route = this
                .route
                .as_ref()
                .map_or("(unmatched)", MatchedPath::as_str);
            record(
                this.method,
                route,
                response.status(),
                this.started.elapsed(),
            );
        }
        Poll::Ready(answered)
    }
}

/// One (method, status) of a route: its counter and histogram, registered once.
struct Series {
    method: Method,
    status: StatusCode,
    count: Counter,
    time: Histogram,
}

/// The series made so far, by route pattern: a route answers with few (method, status)
/// pairs, so they are scanned rather than hashed.
static SERIES: LazyLock<RwLock<HashMap<Box<str>, Vec<Series>>>> = LazyLock::new(Default::default);

fn record(method: &Method, route: &str, status: StatusCode, took: Duration) {
    let find = |all: &HashMap<Box<str>, Vec<Series>>| {
        let series = all
            .get(route)?
            .iter()
            .find(|s| s.status == status && s.method == method)?;
        series.count.increment(1);
        series.time.record(took.as_secs_f64());
        Some(())
    };
    if find(&SERIES.read().unwrap_or_else(|e| e.into_inner())).is_some() {
        return;
    }
    let mut all = SERIES.write().unwrap_or_else(|e| e.into_inner());
    // Another request may have made it between the two locks.
    if find(&all).is_some() {
        return;
    }
    let labels = [
        ("method", method.as_str().to_owned()),
        ("route", route.to_owned()),
        ("status", status.as_u16().to_string()),
    ];
    let series = Series {
        method: method.clone(),
        status,
        count: metrics::counter!("http_requests_total", &labels),
        time: metrics::histogram!("http_request_duration_seconds", &labels),
    };
    series.count.increment(1);
    series.time.record(took.as_secs_f64());
    all.entry(route.into()).or_default().push(series);
}
