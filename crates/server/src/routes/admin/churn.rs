//! - `GET /api/admin/churn`: members at risk of churning, the most valuable first, a page
//!   at a time (`limit`, then `after` = the page's `next_after`), by tier and store;
//! - `GET /api/admin/churn.csv`: the whole list (at most `CSV_MAX_ROWS`) as a spreadsheet;
//! - `POST /api/admin/churn/grants`: a staff-menu coupon to the whole list (admins, an
//!   `Idempotency-Key`): 202 with the batch, walked in the background;
//! - `GET /api/admin/churn/grants/{id}`: how far it got.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Days;
use contract::admin::{ChurnGrantRequest, ChurnMember, ChurnPage, ChurnQuery, GrantBatch};
use contract::ErrorCode;

use crate::auth::{AdminMember, ConsoleReader};
use crate::clock::{from_ms, ms};
use crate::db::churn::{self, ChurnRow};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::mall::idempotency_key;
use crate::workflows::churn as workflow;
use crate::AppState;

use super::lists::{page_limit, Spreadsheet, SPREADSHEET_BATCH};
use rules::phone::mask;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/churn", get(page))
        .route("/admin/churn.csv", get(csv))
        .route("/admin/churn/grants", post(start_grant))
        .route("/admin/churn/grants/{id}", get(grant_progress))
}

async fn page(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<ChurnQuery>,
) -> Result<Json<ChurnPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let after = q.after.as_deref().map(cursor).transpose()?;
    let (filter, window) = list(&state, &q)?;
    let after = after.as_ref().map(|(spend, id)| (*spend, id.as_str()));
    let rows = churn::page(&state.db, &filter, after, window, i64::from(limit)).await?;
    let next_after = (rows.len() == limit as usize)
        .then(|| {
            rows.last()
                .map(|r| format!("{}.{}", r.lifetime_spend_fen, r.id))
        })
        .flatten();
    let offset = state.program.program.offset();
    Ok(Json(ChurnPage {
        cutoff: from_ms(filter.cutoff_ms, offset),
        members: rows.into_iter().map(|r| member(r, offset)).collect(),
        next_after,
    }))
}

async fn csv(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<ChurnQuery>,
) -> Result<Response, ApiError> {
    if q.after.is_some() || q.limit.is_some() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidQuery,
            "the spreadsheet holds the whole list: no `after` or `limit`",
        ));
    }
    let (filter, window) = list(&state, &q)?;
    let offset = state.program.program.offset();
    let mut sheet = Spreadsheet::new(&[
        "member_id",
        "phone",
        "nickname",
        "tier",
        "store",
        "lifetime_spend_fen",
        "last_order_at",
        "points_balance",
        "points_expiring",
        "coupons_expiring",
    ])?;
    let mut after: Option<(i64, String)> = None;
    while sheet.has_room() {
        let from = after.as_ref().map(|(spend, id)| (*spend, id.as_str()));
        let rows = churn::page(&state.db, &filter, from, window, SPREADSHEET_BATCH).await?;
        let full = rows.len() as i64 == SPREADSHEET_BATCH;
        let Some(last) = rows.last() else { break };
        after = Some((last.lifetime_spend_fen, last.id.clone()));
        for r in rows {
            let m = member(r, offset);
            sheet.row(&[
                m.id,
                m.phone_masked,
                m.nickname,
                m.tier.0,
                m.store.unwrap_or_default(),
                m.lifetime_spend_fen.0.to_string(),
                m.last_order_at.to_rfc3339(),
                m.points_balance.0.to_string(),
                m.points_expiring.0.to_string(),
                m.coupons_expiring.to_string(),
            ])?;
        }
        if !full {
            break;
        }
    }
    sheet.into_response("churn.csv")
}

async fn start_grant(
    State(state): State<AppState>,
    admin: AdminMember,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChurnGrantRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let now = state.clock.now();
    let program = &state.program.program;
    let recorded = workflow::start_batch(&state.db, program, &admin.id, key, &req, &now).await?;
    let batch = recorded.answer;
    // A replay starts the walk again too: it ends at once when done, and resumes one a
    // stopped server left behind.
    workflow::spawn_batch(
        state.db.clone(),
        state.program.clone(),
        state.clock.clone(),
        batch.id.clone(),
    );
    let answer = Json(workflow::batch_answer(&batch, program.offset()));
    Ok(if recorded.replayed {
        (StatusCode::OK, [("idempotent-replayed", "true")], answer).into_response()
    } else {
        (StatusCode::ACCEPTED, answer).into_response()
    })
}

async fn grant_progress(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<GrantBatch>, ApiError> {
    let batch = churn::batch(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(workflow::batch_answer(
        &batch,
        state.program.program.offset(),
    )))
}

/// The list a query names, and the window in which points and coupons count as expiring.
fn list(state: &AppState, q: &ChurnQuery) -> Result<(churn::ChurnFilter, (i64, i64)), ApiError> {
    let program = &state.program.program;
    let now = state.clock.now();
    let nonblank = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let filter = workflow::filter(program, &now, nonblank(&q.tier), nonblank(&q.store))?;
    let warn = Days::new(program.points.expiry.warn_days.max(0) as u64);
    let warn_until = now.checked_add_days(warn).unwrap_or(now);
    Ok((filter, (ms(&now), ms(&warn_until))))
}

/// `next_after`: `<lifetime_spend_fen>.<id>`.
fn cursor(text: &str) -> Result<(i64, String), ApiError> {
    text.split_once('.')
        .and_then(|(spend, id)| Some((spend.parse().ok()?, id.to_owned())))
        .ok_or_else(|| {
            ApiError::invalid(ErrorCode::InvalidCursor, "after is not a page's next_after")
        })
}

fn member(r: ChurnRow, offset: chrono::FixedOffset) -> ChurnMember {
    ChurnMember {
        phone_masked: r.phone.as_deref().map(mask).unwrap_or_default(),
        nickname: r.nickname.unwrap_or_default(),
        tier: rules::TierId(r.tier),
        store: r.store,
        lifetime_spend_fen: rules::Fen(r.lifetime_spend_fen),
        last_order_at: from_ms(r.last_order_at_ms, offset),
        points_balance: rules::Points(r.points_balance),
        points_expiring: rules::Points(r.points_expiring),
        coupons_expiring: r.coupons_expiring,
        id: r.id,
    }
}
