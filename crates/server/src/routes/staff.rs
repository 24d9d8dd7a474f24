//! `POST /api/staff/coupons`: staff (or admin) grant a coupon from the program's staff
//! menu to a member, with a reason; audited. Needs an `Idempotency-Key` header, replayed
//! like a redemption's.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

use crate::auth::AuthMember;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::mall::idempotency_key;
use crate::routes::orders::answer;
use crate::workflows::staff::{self, GrantRequest};
use crate::AppState;
use contract::ErrorCode;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/coupons", post(grant))
}

async fn grant(
    State(state): State<AppState>,
    me: AuthMember,
    headers: HeaderMap,
    ApiJson(req): ApiJson<GrantRequest>,
) -> Result<Response, ApiError> {
    if !me.role.is_staff() {
        return Err(ApiError::reject(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "staff only",
        ));
    }
    let key = idempotency_key(&headers)?;
    let now = state.clock.now();
    let recorded =
        staff::grant_coupon(&state.db, &state.program.program, &me.id, key, &req, &now).await?;
    Ok(answer(recorded))
}
