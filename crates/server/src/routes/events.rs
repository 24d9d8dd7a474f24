//! The event calendar (PROGRAM.md §6, issue 13):
//! - `GET /api/events?from=&to=`: a member's occurrences with why they may not take part,
//!   or for anyone without a session the public ones;
//! - `GET /api/me/next-events`: the next three events the member may join (home);
//! - `GET /api/me/events.ics`: the member's events as a file for their calendar app;
//! - `POST`/`DELETE /api/me/calendar-feed`: a private feed link to subscribe to
//!   (`GET /api/calendar/{token}.ics`, no cookie), replaced or revoked by the member;
//! - `GET /api/v1/members/{id}/early-access?launch=`: the shop's checkout asks whether
//!   a member may buy a launch now.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Days, NaiveDate};
use contract::events::{
    EarlyAccess, EarlyAccessQuery, EventsPage, EventsQuery, FeedLink, NextEvent, NextEvents,
};
use contract::ErrorCode;
use rules::occurrences::{self, Calendar, DateRange};

use crate::auth::{session_token, AuthMember, ShopKey};
use crate::db::members;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::reads::events::{self, Viewer};
use crate::workflows::calendar_feeds;
use crate::AppState;

mod ics;

/// The longest range one request may ask for: a year, leap day included.
const MAX_DAYS: u64 = 366;
/// Without `to`: this many days from `from` (a month grid and a little more).
const DEFAULT_DAYS: u64 = 41;
/// The feeds cover this many days back (events just past stay in the phone's calendar)
/// and ahead.
const FEED_DAYS_BACK: u64 = 31;
const FEED_DAYS_AHEAD: u64 = 365;
/// Home lists this many events, looking this many days ahead (a flash sale is weekly).
const NEXT_EVENTS: usize = 3;
const NEXT_EVENTS_DAYS: u64 = 31;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/me/next-events", get(next_events))
        .route("/me/events.ics", get(own_file))
        .route("/me/calendar-feed", post(new_feed).delete(revoke_feed))
        .route("/calendar/{file}", get(feed))
        .route("/v1/members/{id}/early-access", get(early_access))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Json<EventsPage>, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now();
    let range = requested_range(&q, program.time_zone.local_date(&now))?;
    let viewer = Viewer::Session(session_token(&headers));
    let (
        Calendar {
            occurrences,
            undated,
        },
        member,
    ) = events::calendar(&state.db, program, viewer, range, &now).await?;
    Ok(Json(EventsPage {
        from: range.from,
        to: range.to,
        time_zone: program.time_zone.name.clone(),
        personal: member.is_some(),
        occurrences,
        undated,
    }))
}

/// `from` defaults to today, `to` to `DEFAULT_DAYS` later; both ends included, at most
/// `MAX_DAYS`.
fn requested_range(q: &EventsQuery, today: NaiveDate) -> Result<DateRange, ApiError> {
    let parse = |name: &str, text: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        text.as_deref()
            .map(|t| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map_err(|_| bad(ErrorCode::InvalidDate, format!("{name} must be YYYY-MM-DD")))
            })
            .transpose()
    };
    let from = parse("from", &q.from)?.unwrap_or(today);
    let to = match parse("to", &q.to)? {
        Some(to) => to,
        None => from
            .checked_add_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(from),
    };
    if to < from {
        return Err(bad(ErrorCode::InvalidRange, "to must not be before from"));
    }
    let days = (to - from).num_days() + 1;
    if days > MAX_DAYS as i64 {
        return Err(bad(
            ErrorCode::InvalidRange,
            format!("at most {MAX_DAYS} days at a time"),
        ));
    }
    Ok(DateRange { from, to })
}

fn bad(code: ErrorCode, message: impl Into<String>) -> ApiError {
    ApiError::reject(StatusCode::BAD_REQUEST, code, message)
}

/// The viewer's feed as a file, from a month back to a year ahead; `None` for nobody.
async fn feed_of(state: &AppState, viewer: Viewer<'_>) -> Result<Option<Response>, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now();
    let span = (FEED_DAYS_BACK, FEED_DAYS_AHEAD);
    let Some((occurrences, member)) = events::feed(&state.db, program, viewer, &now, span).await?
    else {
        return Ok(None);
    };
    let lang = member.locale.as_deref().unwrap_or("zh");
    let body = ics::render(program, &occurrences, lang);
    Ok(Some(
        (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                // Personal, and a revoked link must stop at once: nothing keeps a copy.
                (header::CACHE_CONTROL, "private, no-store"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"member-events.ics\"",
                ),
            ],
            body,
        )
            .into_response(),
    ))
}

/// Home asks for this after its first paint, from a module of its own: neither `/api/me`
/// nor the first screen's code carries it.
async fn next_events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<NextEvents>, ApiError> {
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    let program = &state.program.program;
    let now = state.clock.now();
    let events = events::upcoming(
        &state.db,
        program,
        token,
        &now,
        NEXT_EVENTS_DAYS,
        NEXT_EVENTS,
    )
    .await?
    .ok_or_else(ApiError::unauthorized)?
    .into_iter()
    .map(|o| NextEvent {
        uid: o.uid,
        title: o.title,
        start: o.start,
        all_day: o.all_day,
    })
    .collect();
    Ok(Json(NextEvents { events }))
}

async fn own_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    feed_of(&state, Viewer::Session(Some(token)))
        .await?
        .ok_or_else(ApiError::unauthorized)
}

async fn new_feed(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<(StatusCode, Json<FeedLink>), ApiError> {
    let token = calendar_feeds::new_link(&state.db, &me.id, &state.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedLink {
            path: format!("/api/calendar/{token}.ics"),
        }),
    ))
}

async fn revoke_feed(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<StatusCode, ApiError> {
    calendar_feeds::revoke(&state.db, &me.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/calendar/{token}.ics`: no session; an unknown or revoked token is 404.
async fn feed(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
) -> Result<Response, ApiError> {
    let token = file.strip_suffix(".ics").ok_or(ApiError::NotFound)?;
    feed_of(&state, Viewer::Feed(token))
        .await?
        .ok_or(ApiError::NotFound)
}

async fn early_access(
    State(state): State<AppState>,
    _shop: ShopKey,
    ApiPath(member_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<EarlyAccessQuery>,
) -> Result<Json<EarlyAccess>, ApiError> {
    let program = &state.program.program;
    let launch_id = q
        .launch
        .ok_or_else(|| ApiError::invalid(ErrorCode::InvalidQuery, "launch is required"))?;
    let launch = program.events.launch(&launch_id).ok_or_else(|| {
        ApiError::reject(
            StatusCode::NOT_FOUND,
            ErrorCode::LaunchNotFound,
            format!("no launch `{launch_id}` in the program"),
        )
    })?;
    let member = members::get(&mut &state.db, &member_id)
        .await?
        .ok_or_else(|| {
            ApiError::reject(
                StatusCode::NOT_FOUND,
                ErrorCode::MemberNotFound,
                "no such member",
            )
        })?;
    let opens_at = occurrences::launch_opens_for(program, &member.tier, launch);
    Ok(Json(EarlyAccess {
        member_id: member.id,
        launch: launch.id.clone(),
        may_buy: state.clock.now() >= opens_at,
        opens_at,
        launch_at: launch.launch_at,
    }))
}
