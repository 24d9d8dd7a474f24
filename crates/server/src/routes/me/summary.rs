//! `GET /api/me`: the home screen's numbers, computed at request time from orders and
//! the ledger (expiry applied on read), so nothing waits on a job.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Days, FixedOffset};
pub use contract::me::{Expiring, Summary};
use rules::Fen;

use axum::http::HeaderMap;

use crate::auth::session_token;
use crate::clock::{from_ms, ms};
use crate::db::home::{self, Home};
use crate::db::{coupons, members};
use crate::error::ApiError;
use crate::workflows::phone::mask;
use crate::AppState;
use contract::coupons::WalletCoupon;
use contract::me::CouponCounts;
use contract::Later;

/// The session, its member, the sums and the wallet are read in one query
/// ([`home::read`], not [`crate::auth::AuthMember`] and then the rest): the home screen
/// asks for this on every start.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Summary>, ApiError> {
    let token = session_token(&headers).ok_or_else(ApiError::unauthorized)?;
    let (now, warn_until) = times(&state);
    let sqlite = state.sqlite_reads.as_deref();
    let home = home::read(&state.db, sqlite, token, &now, &warn_until)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(summarize(&state, &home, &now).await?))
}

/// The summary of `member_id` (after a change to their profile).
pub async fn build(state: &AppState, member_id: &str) -> Result<Summary, ApiError> {
    Ok(build_with_wallet(state, member_id).await?.0)
}

/// [`build`], and the wallet it was computed from (every coupon, its status at now).
pub async fn build_with_wallet(
    state: &AppState,
    member_id: &str,
) -> Result<(Summary, Vec<WalletCoupon>), ApiError> {
    let (now, warn_until) = times(state);
    let member = members::get(&mut &state.db, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let mut conn = state.db.acquire().await?;
    let sums = members::sums(&mut *conn, member_id, &now, &warn_until).await?;
    let wallet = coupons::wallet(&mut *conn, member_id, &now, None).await?;
    let home = Home {
        member,
        sums,
        wallet,
    };
    let summary = summarize(state, &home, &now).await?;
    Ok((summary, home.wallet))
}

/// Now in the program's offset, and the end of the expiry warning's window.
fn times(state: &AppState) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let program = &state.program.program;
    let now = state.clock.now().with_timezone(&program.offset());
    let warn_until = now + Days::new(program.points.expiry.warn_days.max(0) as u64);
    (now, warn_until)
}

async fn summarize(
    state: &AppState,
    home: &Home,
    now: &DateTime<FixedOffset>,
) -> Result<Summary, ApiError> {
    let program = &state.program.program;
    let today = program.local_date(now);
    let Home {
        member,
        sums,
        wallet,
    } = home;
    let unused = wallet
        .iter()
        .filter(|c| c.used_at.is_none())
        .map(WalletCoupon::rules_coupon)
        .collect();
    let snapshot = members::snapshot_of(program, member, now, None, sums, unused);
    let spend = snapshot.qualifying_spend_fen;
    let points_expiring = sums.expiring.map(|(points, at)| Expiring {
        points,
        at: from_ms(at, program.offset()),
    });
    let threshold = program
        .tiers
        .by_id(&member.tier)
        .map_or(Fen::ZERO, |t| t.threshold_fen);
    let retention = if spend < threshold {
        let by = program
            .membership
            .downgrade
            .drop_evaluation(today, member.below_count);
        let from = members::window_start(&program.local_midnight(by));
        let spend_then =
            members::trailing_spend(&mut &state.db, &member.id, ms(&from), ms(now)).await?;
        program.membership.downgrade.retention(
            &program.tiers,
            &member.tier,
            member.below_count,
            today,
            spend_then,
        )
    } else {
        None
    };
    let last_checkin = member.checkin_date.map(|d| (d, member.checkin_streak));
    Ok(Summary {
        id: member.id.clone(),
        nickname: member.nickname.clone(),
        phone_masked: member.phone.as_deref().map(mask),
        role: member.role,
        locale: member.locale.clone(),
        birthday: member.birthday,
        tier: member.tier.clone(),
        qualifying_spend_fen: spend,
        lifetime_spend_fen: member.lifetime_spend_fen,
        next_tier: program.tiers.next(&member.tier, spend),
        retention,
        points_balance: snapshot.points_balance,
        points_expiring,
        coupons: CouponCounts {
            usable: rules::coupon::usable_at(&snapshot.coupons, now, snapshot.first_order) as i64,
            ..coupons::counts(wallet)
        },
        checkin: program.points.streak_state(today, last_checkin),
        snapshot: Later::new(snapshot),
        coupon_titles: Later::new(coupons::unused_titles(wallet)),
        now: *now,
    })
}
