//! `GET /api/me`: the home screen's numbers (`reads::summary`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use contract::coupons::WalletCoupon;
pub use contract::me::Summary;

use crate::auth::session_token;
use crate::error::ApiError;
use crate::reads::summary;
use crate::AppState;

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Summary>, ApiError> {
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    let summary = summary::of_session(&state, token)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(summary))
}

/// The summary of `member_id` (after a change to their profile).
pub async fn build(state: &AppState, member_id: &str) -> Result<Summary, ApiError> {
    summary::of_member(state, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)
}

/// [`build`], and the wallet it was computed from (every coupon, its status at now).
pub async fn build_with_wallet(
    state: &AppState,
    member_id: &str,
) -> Result<(Summary, Vec<WalletCoupon>), ApiError> {
    summary::with_wallet(state, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)
}
