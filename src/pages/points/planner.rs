//! The points planner card: the member's points by the date they expire, oldest first,
//! each with the mall items they can still buy and the bonus-points days before then
//! (`GET /api/me/points/plan`; the rules' `planner` decides what is listed).

use leptos::prelude::*;
use rules::money::group_thousands;
use rules::planner::{LotPlan, PlanCampaign, PlanItem};
use rules::Points;

use crate::components::{error_notice, Loader};
use crate::data::api;
use crate::i18n::*;
use crate::platform::route::{follow, Route};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, local, tr};

/// Loads the plan when shown and again whenever the balance changes (a check-in).
#[component]
pub fn Planner(balance: RwSignal<Points>) -> impl IntoView {
    let loader = Loader::new();
    let lots = RwSignal::new(None::<Vec<LotPlan>>);
    let load = move || loader.run(api::points_plan(), move |plan| lots.set(Some(plan.lots)));
    Effect::new(move |_| {
        balance.track();
        load();
    });
    let shown = move || {
        lots.get()
            .map(|lots| lots.into_iter().map(lot_view).collect_view())
    };
    let empty = flag(move || !lots.with(|l| l.as_ref().is_some_and(Vec::is_empty)));
    view! {
        <section class="card planner" data-testid="planner" aria-busy=dyn_text(move || loader.busy.get().to_string())>
            <h2 class="card__title">{tr!(planner.title)}</h2>
            {shown}
            <p class="hint" data-testid="planner-empty" hidden=empty>{tr!(planner.none)}</p>
            {error_notice("planner-error", loader.error, load)}
            <a href=Route::Mall.href() class="button button--ghost" data-testid="planner-mall" on:click=follow(Route::Mall)>
                {tr!(planner.to_mall)}
            </a>
        </section>
    }
}

/// One lot: how many points expire when, what they buy, the bonus days before then.
fn lot_view(lot: LotPlan) -> impl IntoView {
    let locale = lang();
    let points = group_thousands(lot.points);
    let (on, last) = (lot.expires_on.to_string(), lot.last_day.to_string());
    let head = dyn_text(move || {
        fill(
            td_string!(locale.get(), planner.lot),
            &[("points", &points), ("date", &on), ("last", &last)],
        )
    });
    let no_items = lot.items.is_empty();
    let no_campaigns = lot.campaigns.is_empty();
    view! {
        <article class="lot" data-testid="planner-lot" data-expires=lot.expires_on.to_string() data-points=lot.points.get()>
            <p class="lot__head">{head}</p>
            <h3 class="lot__label">{tr!(planner.items)}</h3>
            <ul class="lot__items">{lot.items.into_iter().map(item_chip).collect_view()}</ul>
            {no_items.then(|| view! { <p class="hint">{tr!(planner.no_items)}</p> })}
            <h3 class="lot__label">{tr!(planner.campaigns)}</h3>
            <ul class="lot__campaigns">{lot.campaigns.into_iter().map(campaign_row).collect_view()}</ul>
            {no_campaigns.then(|| view! { <p class="hint">{tr!(planner.no_campaigns)}</p> })}
        </article>
    }
}

fn item_chip(item: PlanItem) -> impl IntoView {
    let locale = lang();
    let price = group_thousands(item.points);
    let price = dyn_text(move || {
        fill(
            td_string!(locale.get(), planner.price),
            &[("points", &price)],
        )
    });
    view! {
        <li class="lot__item" data-testid="planner-item" data-id=item.id data-points=item.points.get()>
            <span class="lot__item-title">{local(item.title)}</span>
            <span class="lot__item-price">{price}</span>
        </li>
    }
}

fn campaign_row(c: PlanCampaign) -> impl IntoView {
    // `MM-DD – MM-DD` (the year is the lot's, or the one before).
    let dates = format!(
        "{} – {}",
        &c.first.to_string()[5..],
        &c.last.to_string()[5..]
    );
    view! {
        <li class="lot__campaign" data-testid="planner-campaign" data-id=c.id data-first=c.first.to_string()>
            <span>{local(c.name)}</span>
            <span class="lot__dates">{dates}</span>
        </li>
    }
}
