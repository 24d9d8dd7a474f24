//! The typed client of the member-center API. A non-2xx answer becomes the server's own
//! `{"error": {"code", "message"}}` body; a network failure or an unreadable body gets a
//! code of its own, so the UI can always say something precise.

use leptos::prelude::window;
use rules::quote::MemberSnapshot;
use rules::Program;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// Where the API lives. The app may later be served under a base path.
const API_BASE: &str = "/api";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status, or 0 when no answer came back.
    pub status: u16,
    /// The server's snake_case code, or `network` / `bad_response`.
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

/// A demo member of `GET /api/demo/members`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DemoMember {
    pub id: String,
    pub nickname: String,
    pub snapshot: MemberSnapshot,
}

#[derive(Deserialize)]
struct DemoMembers {
    members: Vec<DemoMember>,
}

pub async fn program() -> Result<Program, ApiError> {
    get_json("/program").await
}

pub async fn demo_members() -> Result<Vec<DemoMember>, ApiError> {
    get_json::<DemoMembers>("/demo/members")
        .await
        .map(|m| m.members)
}

/// `GET {API_BASE}{path}`, the answer read as JSON. Generic only in the decoding: the
/// request is made by one non-generic function for every type.
async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let (status, body) = get_text(path).await?;
    serde_json::from_str(&body).map_err(|e| bad_response(status, e.to_string()))
}

fn bad_response(status: u16, message: String) -> ApiError {
    ApiError {
        status,
        code: "bad_response".into(),
        message,
    }
}

/// `GET {API_BASE}{path}` with `fetch`: a 2xx answer's status and body, or the error.
async fn get_text(path: &str) -> Result<(u16, String), ApiError> {
    let network = |e: JsValue| ApiError {
        status: 0,
        code: "network".into(),
        message: js_message(e),
    };
    let init = RequestInit::new();
    let headers = Headers::new().map_err(network)?;
    headers
        .append("Accept", "application/json")
        .map_err(network)?;
    init.set_headers(&headers);
    let url = format!("{API_BASE}{path}");
    let response: Response = JsFuture::from(window().fetch_with_str_and_init(&url, &init))
        .await
        .and_then(JsCast::dyn_into)
        .map_err(network)?;
    let status = response.status();
    let body = read_text(&response).await;
    if !response.ok() {
        return Err(
            match body.as_deref().map(serde_json::from_str::<ErrorBody>) {
                Some(Ok(body)) => ApiError {
                    status,
                    code: body.error.code,
                    message: body.error.message,
                },
                _ => bad_response(status, response.status_text()),
            },
        );
    }
    let body = body.ok_or_else(|| bad_response(status, "unreadable body".into()))?;
    Ok((status, body))
}

/// The body as text, or `None` when it cannot be read.
async fn read_text(response: &Response) -> Option<String> {
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    text.as_string()
}

/// What a JS exception says (`TypeError: Failed to fetch`).
fn js_message(error: JsValue) -> String {
    match error.dyn_into::<js_sys::Error>() {
        Ok(error) => String::from(error.to_string()),
        Err(other) => other.as_string().unwrap_or_else(|| "fetch failed".into()),
    }
}
