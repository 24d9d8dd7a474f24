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
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use contract::events::{
    EarlyAccess, EarlyAccessQuery, EventsPage, EventsQuery, FeedLink, NextEvent, NextEvents,
};
use contract::ErrorCode;
use rules::occurrences::{self, Calendar, DateRange, EventMember};

use crate::auth::{session_token, AuthMember, ShopKey};
use crate::clock::ms;
use crate::db::members::MemberRow;
use crate::db::{ledger, members};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
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
    // A stale or foreign cookie is no error here: the public calendar, marked as such.
    let member = match session_token(&headers) {
        Some(token) => members::by_session(&state.db, token, ms(&now)).await?,
        None => None,
    };
    let event_member = match &member {
        Some(m) => Some(event_member(&state, m, &now).await?),
        None => None,
    };
    let Calendar {
        occurrences,
        undated,
    } = occurrences::calendar(program, event_member.as_ref(), range);
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

/// What the calendar needs of a member: tier, birthday, and the points they hold by the
/// local date those expire.
async fn event_member(
    state: &AppState,
    member: &MemberRow,
    now: &DateTime<FixedOffset>,
) -> Result<EventMember, ApiError> {
    let zone = &state.program.program.time_zone;
    let expiring = ledger::held_by_expiry(&state.db, zone, &member.id, now).await?;
    Ok(EventMember {
        tier: member.tier.clone(),
        birthday: member.birthday,
        expiring,
    })
}

/// The member's feed: from a month back to a year ahead.
async fn feed_of(state: &AppState, member: &MemberRow) -> Result<Response, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now();
    let today = program.time_zone.local_date(&now);
    let range = DateRange {
        from: today - Days::new(FEED_DAYS_BACK),
        to: today + Days::new(FEED_DAYS_AHEAD),
    };
    let who = event_member(state, member, &now).await?;
    let calendar = occurrences::calendar(program, Some(&who), range);
    let lang = member.locale.as_deref().unwrap_or("zh");
    let body = ics::render(program, &calendar.occurrences, lang);
    Ok((
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
        .into_response())
}

/// Home asks for this after its first paint, from a module of its own: neither `/api/me`
/// nor the first screen's code carries it.
async fn next_events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<NextEvents>, ApiError> {
    let now = state.clock.now();
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    let member = members::by_session(&state.db, token, ms(&now))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let program = &state.program.program;
    let now = now.with_timezone(&program.offset());
    let who = event_member(&state, &member, &now).await?;
    let events = occurrences::upcoming(program, &who, &now, NEXT_EVENTS_DAYS, NEXT_EVENTS)
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

/// The session and its member in one query, as `GET /api/me` reads them.
async fn own_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    let member = members::by_session(&state.db, token, ms(&state.clock.now()))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    feed_of(&state, &member).await
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
    let member_id = calendar_feeds::member_of(&state.db, token)
        .await?
        .ok_or(ApiError::NotFound)?;
    let member = members::get(&mut &state.db, &member_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    feed_of(&state, &member).await
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
