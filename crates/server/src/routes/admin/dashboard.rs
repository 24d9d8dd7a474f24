//! - `GET /api/admin/dashboard?from=&to=`: the program's figures for a range of local days
//!   (both included; default the 30 days up to today, at most `MAX_DAYS`) beside the
//!   period of the same length before it (`reads::dashboard`);
//! - `GET /api/admin/campaign?from=&to=`: registrations and orders in two-hour buckets
//!   over a campaign's local days (`reads::campaign`).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::Days;
use contract::admin::{CampaignMonitor, CampaignQuery, Dashboard, DashboardQuery};
use contract::ErrorCode;

use crate::auth::ConsoleReader;
use crate::clock::ms;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::reads::campaign;
use crate::reads::dashboard::{self, Periods};
use crate::AppState;

use super::lists::{date, local_date};

const DEFAULT_DAYS: u64 = 30;
/// Two years: a year beside the year before.
const MAX_DAYS: i64 = 731;

/// A campaign window in two-hour buckets: a month at the most.
const CAMPAIGN_MAX_DAYS: i64 = 31;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/dashboard", get(read))
        .route("/admin/campaign", get(campaign))
}

async fn read(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now();
    let today = program.local_date(&now);
    let to = local_date("to", &q.to)?.unwrap_or(today);
    let from = match local_date("from", &q.from)? {
        Some(from) => from,
        None => to
            .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(to),
    };
    let range = |message: String| ApiError::invalid(ErrorCode::InvalidRange, message);
    if to < from {
        return Err(range("to must not be before from".into()));
    }
    if rules::kpi::days(from, to) > MAX_DAYS {
        return Err(range(format!("at most {MAX_DAYS} days at a time")));
    }
    let periods = Periods::new(program, from, to)
        .ok_or_else(|| range("the range is outside the calendar".into()))?;
    let answer = dashboard::dashboard(&state.db, program, &periods, ms(&now)).await?;
    Ok(Json(answer))
}

async fn campaign(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Json<CampaignMonitor>, ApiError> {
    let program = &state.program.program;
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    let range = |message: String| ApiError::invalid(ErrorCode::InvalidRange, message);
    if to < from {
        return Err(range("to must not be before from".into()));
    }
    if rules::kpi::days(from, to) > CAMPAIGN_MAX_DAYS {
        return Err(range(format!("at most {CAMPAIGN_MAX_DAYS} days at a time")));
    }
    let end = to
        .checked_add_days(Days::new(1))
        .ok_or_else(|| range("the range is outside the calendar".into()))?;
    let (start_ms, end_ms) = (
        ms(&program.local_midnight(from)),
        ms(&program.local_midnight(end)),
    );
    let answer = campaign::monitor(&state.db, program.offset(), start_ms, end_ms).await?;
    Ok(Json(answer))
}
