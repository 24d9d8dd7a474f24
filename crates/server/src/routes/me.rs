//! `/api/me…`: the logged-in member's own data, and nobody else's: every query here is keyed
//! by the session's member id, never by an id from the request.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use contract::me::{CheckedIn, Update};
use contract::orders::{OrdersPage, OrdersQuery};
use contract::points::{Entry, PointsPage, PointsQuery};

use crate::auth::{clear_session_cookie_header, AuthMember};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::reads;
use crate::workflows::{checkins, profile};
use crate::AppState;
use contract::ErrorCode;

mod coupons;
mod export;
mod plan;
mod summary;

pub use summary::{build_with_wallet as summary_with_wallet, Summary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(summary::get).patch(update).delete(delete))
        .route("/me/points", get(points))
        .route("/me/points/plan", get(plan::get))
        .route("/me/orders", get(orders))
        .route("/me/coupons", get(coupons::get))
        .route("/me/checkin", post(checkin))
        .route("/me/celebrated", post(celebrated))
        .route("/me/gifts-seen", post(gifts_seen))
        .route("/me/export", get(export::get))
        .route("/me/reminders", get(reminders).put(choose_reminders))
}

const DEFAULT_PAGE: i64 = 20;
const MAX_PAGE: i64 = 100;

/// `GET /api/me/points?cursor=&limit=&kind=earn|spend`: the ledger, newest first.
async fn points(
    State(state): State<AppState>,
    me: AuthMember,
    ApiQuery(q): ApiQuery<PointsQuery>,
) -> Result<Json<PointsPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    if q.cursor.is_some_and(|c| c <= 0) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidCursor,
            "cursor must be positive",
        ));
    }
    let program = &state.program.program;
    let entries =
        reads::points::history(&state.db, program, &me.id, q.cursor, q.kind, limit + 1).await?;
    let more = entries.len() as i64 > limit;
    let entries: Vec<Entry> = entries.into_iter().take(limit as usize).collect();
    let next_cursor = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(Json(PointsPage {
        entries,
        next_cursor,
    }))
}

/// `GET /api/me/orders?cursor=&limit=`: the member's orders, newest paid first, each with
/// its refunds; the cursor is the last order id of the page before.
async fn orders(
    State(state): State<AppState>,
    me: AuthMember,
    ApiQuery(q): ApiQuery<OrdersQuery>,
) -> Result<Json<OrdersPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let program = &state.program.program;
    let cursor = q.cursor.as_deref();
    let orders = reads::orders::page(&state.db, program, &me.id, cursor, limit + 1)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(ErrorCode::InvalidCursor, "cursor is not one of your orders")
        })?;
    let more = orders.len() as i64 > limit;
    let orders: Vec<_> = orders.into_iter().take(limit as usize).collect();
    let next_cursor = more.then(|| orders.last().map(|o| o.id.clone())).flatten();
    Ok(Json(OrdersPage {
        orders,
        next_cursor,
    }))
}

/// A page's size: `limit`, 1 to [`MAX_PAGE`], or [`DEFAULT_PAGE`].
fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidLimit,
            format!("limit must be 1 to {MAX_PAGE}"),
        ));
    }
    Ok(limit)
}

/// `POST /api/me/checkin`: once per local day; the streak's last day adds the bonus.
async fn checkin(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<(StatusCode, Json<CheckedIn>), ApiError> {
    let now = state.clock.now();
    let done = checkins::check_in(&state.db, &state.program.program, &me.id, &now).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// `POST /api/me/celebrated`: the member was shown their new tier (204, also when it
/// changed nothing).
async fn celebrated(
    State(state): State<AppState>,
    me: AuthMember,
    ApiJson(body): ApiJson<contract::me::Celebrated>,
) -> Result<StatusCode, ApiError> {
    crate::workflows::profile::celebrated(&state.db, &state.program.program, &me.id, &body.tier)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/me/gifts-seen`: the coupons that arrived up to `until_ms` were announced
/// (204; an earlier instant than recorded changes nothing).
async fn gifts_seen(
    State(state): State<AppState>,
    me: AuthMember,
    ApiJson(body): ApiJson<contract::me::GiftsSeen>,
) -> Result<StatusCode, ApiError> {
    crate::workflows::profile::gifts_seen(&state.db, &me.id, body.until_ms).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/me/reminders`: the texts the member asked for.
async fn reminders(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<Json<contract::me::Reminders>, ApiError> {
    Ok(Json(
        crate::workflows::reminders::choice(&state.db, &me.id).await?,
    ))
}

/// `PUT /api/me/reminders`: on or off, at once.
async fn choose_reminders(
    State(state): State<AppState>,
    me: AuthMember,
    ApiJson(choice): ApiJson<contract::me::Reminders>,
) -> Result<Json<contract::me::Reminders>, ApiError> {
    let chosen =
        crate::workflows::reminders::choose(&state.db, &me.id, choice, &state.clock).await?;
    Ok(Json(chosen))
}

async fn update(
    State(state): State<AppState>,
    me: AuthMember,
    ApiJson(update): ApiJson<Update>,
) -> Result<Json<Summary>, ApiError> {
    let now = state.clock.now();
    if let Some(nickname) = &update.nickname {
        rules::profile::check_nickname(nickname)
            .map_err(|e| ApiError::invalid(ErrorCode::InvalidNickname, e.to_string()))?;
    }
    if update
        .locale
        .as_deref()
        .is_some_and(|l| !matches!(l, "zh" | "en"))
    {
        return Err(ApiError::invalid(
            ErrorCode::InvalidLocale,
            "locale is `zh` or `en`",
        ));
    }
    // Without a year, any day of the year; with one, a past date after 1900.
    let today = state.program.program.local_date(&now);
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid");
    if update
        .birthday
        .and_then(|b| b.date())
        .is_some_and(|born| born > today || born < first)
    {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBirthday,
            "a birthday is a past date after 1900 (or --MM-DD without the year)",
        ));
    }
    profile::update(&state.db, &me.id, &update, &now).await?;
    Ok(Json(summary::build(&state, &me.id).await?))
}

/// `DELETE /api/me`: erases the member's personal data and ends every session. The ledger
/// and orders stay, tied to an anonymous id, for the shop's accounts.
async fn delete(State(state): State<AppState>, me: AuthMember) -> Result<Response, ApiError> {
    profile::erase(&state.db, &me.id, &state.clock.now()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            clear_session_cookie_header(&state.base_path),
        )],
    )
        .into_response())
}
