//! `GET /api/program`: the loaded program definition, with a strong ETag so the app
//! revalidates cheaply on every start (`Cache-Control: no-cache` = always ask, 304 if same),
//! sent compressed as it was once at start (brotli 11 or gzip 9, `precompressed.rs`; each
//! encoding has its own ETag). `GET /api/program/home` and `GET /api/program/screens`:
//! the parts the app reads (`contract::program::HomeProgram`, `ScreensProgram`), the same
//! way.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::precompressed::Precompressed;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/program", get(program))
        .route("/program/home", get(home))
        .route("/program/screens", get(screens))
}

async fn program(State(state): State<AppState>, headers: HeaderMap) -> Response {
    send(&state.program.json, &headers)
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    send(&state.program.home_json, &headers)
}

async fn screens(State(state): State<AppState>, headers: HeaderMap) -> Response {
    send(&state.program.screens_json, &headers)
}

fn send(json: &Precompressed, headers: &HeaderMap) -> Response {
    let sent = json.negotiate(headers);
    let caching = [
        (header::ETAG, sent.etag.clone()),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    if none_match(headers, &sent.etag) {
        return (StatusCode::NOT_MODIFIED, caching).into_response();
    }
    let mut response = (
        caching,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        sent.body.clone(),
    )
        .into_response();
    if let Some(encoding) = &sent.encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, encoding.clone());
    }
    response
}

/// Whether `If-None-Match` lists this ETag (or `*`). RFC 9110 uses the weak comparison
/// here, so a `W/` prefix (added by some proxies) still matches.
fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inm(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn if_none_match_forms() {
        let etag = HeaderValue::from_static("\"abc\"");
        assert!(none_match(&inm("\"abc\""), &etag));
        assert!(none_match(&inm("\"x\", W/\"abc\""), &etag));
        assert!(none_match(&inm("*"), &etag));
        assert!(!none_match(&inm("\"abcd\""), &etag));
        assert!(!none_match(&HeaderMap::new(), &etag));
    }
}
