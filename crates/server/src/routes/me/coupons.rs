//! `GET /api/me/coupons?status=available|used|expired|void`: the wallet. Status is derived
//! from now exactly as the home screen's counts are (`rules::coupon::coupon_status`): used
//! (by an order), expired (unused and past validity), void (a first-order coupon once the
//! first order is placed), available (the rest, not-yet-valid ones included). Without
//! `status`, every coupon. Sorted by what expires first (then id).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::auth::AuthMember;
use crate::db::coupons;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::AppState;
pub use contract::coupons::{Wallet, WalletQuery};
use contract::ErrorCode;

fn bad_status() -> ApiError {
    ApiError::reject(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidStatus,
        "status is `available`, `used`, `expired` or `void`",
    )
}

pub async fn get(
    State(state): State<AppState>,
    me: AuthMember,
    query: Result<ApiQuery<WalletQuery>, ApiError>,
) -> Result<Json<Wallet>, ApiError> {
    let ApiQuery(q) = query.map_err(|e| match e.code() {
        ErrorCode::InvalidCharacters => e,
        _ => bad_status(),
    })?;
    let offset = state.program.program.offset();
    let now = state.clock.now();
    let coupons = coupons::wallet(&state.db, &me.id, &now, offset, q.status).await?;
    Ok(Json(Wallet { coupons }))
}
