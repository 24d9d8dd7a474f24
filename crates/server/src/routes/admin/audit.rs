//! - `GET /api/admin/audit`: the audit log, the last written first, a page at a time (`limit`, then
//!   `before` = the page's `next_before`), narrowed by actor, member, action and local
//!   dates;
//! - `GET /api/admin/audit.csv`: the same rows (at most `CSV_MAX_ROWS`) as a spreadsheet.
//!
//! There is no route that changes or deletes an audit row.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::Days;
use contract::admin::{AuditPage, AuditQuery};
use contract::ErrorCode;

use crate::auth::ConsoleReader;
use crate::clock::{from_ms, ms};
use crate::db::audit::{self, AuditFilter};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::AppState;

use super::lists::{local_date, page_limit, Spreadsheet, SPREADSHEET_BATCH};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(page))
        .route("/admin/audit.csv", get(csv))
}

async fn page(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let mut filter = filter_of(&state, &q)?;
    filter.before = q.before.as_deref().map(cursor).transpose()?;
    let rows = audit::page(&state.db, &filter, i64::from(limit)).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    let offset = state.program.program.offset();
    let entries = rows
        .into_iter()
        .map(|r| r.into_entry(offset))
        .collect::<anyhow::Result<_>>()?;
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}

async fn csv(
    State(state): State<AppState>,
    _: ConsoleReader,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    if q.before.is_some() || q.limit.is_some() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidQuery,
            "the spreadsheet holds every row the filters name: no `before` or `limit`",
        ));
    }
    let mut filter = filter_of(&state, &q)?;
    let offset = state.program.program.offset();
    let mut sheet = Spreadsheet::new(&["at", "actor_id", "action", "member_id", "detail"])?;
    while sheet.has_room() {
        let rows = audit::page(&state.db, &filter, SPREADSHEET_BATCH).await?;
        let Some(last) = rows.last() else { break };
        filter.before = Some(last.seq);
        let full = rows.len() as i64 == SPREADSHEET_BATCH;
        for r in rows {
            let at = from_ms(r.at_ms, offset).to_rfc3339();
            let actor = r.actor_id.as_deref().unwrap_or("");
            let member = r.member_id.as_deref().unwrap_or("");
            sheet.row(&[&at, actor, &r.action, member, &r.detail_json])?;
        }
        if !full {
            break;
        }
    }
    sheet.into_response("audit.csv")
}

/// The query's filters, its local dates as the program's time zone's instants.
fn filter_of(state: &AppState, q: &AuditQuery) -> Result<AuditFilter, ApiError> {
    let program = &state.program.program;
    let (from, to) = (local_date("from", &q.from)?, local_date("to", &q.to)?);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(ApiError::invalid(
                ErrorCode::InvalidRange,
                "to must not be before from",
            ));
        }
    }
    let nonblank = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    Ok(AuditFilter {
        actor_id: nonblank(&q.actor),
        member_id: nonblank(&q.member),
        action: nonblank(&q.action),
        from_ms: from.map(|d| ms(&program.local_midnight(d))),
        until_ms: to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|d| ms(&program.local_midnight(d))),
        before: None,
    })
}

/// `next_before`: a row's `seq`.
fn cursor(text: &str) -> Result<i64, ApiError> {
    text.parse().ok().ok_or_else(|| {
        ApiError::invalid(
            ErrorCode::InvalidCursor,
            "before is not a page's next_before",
        )
    })
}
