//! `PUT /api/v1/stores/{code}/sales/{date}` (a shop's API key): a store's whole day of
//! sales, every buyer's: 201 the first time, 200 for a report of the day again (it
//! replaces the first). 404 `store_not_found`; 400 `invalid_date` for a date that is not
//! `YYYY-MM-DD`, 422 for a day not begun yet; 422 `invalid_amount` for a negative total
//! or count.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::put;
use axum::{Json, Router};
use contract::sales::{SalesRecorded, SalesReport};
use contract::ErrorCode;

use crate::auth::ShopKey;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::workflows::{sales, Failure, Refusal};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/stores/{code}/sales/{date}", put(report))
}

async fn report(
    State(state): State<AppState>,
    _: ShopKey,
    ApiPath((code, date)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<SalesReport>,
) -> Result<(StatusCode, Json<SalesRecorded>), ApiError> {
    let date = rules::rfc3339::parse_date(&date).map_err(|_| {
        ApiError::reject(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidDate,
            "the date must be YYYY-MM-DD",
        )
    })?;
    let now = state.clock.now();
    let program = &state.program.program;
    match sales::report(&state.db, program, &code, date, &req, &now).await {
        Ok((recorded, first)) => {
            let status = if first {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(recorded)))
        }
        Err(Failure::Refused(Refusal::StoreNotFound { .. })) => Err(ApiError::reject(
            StatusCode::NOT_FOUND,
            ErrorCode::StoreNotFound,
            format!("no store {code}"),
        )),
        Err(refused) => Err(refused.into()),
    }
}
