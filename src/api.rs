//! The typed client of the member-center API. A non-2xx answer becomes the server's own
//! `{"error": {"code", "message"}}` body; a network failure or an unreadable body gets a
//! code of its own, so the UI can always say something precise.

use gloo_net::http::{Request, Response};
use rules::quote::MemberSnapshot;
use rules::Program;
use serde::de::DeserializeOwned;
use serde::Deserialize;

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

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = Request::get(&format!("{API_BASE}{path}"))
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError {
            status: 0,
            code: "network".into(),
            message: e.to_string(),
        })?;
    read_json(response).await
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if !response.ok() {
        let fallback = response.status_text();
        return Err(match response.json::<ErrorBody>().await {
            Ok(body) => ApiError {
                status,
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => ApiError {
                status,
                code: "bad_response".into(),
                message: fallback,
            },
        });
    }
    response.json::<T>().await.map_err(|e| ApiError {
        status,
        code: "bad_response".into(),
        message: e.to_string(),
    })
}
