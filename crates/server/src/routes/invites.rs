//! `GET /api/me/invite` (the member's code, link and this year's progress),
//! `POST /api/invites/accept` (`{"code"}`, by the newly registered invitee), and
//! `GET /api/join-context` (what an invite or join link shows before the login).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use contract::invites::AcceptRequest as Accept;
use contract::join::{JoinContext, JoinQuery};

use crate::auth::AuthMember;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::workflows::invites::{self, Accepted, Progress};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/invite", get(progress))
        .route("/invites/accept", post(accept))
        .route("/join-context", get(join_context))
}

/// `GET /api/join-context?store=&invite=`: anyone may ask (the login has not happened
/// yet); unknown codes answer nothing about them.
async fn join_context(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<JoinQuery>,
) -> Result<Json<JoinContext>, ApiError> {
    let context = crate::reads::join::context(&state.db, &state.program.program, &query).await?;
    Ok(Json(context))
}

async fn progress(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<Json<Progress>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        invites::progress(&state.db, &state.program.program, &me.id, &now).await?,
    ))
}

async fn accept(
    State(state): State<AppState>,
    me: AuthMember,
    ApiJson(body): ApiJson<Accept>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let now = state.clock.now();
    state
        .limits
        .check_invite_try(&state.db, &me.id, &now)
        .await?;
    let accepted =
        invites::accept(&state.db, &state.program.program, &me.id, &body.code, &now).await?;
    Ok((StatusCode::CREATED, Json(accepted)))
}
