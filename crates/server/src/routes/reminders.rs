//! `/api/reminders/stop`: the link in a points-expiry reminder. `GET` shows a page with one
//! button (a link preview or a mail scanner fetching it stops nothing); the button `POST`s
//! to the same address, which stops that member's reminders at once. The link's token
//! names its member (`Keyring::reminder_stop_token`): no session is needed, and a link
//! stops no one else's.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::workflows::reminders;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/reminders/stop", get(confirm).post(stop))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StopLink {
    m: String,
    t: String,
}

async fn confirm(ApiQuery(link): ApiQuery<StopLink>) -> Result<Response, ApiError> {
    if !reminders::stop_link_valid(&link.m, &link.t)? {
        return Ok(page(StatusCode::NOT_FOUND, NOT_VALID));
    }
    Ok(page(StatusCode::OK, CONFIRM))
}

async fn stop(
    State(state): State<AppState>,
    ApiQuery(link): ApiQuery<StopLink>,
) -> Result<Response, ApiError> {
    if !reminders::stop_link_valid(&link.m, &link.t)? {
        return Ok(page(StatusCode::NOT_FOUND, NOT_VALID));
    }
    reminders::stop(&state.db, &link.m, &state.clock).await?;
    Ok(page(StatusCode::OK, STOPPED))
}

const CONFIRM: &str = "<h1>积分到期提醒 · Points expiry texts</h1>\
    <p>不再接收积分到期短信提醒?</p><p>Stop the texts before your points expire?</p>\
    <form method=\"post\"><button type=\"submit\">停止提醒 · Stop them</button></form>";
const STOPPED: &str = "<h1>已停止 · Stopped</h1>\
    <p>您将不再收到积分到期短信提醒。可在会员中心「我的」中重新开启。</p>\
    <p>You will get no more points expiry texts. Turn them on again in your profile.</p>";
const NOT_VALID: &str = "<h1>链接无效 · Link not valid</h1>\
    <p>请在会员中心「我的」中管理提醒。</p><p>Manage your texts in your profile.</p>";

fn page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>会员中心 · Member center</title></head><body>{body}</body></html>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}
