//! `POST /api/v1/orders` and `POST /api/v1/orders/{id}/refund`: the shop (by API key)
//! reports paid orders and refunds. 201 with the recorded answer; a retry of the same
//! request answers the same body with 200 and `Idempotent-Replayed: true`.

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use crate::auth::{RememberedShopKey, ShopKey};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::workflows::orders::OrderRequest;
use crate::workflows::refunds::{self, RefundRequest};
use crate::workflows::{Failure, Recorded, Refusal};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/orders", post(record_order))
        .route("/v1/orders/{id}/refund", post(record_refund))
}

async fn record_order(
    State(state): State<AppState>,
    shop: RememberedShopKey,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let recorded = state
        .orders
        .record(&state.program, req, shop.id.clone(), &now);
    match recorded.await {
        Ok(recorded) => Ok(answer(recorded)),
        Err(Failure::Refused(Refusal::ApiKeyRevoked)) => {
            state.shop_keys.forget(&shop);
            Err(Refusal::ApiKeyRevoked.into())
        }
        Err(refused) => Err(refused.into()),
    }
}

async fn record_refund(
    State(state): State<AppState>,
    _shop: ShopKey,
    ApiPath(order_id): ApiPath<String>,
    ApiJson(req): ApiJson<RefundRequest>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let recorded =
        refunds::record_refund(&state.db, &state.program.program, &order_id, &req, &now).await?;
    Ok(answer(recorded))
}

pub(crate) fn answer<T: Serialize>(recorded: Recorded<T>) -> Response {
    if recorded.replayed {
        let mut response = (StatusCode::OK, Json(recorded.answer)).into_response();
        response.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
        response
    } else {
        (StatusCode::CREATED, Json(recorded.answer)).into_response()
    }
}
