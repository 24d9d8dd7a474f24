//! The dashboard's shares (active, members' sales, redemption, points outstanding) and
//! its breakdowns (tiers now, new members by store and channel, coupons by source).

use leptos::prelude::*;

use super::{part_rows, share, Series};
use crate::data::console::{Dashboard, Part};
use crate::pages::admin::format::Unit;
use crate::pages::admin::words::{now, t, Word};

/// The shares and the points outstanding, in one row of small cards; the daily active
/// share opens as a trend like a card's figure.
pub fn shares(
    d: &Dashboard,
    open: RwSignal<Option<(Series, String)>>,
    suffix: String,
) -> impl IntoView {
    let daily = super::daily_share(d);
    let open_daily = move |_| {
        let name = format!("{}_{suffix}.csv", now(Word::DailyActiveShare));
        open.set(Some((daily.clone(), name)));
    };
    let member_share = match (d.member_share_bp, d.previous_member_share_bp) {
        (Some(_), _) | (_, Some(_)) => (d.member_share_bp, Word::Nothing),
        _ => (None, Word::NotReported),
    };
    view! {
        <div class="kpis kpis--facts">
            <article class="card kpi" data-testid="fact" data-fact="active_share">
                <h3 class="kpi__title">{t(Word::ActiveShare)}</h3>
                <p class="kpi__value">{share(d.active_share_bp, Word::Nothing)}</p>
                <button type="button" class="button button--ghost kpi__open" data-testid="daily-trend"
                    on:click=open_daily>{t(Word::DailyActiveShare)}</button>
            </article>
            <article class="card kpi" data-testid="fact" data-fact="member_share">
                <h3 class="kpi__title">{t(Word::MemberShare)}</h3>
                <p class="kpi__value">{share(member_share.0, member_share.1)}</p>
                <p class="kpi__compare muted">{t(Word::Previous)}" "{share(d.previous_member_share_bp, Word::Nothing)}</p>
            </article>
            <article class="card kpi" data-testid="fact" data-fact="redemption">
                <h3 class="kpi__title">{t(Word::RedemptionRate)}</h3>
                <p class="kpi__value">{share(d.redemption_bp, Word::Nothing)}</p>
                <p class="kpi__compare muted">{t(Word::Previous)}" "{share(d.previous_redemption_bp, Word::Nothing)}</p>
            </article>
            <article class="card kpi" data-testid="fact" data-fact="outstanding">
                <h3 class="kpi__title">{t(Word::PointsOutstanding)}</h3>
                <p class="kpi__value" data-value=d.points_outstanding.get()>{Unit::Points.show(d.points_outstanding.get())}</p>
                <p class="kpi__compare"><span class="muted">{t(Word::Liability)}</span>" "
                    <span data-testid="liability">{Unit::Fen.show(d.points_liability_fen.get())}</span></p>
            </article>
        </div>
    }
}

/// One breakdown as a table: its parts in this period and the one before.
fn breakdown(kind: Word, parts: &[Part], testid: &'static str) -> impl IntoView {
    view! {
        <table class="table card" data-testid=testid>
            <caption>{t(kind)}</caption>
            <thead><tr>
                <th scope="col">{t(Word::Key)}</th>
                <th scope="col">{t(Word::Current)}</th>
                <th scope="col">{t(Word::Previous)}</th>
            </tr></thead>
            <tbody>{part_rows(kind, parts, Unit::Count)}</tbody>
        </table>
    }
}

pub fn tables(d: &Dashboard) -> impl IntoView {
    view! {
        <div class="console__tables">
            {breakdown(Word::MembersPerTier, &d.members_per_tier, "members-per-tier")}
            {breakdown(Word::ByStore, &d.new_members_by_store, "new-by-store")}
            {breakdown(Word::ByChannel, &d.new_members_by_channel, "new-by-channel")}
            {breakdown(Word::BySource, &d.coupons_issued_by_source, "coupons-by-source")}
        </div>
    }
}
