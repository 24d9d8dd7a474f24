//! Staff at the counter (issue 14), staff and admin only (a member gets 403 `forbidden`):
//! - `GET /api/staff/counter`: the staff user's store, its join link and today's joins;
//! - `POST /api/staff/lookup`: a member by full phone number, what staff may see of them;
//!   each lookup is audited and at most `lookups_per_staff_per_hour` a staff user;
//! - `POST /api/staff/coupons`: a coupon from the program's staff menu with a reason,
//!   audited; needs an `Idempotency-Key`, replayed like a redemption's.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use contract::coupons::CouponStatus;
use contract::staff::{Counter, LookupRequest, MemberCard};
use contract::ErrorCode;

use crate::auth::StaffMember;
use crate::db::{members, stores};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::mall::idempotency_key;
use crate::routes::me::summary_with_wallet;
use crate::routes::orders::answer;
use crate::workflows::phone::Phone;
use crate::workflows::staff::{self, GrantRequest};
use crate::AppState;
use rules::phone::mask;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/counter", get(counter))
        .route("/staff/lookup", post(lookup))
        .route("/staff/coupons", post(grant))
}

async fn counter(
    State(state): State<AppState>,
    me: StaffMember,
) -> Result<Json<Counter>, ApiError> {
    let now = state.clock.now();
    let counter =
        crate::reads::counter::counter(&state.db, &state.program.program, &me.id, me.role, &now)
            .await?;
    Ok(Json(counter))
}

/// Counted against the limit before anything is read, found or not: the limit bounds
/// how many phone numbers one staff user can try.
async fn lookup(
    State(state): State<AppState>,
    me: StaffMember,
    ApiJson(req): ApiJson<LookupRequest>,
) -> Result<Json<MemberCard>, ApiError> {
    let phone = Phone::parse(&req.phone)?;
    let now = state.clock.now();
    state.limits.check_lookup(&state.db, &me.id, &now).await?;
    let member_id = members::real_id_by_phone(&state.db, phone.as_str())
        .await?
        .ok_or_else(|| {
            ApiError::reject(
                axum::http::StatusCode::NOT_FOUND,
                ErrorCode::MemberNotFound,
                "no member with this phone number",
            )
        })?;
    let store = stores::of_member(&state.db, &me.id).await?;
    staff::record_lookup(&state.db, &me.id, store.as_ref(), &member_id, &now).await?;
    // The summary's wallet: read once for the counts and for the coupons usable now.
    let (summary, wallet) = summary_with_wallet(&state, &member_id).await?;
    let coupons = wallet
        .into_iter()
        .filter(|c| c.status == CouponStatus::Available)
        .collect();
    Ok(Json(MemberCard {
        member_id,
        phone_masked: Some(mask(phone.as_str())),
        nickname: summary.nickname,
        tier: summary.tier,
        qualifying_spend_fen: summary.qualifying_spend_fen,
        next_tier: summary.next_tier,
        points_balance: summary.points_balance,
        coupons,
    }))
}

async fn grant(
    State(state): State<AppState>,
    me: StaffMember,
    headers: HeaderMap,
    ApiJson(req): ApiJson<GrantRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let now = state.clock.now();
    let recorded =
        staff::grant_coupon(&state.db, &state.program.program, &me.id, key, &req, &now).await?;
    Ok(answer(recorded))
}
