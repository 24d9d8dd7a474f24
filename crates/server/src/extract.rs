//! Extractors for the request's body, path and query whose every rejection is an
//! [`ApiError`], so a client always gets our error body (axum's own answer plain text).
//!
//! They are also the edge where control characters are refused (422
//! `invalid_characters`): a NUL reached PostgreSQL, which cannot store it in TEXT and
//! failed the request with a 500; no id, code, phone or name has any use for them. A body's
//! free text may hold tabs and line breaks; a path or a query nothing of the kind.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use contract::ErrorCode;

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
    // The usual body (well formed, of the right shape, with nothing that could decode to a
    // control character) is read once, straight into `T`; anything else takes the two
    // steps below, which word every refusal.
    if !may_hold_control_characters(bytes) {
        if let Ok(parsed) = serde_json::from_slice(bytes) {
            return Ok(parsed);
        }
    }
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidJson(e.to_string()))?;
    if holds_control_characters(&value) {
        return Err(control_characters("a string of the body"));
    }
    serde_json::from_value(value).map_err(|e| ApiError::InvalidRequest(e.to_string()))
}

/// Whether the strings of a JSON text might decode to a control character: a raw DEL
/// (0x7F) or C1 character (U+0080–U+009F, UTF-8 `C2 80`–`C2 9F`), or an escape that may
/// name one (`\b`, `\f`, any `\u`). Raw 0x00–0x1F cannot be in a JSON string (the parse
/// refuses them). Errs on the safe side: `true` only sends the body the long way.
fn may_hold_control_characters(bytes: &[u8]) -> bool {
    bytes.contains(&0x7F)
        || bytes
            .windows(2)
            .any(|w| matches!(w, [b'\\', b'b' | b'f' | b'u'] | [0xC2, 0x80..=0x9F]))
}

/// Any string or key of a JSON value with a control character other than tab, CR or LF.
fn holds_control_characters(value: &Value) -> bool {
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    match value {
        Value::String(s) => bad(s),
        Value::Array(items) => items.iter().any(holds_control_characters),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| bad(k) || holds_control_characters(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// 422 `invalid_characters`: where the control character was found.
fn control_characters(where_: &str) -> ApiError {
    ApiError::invalid(
        ErrorCode::InvalidCharacters,
        format!("{where_} holds a control character (such as NUL)"),
    )
}

fn any_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// The path's parameters as `T`. Text that does not decode → 400 `invalid_path`; a
/// control character (`%00`) → 422 `invalid_characters`.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::InvalidPath(e.body_text()))?;
        if raw.iter().any(|(_, value)| any_control(value)) {
            return Err(control_characters("a path parameter"));
        }
        let Path(value) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::InvalidPath(e.body_text()))?;
        Ok(ApiPath(value))
    }
}

/// The query string as `T`. A control character → 422 `invalid_characters`; a query of the
/// wrong shape → 422 `invalid_query`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // Decoded first as plain pairs, whatever `T` makes of them.
        if let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri) {
            if pairs.iter().any(|(k, v)| any_control(k) || any_control(v)) {
                return Err(control_characters("the query string"));
            }
        }
        let Query(value) = Query::<T>::try_from_uri(&parts.uri)
            .map_err(|e| ApiError::invalid(ErrorCode::InvalidQuery, e.body_text()))?;
        Ok(ApiQuery(value))
    }
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
        assert_eq!(syntax.code().as_str(), "invalid_json");
        let shape = parse::<Vec<i64>>(b"[\"a\"]").unwrap_err();
        assert_eq!(shape.code().as_str(), "invalid_request");
        let huge = parse::<Vec<i64>>(b"[99999999999999999999999]").unwrap_err();
        assert_eq!(huge.code().as_str(), "invalid_request");
    }

    #[test]
    fn control_characters_anywhere_in_a_body_are_refused() {
        for body in [
            r#"{"code": "AB\u0000CD"}"#,
            r#"{"lines": [{"sku": "x\u0007"}]}"#,
            r#"{"a\u0000": 1}"#,
            r#"["\u009f"]"#,
        ] {
            let err = parse::<Value>(body.as_bytes()).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid_characters", "{body}");
        }
        // Free text may break lines.
        assert!(parse::<Value>(br#"{"reason": "late\r\n\tparcel"}"#).is_ok());
    }

    /// Every way a control character can be written in a JSON string (raw where JSON
    /// allows it, as `\u` escapes in both cases, as `\b` and `\f`), read into a struct
    /// as the routes do: the one-step read must never let one through.
    #[test]
    fn no_control_character_passes_the_one_step_read() {
        #[derive(serde::Deserialize)]
        struct Body {
            #[allow(dead_code)] // read to be refused
            reason: String,
        }
        let controls = (0u32..=0x9F)
            .filter_map(char::from_u32)
            .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        for c in controls {
            let code = c as u32;
            let mut spellings = vec![format!("\\u{code:04x}"), format!("\\u{code:04X}")];
            if code >= 0x20 {
                spellings.push(c.to_string());
            }
            spellings.extend(match c {
                '\u{8}' => Some("\\b".to_string()),
                '\u{c}' => Some("\\f".to_string()),
                _ => None,
            });
            for spelled in spellings {
                let body = format!(r#"{{"reason": "a{spelled}b"}}"#);
                let err = parse::<Body>(body.as_bytes()).err();
                let code = err.as_ref().map(|e| e.code().as_str());
                assert_eq!(code, Some("invalid_characters"), "{body:?}");
            }
        }
        assert!(parse::<Body>("{\"reason\": \"\u{a0}\\\\b \u{7e}\"}".as_bytes()).is_ok());
    }
}
