//! A JSON body extractor whose every rejection is an [`ApiError`], so a client always gets
//! our error body (axum's own `Json` answers plain text).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The request body as JSON of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        // `Bytes` honours the router's `DefaultBodyLimit`; over it, the rejection is a 413.
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::InvalidBody
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Not JSON at all → 400; JSON of the wrong shape (including numbers beyond `i64`) → 422.
///
/// Parsed in two steps because a streaming parse reports whichever problem it meets
/// first: `[1,2,` is malformed, yet read as a struct it fails on the type of `1`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidJson(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| ApiError::InvalidRequest(e.to_string()))
}

/// `application/json` or `application/<something>+json`, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_type(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(&with_type("application/json")));
        assert!(is_json(&with_type("Application/JSON; charset=utf-8")));
        assert!(is_json(&with_type("application/problem+json")));
        assert!(!is_json(&with_type("text/plain")));
        assert!(!is_json(&with_type("application/jsonx")));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn syntax_and_shape_are_told_apart() {
        let syntax = parse::<Vec<i64>>(b"[1,").unwrap_err();
        assert_eq!(syntax.code(), "invalid_json");
        let shape = parse::<Vec<i64>>(b"[\"a\"]").unwrap_err();
        assert_eq!(shape.code(), "invalid_request");
        let huge = parse::<Vec<i64>>(b"[99999999999999999999999]").unwrap_err();
        assert_eq!(huge.code(), "invalid_request");
    }
}
