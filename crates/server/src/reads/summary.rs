//! The home's numbers (`GET /api/me`), computed at request time from orders and the
//! ledger (expiry applied on read), so nothing waits on a job: the member, their sums and
//! wallet, and the retention line, which needs the spend of another window.

use chrono::{DateTime, Days, FixedOffset};
use contract::coupons::CouponStatus;
use contract::coupons::WalletCoupon;
use contract::me::{Arrived, CouponCounts, Expiring, Summary};
use contract::Later;
use rules::phone::mask;
use rules::Fen;

use super::snapshot::snapshot_of;
use crate::clock::{from_ms, ms};
use crate::db::home::{self, Home};
use crate::db::{coupons, members};
use crate::AppState;

/// The summary of the member whose session `token` is, read in one query ([`home::read`]):
/// the home screen asks for this on every start. None for no such session.
pub async fn of_session(state: &AppState, token: &str) -> anyhow::Result<Option<Summary>> {
    let (now, warn_until) = times(state);
    let sqlite = state.sqlite_reads.as_deref();
    let offset = state.program.program.offset();
    let Some(home) = home::read(&state.db, sqlite, token, &now, &warn_until, offset).await? else {
        return Ok(None);
    };
    Ok(Some(summarize(state, &home, &now).await?))
}

/// The summary of `member_id` (after a change to their profile).
pub async fn of_member(state: &AppState, member_id: &str) -> anyhow::Result<Option<Summary>> {
    Ok(with_wallet(state, member_id)
        .await?
        .map(|(summary, _)| summary))
}

/// [`of_member`], and the wallet it was computed from (every coupon, its status at now).
pub async fn with_wallet(
    state: &AppState,
    member_id: &str,
) -> anyhow::Result<Option<(Summary, Vec<WalletCoupon>)>> {
    let (now, warn_until) = times(state);
    let Some(member) = members::get(&mut &state.db, member_id).await? else {
        return Ok(None);
    };
    let mut conn = state.db.acquire().await?;
    let sums = members::sums(&mut *conn, member_id, &now, &warn_until).await?;
    let offset = state.program.program.offset();
    let wallet = coupons::wallet(&mut *conn, member_id, &now, offset, None).await?;
    let home = Home {
        member,
        sums,
        wallet,
    };
    let summary = summarize(state, &home, &now).await?;
    Ok(Some((summary, home.wallet)))
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
) -> anyhow::Result<Summary> {
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
    let snapshot = snapshot_of(program, member, now, None, sums, unused);
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
        celebrate: program
            .tiers
            .to_celebrate(member.tier_celebrated.as_ref(), &member.tier),
        arrived: arrived(wallet, member.gifts_seen_ms),
        next_monthly_coupon: program.coupon_issuance.next_monthly(
            &program.tiers,
            &member.tier,
            today,
        ),
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

/// The gifts received after `seen_ms` that can still be used, newest first.
fn arrived(wallet: &[WalletCoupon], seen_ms: Option<i64>) -> Option<Arrived> {
    let mut new: Vec<(i64, &WalletCoupon)> = wallet
        .iter()
        .filter(|c| c.source.is_gift() && c.status == CouponStatus::Available)
        .filter_map(|c| Some((ms(c.received_at.as_ref()?), c)))
        .filter(|(at, _)| seen_ms.is_none_or(|seen| *at > seen))
        .collect();
    new.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let until_ms = new.first()?.0;
    Some(Arrived {
        titles: new.into_iter().map(|(_, c)| c.title.clone()).collect(),
        until_ms,
    })
}
