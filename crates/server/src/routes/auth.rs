//! `POST /api/auth/otp`, `/api/auth/login`, `/api/auth/logout`: phone + one-time code.
//! Registration happens at the first login, with consent to the privacy notice.
//! A host app's handoff (issue 15): `POST /api/v1/members/login-links` (the shop's API
//! key) mints a one-time code for a phone, `POST /api/auth/exchange` trades it for a
//! session.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use contract::auth::{
    CodeRequest, CodeSent, ExchangeRequest, LoggedIn, LoginLink, LoginLinkRequest, LoginRequest,
};

use crate::auth::{self, ClientIp, ShopKey};
use crate::clock::ms;
use crate::db::auth as store;
use crate::db::login_links::{self, NewLink};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::workflows::login;
use crate::workflows::phone::Phone;
use crate::AppState;
use contract::ErrorCode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/otp", post(send_code))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/exchange", post(exchange))
        .route("/v1/members/login-links", post(mint_link))
}

/// How long a login link's code works: the host opens the link at once.
const LINK_TTL_MS: i64 = 60_000;

async fn mint_link(
    State(state): State<AppState>,
    shop: ShopKey,
    ApiJson(req): ApiJson<LoginLinkRequest>,
) -> Result<(StatusCode, Json<LoginLink>), ApiError> {
    let phone = Phone::parse(&req.phone)?;
    let return_to = req.return_to.as_deref().map(str::trim);
    if return_to.is_some_and(|p| !is_app_path(p)) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidReturnTo,
            "return_to must be a path of the app, like /coupons",
        ));
    }
    let now = state.clock.now();
    let expires_at = now + chrono::Duration::milliseconds(LINK_TTL_MS);
    let link = NewLink {
        api_key_id: &shop.id,
        phone: phone.as_str(),
        consent_version: req.consent_version.as_deref(),
        return_to,
        now_ms: ms(&now),
        expires_at_ms: ms(&expires_at),
    };
    let code = login_links::create(&state.db, &link).await?;
    // The link opens the page the host wants: the app's start takes the code out.
    // `return_to` is a path of the app: under `--base-path` it is behind the prefix.
    let origin = state.public_url.as_deref().unwrap_or("");
    let base = state.base_path.as_str();
    let path = return_to.unwrap_or("/");
    let join = if path.contains('?') { '&' } else { '?' };
    let answer = LoginLink {
        url: format!("{origin}{base}{path}{join}login={code}"),
        code,
        expires_at,
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

/// A path inside the app: `/…`, not `//host` (another site), no backslash, no `#` (the
/// code goes after the path), no control characters, no scheme.
fn is_app_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 200
        && !path
            .chars()
            .any(|c| c.is_control() || c == '\\' || c == '#')
}

/// Counted against the per-address login limit: a guessed code costs a try like a
/// guessed one-time code.
async fn exchange(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ExchangeRequest>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    state.limits.check_login(&state.db, ip, &now).await?;
    let program = &state.program.program;
    let consent = body.consent_version.as_deref();
    let (signed_in, return_to) = login::exchange(
        &state.db,
        program,
        &state.auth,
        body.code.trim(),
        consent,
        &now,
    )
    .await?;
    Ok(session_answer(&state, signed_in, body.bearer, return_to))
}

/// The answer of a sign-in: the session as a cookie, or as a token in the body.
fn session_answer(
    state: &AppState,
    signed_in: login::SignedIn,
    bearer: bool,
    return_to: Option<String>,
) -> Response {
    let token = signed_in.token;
    let answer = LoggedIn {
        member_id: signed_in.member_id,
        registered: signed_in.registered,
        expires_at: signed_in.expires_at,
        token: bearer.then(|| token.clone()),
        return_to,
    };
    let mut response = Json(answer).into_response();
    if !bearer {
        let cookie = auth::session_cookie_header(&token, state.auth.session_ttl, &state.base_path);
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn send_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(CodeRequest { phone, locale }): ApiJson<CodeRequest>,
) -> Result<Response, ApiError> {
    let phone = Phone::parse(&phone)?;
    let now = state.clock.now();
    let policy = &state.auth;
    let locale = message_locale(locale.as_deref(), &headers);
    let sms = state.sms.as_deref();
    let code = login::send_code(
        &state.db,
        policy,
        &state.limits,
        (ip, locale),
        &phone,
        sms,
        &now,
    )
    .await?;
    // Development mode (never with a real sender) logs the code and answers it.
    let dev_code = state.dev_codes.then(|| {
        let masked = rules::phone::mask(phone.as_str());
        tracing::info!(phone = %masked, code = %code, "dev one-time code");
        code
    });
    let answer = CodeSent {
        expires_in_s: policy.code_ttl.as_secs(),
        resend_after_s: policy.resend_after.as_secs(),
        dev_code,
    };
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// The language of the code's message: the app's (`zh`, `en`) when it says, else English
/// for a browser that prefers it, else Chinese (the program's first language).
fn message_locale(app: Option<&str>, headers: &HeaderMap) -> &'static str {
    match app {
        Some("en") => return "en",
        Some("zh") => return "zh",
        _ => {}
    }
    let preferred = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if preferred
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("en")
    {
        "en"
    } else {
        "zh"
    }
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    state.limits.check_login(&state.db, ip, &now).await?;
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
    let program = &state.program.program;
    let joining = login::Joining {
        consent_version: body.consent_version.as_deref(),
        store: body.store.as_deref(),
    };
    let signed_in =
        login::sign_in(&state.db, program, &state.auth, &phone, code, joining, &now).await?;
    Ok(session_answer(&state, signed_in, body.bearer, None))
}

/// Ends the session of the request (cookie or bearer) and clears the cookie. 204 for any
/// token, live or not (logging out twice is not an error); 401 without one, like every
/// endpoint that needs a session.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = auth::session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    store::delete_session(&state.db, token).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            auth::clear_session_cookie_header(&state.base_path),
        )],
    )
        .into_response())
}
