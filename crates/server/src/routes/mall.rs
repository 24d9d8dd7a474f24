//! `GET /api/mall` and `POST /api/mall/redeem`: the points mall, as the logged-in member
//! sees it (anyone may browse it).
//! A redemption needs an `Idempotency-Key` header: 201 with the answer; the same key and
//! body again answers the same body with 200 and `Idempotent-Replayed: true`; the same key
//! with another body is 409 `idempotency_conflict`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::auth::AuthMember;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::orders::answer;
use crate::workflows::mall::{self, Catalog, RedeemRequest};
use crate::AppState;
use contract::ErrorCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mall", get(catalog))
        .route("/mall/redeem", post(redeem))
}

async fn catalog(
    State(state): State<AppState>,
    me: Option<AuthMember>,
) -> Result<Json<Catalog>, ApiError> {
    let now = state.clock.now();
    let program = &state.program.program;
    let catalog = match me {
        Some(me) => mall::catalog(&state.db, program, &me.id, &now).await?,
        None => mall::public_catalog(&state.db, program).await?,
    };
    Ok(Json(catalog))
}

async fn redeem(
    State(state): State<AppState>,
    me: AuthMember,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RedeemRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let now = state.clock.now();
    let recorded = mall::redeem(&state.db, &state.program.program, &me.id, key, &req, &now).await?;
    Ok(answer(recorded))
}

/// The request's `Idempotency-Key` header: missing → 400 `idempotency_key_required`.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get("idempotency-key")
        .ok_or_else(|| {
            ApiError::reject(
                StatusCode::BAD_REQUEST,
                ErrorCode::IdempotencyKeyRequired,
                "send an Idempotency-Key header (e.g. a UUID) so that a retry has one effect",
            )
        })?
        .to_str()
        .map_err(|_| crate::workflows::Refusal::InvalidIdempotencyKey.into())
}
