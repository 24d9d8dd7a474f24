//! `GET /api/me`: the home screen's numbers, computed at request time from orders and
//! the ledger (expiry applied on read), so nothing waits on a job.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use rules::membership::Retention;
use rules::quote::MemberSnapshot;
use rules::tier::NextTier;
use rules::TierId;
use serde::Serialize;

use crate::auth::AuthMember;
use crate::clock::{from_ms, ms};
use crate::db::{ledger, members};
use crate::error::ApiError;
use crate::phone::mask;
use crate::AppState;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub id: String,
    pub nickname: String,
    /// `138****1234`.
    pub phone_masked: Option<String>,
    pub role: String,
    pub locale: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub tier: TierId,
    pub qualifying_spend_fen: i64,
    pub lifetime_spend_fen: i64,
    pub next_tier: Option<NextTier>,
    /// For a member whose spend is below the tier it holds: what keeps it, by when.
    pub retention: Option<Retention>,
    pub points_balance: i64,
    pub points_expiring: Option<Expiring>,
    pub coupons: CouponCounts,
    pub checkin: CheckinState,
    /// The member as the quote sees them now: the preview prices with exactly this.
    pub snapshot: MemberSnapshot,
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize)]
pub struct Expiring {
    pub points: i64,
    /// The first instant at which (the first of) these points are gone.
    pub at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, Default)]
pub struct CouponCounts {
    pub available: i64,
    pub used: i64,
    pub expired: i64,
}

#[derive(Debug, Serialize)]
pub struct CheckinState {
    pub checked_in_today: bool,
    /// The streak's current day (0 when it is broken).
    pub streak_day: u32,
}

pub async fn get(State(state): State<AppState>, me: AuthMember) -> Result<Json<Summary>, ApiError> {
    Ok(Json(build(&state, &me.id).await?))
}

pub async fn build(state: &AppState, member_id: &str) -> Result<Summary, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now().with_timezone(&program.offset());
    let today = program.local_date(&now);
    let mut conn = state.db.acquire().await?;
    let member = members::get(&mut *conn, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let snapshot = members::snapshot(&mut conn, program, &member, &now, None).await?;
    let spend = snapshot.qualifying_spend_fen;
    let warn_until = now + Days::new(program.points.expiry.warn_days.max(0) as u64);
    let points_expiring = ledger::expiring(&mut *conn, member_id, ms(&now), ms(&warn_until))
        .await?
        .map(|(points, at)| Expiring {
            points,
            at: from_ms(at, program.offset()),
        });
    let threshold = program.tier(&member.tier).map_or(0, |t| t.threshold_fen);
    let retention = if spend < threshold {
        let by = program.drop_evaluation(today, member.below_count);
        let from = members::window_start(&program.local_midnight(by));
        let spend_then =
            members::trailing_spend(&mut *conn, member_id, ms(&from), ms(&now)).await?;
        program.retention(&member.tier, member.below_count, today, spend_then)
    } else {
        None
    };
    let coupons = coupon_counts(&mut conn, member_id, &now).await?;
    let checked_in_today = member.checkin_date == Some(today);
    // Yesterday's check-in keeps the streak going, unless it completed one: then the
    // next check-in starts at day 1, so the streak shown is already 0.
    let completed = member.checkin_streak >= program.points.checkin.streak_days;
    let streak_alive = member
        .checkin_date
        .is_some_and(|d| d == today || (d.succ_opt() == Some(today) && !completed));
    Ok(Summary {
        id: member.id.clone(),
        nickname: member.nickname.clone(),
        phone_masked: member.phone.as_deref().map(mask),
        role: member.role.clone(),
        locale: member.locale.clone(),
        birthday: member.birthday,
        tier: member.tier.clone(),
        qualifying_spend_fen: spend,
        lifetime_spend_fen: member.lifetime_spend_fen,
        next_tier: program.next_tier(&member.tier, spend),
        retention,
        points_balance: snapshot.points_balance,
        points_expiring,
        coupons,
        checkin: CheckinState {
            checked_in_today,
            streak_day: if streak_alive {
                member.checkin_streak
            } else {
                0
            },
        },
        snapshot,
        now,
    })
}

/// Counts by status, derived from now: used, expired (unused and past validity), available.
async fn coupon_counts(
    conn: &mut sqlx::AnyConnection,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<CouponCounts> {
    use sqlx::Row as _;
    let rows = sqlx::query("SELECT used_at, valid_until FROM coupons WHERE member_id = $1")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut counts = CouponCounts::default();
    for row in rows {
        let used: Option<String> = row.try_get(0)?;
        let until: String = row.try_get(1)?;
        let until = DateTime::parse_from_rfc3339(&until)?;
        if used.is_some() {
            counts.used += 1;
        } else if until <= *now {
            counts.expired += 1;
        } else {
            counts.available += 1;
        }
    }
    Ok(counts)
}
