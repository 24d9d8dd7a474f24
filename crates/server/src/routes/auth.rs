//! `POST /api/auth/otp`, `/api/auth/login`, `/api/auth/logout`: phone + one-time code.
//! Registration happens at the first login, with consent to the privacy notice.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use contract::auth::{CodeRequest, CodeSent, LoggedIn, LoginRequest};
use rand::Rng;

use crate::auth::{self, ClientIp};
use crate::clock::ms;
use crate::db::auth as store;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::phone::Phone;
use crate::workflows::login;
use crate::AppState;
use contract::ErrorCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/otp", post(send_code))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
}

async fn send_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(CodeRequest { phone }): ApiJson<CodeRequest>,
) -> Result<Response, ApiError> {
    let phone = Phone::parse(&phone)?;
    let now = state.clock.now();
    let policy = &state.auth;
    if let Some(pending) = store::pending_code(&state.db, phone.as_str()).await? {
        let next = pending.sent_at_ms + policy.resend_after.as_millis() as i64;
        if ms(&now) < next {
            let wait = ((next - ms(&now)) / 1000).max(1) as u64;
            return Err(ApiError::too_many(
                ErrorCode::CodeSentRecently,
                "a code was sent to this phone less than a minute ago",
                wait,
            ));
        }
    }
    state.limits.check_code(&state, ip).await?;
    state
        .limits
        .check_phone_code(&state, phone.as_str())
        .await?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let expires = ms(&now) + policy.code_ttl.as_millis() as i64;
    store::put_code(&state.db, phone.as_str(), &code, ms(&now), expires).await?;
    // Sending an SMS is the operator's gateway's job; without one, dev mode logs the code.
    let dev_code = state.dev_codes.then(|| {
        tracing::info!(phone = %crate::phone::mask(phone.as_str()), code = %code, "dev one-time code");
        code
    });
    let answer = CodeSent {
        expires_in_s: policy.code_ttl.as_secs(),
        resend_after_s: policy.resend_after.as_secs(),
        dev_code,
    };
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    state.limits.check_login(&state, ip).await?;
    let phone = Phone::parse(&body.phone)?;
    // Something that cannot be a code is bad input, not a guess: it must not use up one of
    // the member's tries.
    let code = body.code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidCode,
            "a code is 6 digits",
        ));
    }
    let now = state.clock.now();
    let program = &state.program.program;
    let joining = login::Joining {
        consent_version: body.consent_version.as_deref(),
        store: body.store.as_deref(),
    };
    let signed_in =
        login::sign_in(&state.db, program, &state.auth, &phone, code, joining, &now).await?;
    let token = signed_in.token;
    let ttl = state.auth.session_ttl;
    let answer = LoggedIn {
        member_id: signed_in.member_id,
        registered: signed_in.registered,
        expires_at: signed_in.expires_at,
        token: body.bearer.then(|| token.clone()),
    };
    let mut response = Json(answer).into_response();
    if !body.bearer {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, auth::session_cookie_header(&token, ttl));
    }
    Ok(response)
}

/// Ends the session of the request (cookie or bearer) and clears the cookie. 204 for any
/// token, live or not (logging out twice is not an error); 401 without one, like every
/// endpoint that needs a session.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = auth::session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    store::delete_session(&state.db, token).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_session_cookie_header())],
    )
        .into_response())
}
