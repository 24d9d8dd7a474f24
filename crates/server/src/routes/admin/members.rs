//! - `POST /api/admin/members/lookup`: a member by full phone number, audited
//!   (`member_lookup`, as at the counter);
//! - `GET /api/admin/members/{id}`: the member's page;
//! - `POST /api/admin/members/{id}/points`: points added or taken with a reason (admins;
//!   an `Idempotency-Key`, replayed like a staff grant).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use contract::admin::{AdjustRequest, MemberFound, MemberLookup, MemberPage};
use contract::ErrorCode;
use serde_json::json;

use crate::auth::{AdminMember, ConsoleReader};
use crate::clock::ms;
use crate::db::{audit, begin_write, members};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::routes::mall::idempotency_key;
use crate::routes::orders::answer;
use crate::workflows::phone::Phone;
use crate::workflows::{adjustments, Failure, Refusal};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/members/lookup", post(lookup))
        .route("/admin/members/{id}", get(page))
        .route("/admin/members/{id}/points", post(adjust))
}

fn not_found() -> ApiError {
    ApiError::reject(
        StatusCode::NOT_FOUND,
        ErrorCode::MemberNotFound,
        "no member with this phone number or id",
    )
}

async fn lookup(
    State(state): State<AppState>,
    me: ConsoleReader,
    ApiJson(req): ApiJson<MemberLookup>,
) -> Result<Json<MemberFound>, ApiError> {
    let phone = Phone::parse(&req.phone)?;
    let member_id = members::real_id_by_phone(&state.db, phone.as_str())
        .await?
        .ok_or_else(not_found)?;
    let now = ms(&state.clock.now());
    let mut tx = begin_write(&state.db).await?;
    let detail = json!({ "via": "console" });
    audit::record(
        &mut tx,
        Some(&me.id),
        "member_lookup",
        Some(&member_id),
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(MemberFound { member_id }))
}

async fn page(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MemberPage>, ApiError> {
    let page = crate::reads::member_page::page(&state, &id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(page))
}

async fn adjust(
    State(state): State<AppState>,
    admin: AdminMember,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<AdjustRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let now = state.clock.now();
    let program = &state.program.program;
    match adjustments::adjust_points(&state.db, program, &admin.id, &id, key, &req, &now).await {
        Ok(recorded) => Ok(answer(recorded)),
        // The member named by the path: its absence is the resource's.
        Err(Failure::Refused(Refusal::MemberNotFound)) => Err(not_found()),
        Err(refused) => Err(refused.into()),
    }
}
