//! `POST /api/quote`: the quote of PROGRAM.md §3. The body is a vector's `input`, the answer
//! its `expected`; the same function runs in the browser for the preview.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use rules::{Quote, QuoteInput};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/quote", post(quote))
}

/// Absurd numbers (negative prices, huge quantities or amounts) are refused by the rules'
/// own validation against the program's limits, as 422 with their code.
async fn quote(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<QuoteInput>,
) -> Result<Json<Quote>, ApiError> {
    Ok(Json(rules::quote(&state.program.program, &input)?))
}
