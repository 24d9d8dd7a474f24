//! Every tier side by side (`/benefits`): what it takes (the trailing-365-day spend),
//! the points rate, the birthday-month discount, shipping and the perks, with the
//! member's own tier marked and how much more spend each higher one needs. All from the
//! program; the member (or the demo persona) only places the marker.

use std::sync::Arc;

use leptos::prelude::*;
use rules::money::format_yuan;
use rules::tier::Tier;
use rules::Fen;

use crate::data::program::HomeProgram;

use crate::components::TopBar;
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::words::display::{rate, zhe};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, local, tr, Key};

#[component]
pub fn BenefitsPage(data: Loaded) -> impl IntoView {
    let state = expect_context::<AppState>();
    let member = data.member(state.persona.get_untracked().as_deref());
    let held = member.as_ref().map(|m| m.tier.clone());
    let spend = member.map_or(Fen::ZERO, |m| m.qualifying_spend_fen);
    view! {
        <TopBar back=true>{tr!(benefits.title)}</TopBar>
        <main class="page page--benefits">
            <p class="intro">{tr!(benefits.intro)}</p>
            <div class="card compare" role="region" aria-label=tr!(benefits.title) tabindex="0">
                <Comparison program=data.program.home.clone() held spend />
            </div>
        </main>
    }
}

/// The table: a column per tier, the first column the row names (kept in view while the
/// table scrolls sideways on a phone).
#[component]
pub(crate) fn Comparison(
    program: Arc<HomeProgram>,
    held: Option<rules::TierId>,
    spend: Fen,
) -> impl IntoView {
    let tiers: Vec<Tier> = program.tiers.iter().cloned().collect();
    let held_rank = held.as_ref().and_then(|h| program.tiers.rank(h));
    let locale = lang();
    let is_held = move |i: usize| Some(i) == held_rank;
    let head = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            view! {
                <th scope="col" class="compare__tier" class:compare__tier--held=is_held(i)
                    data-tier=t.id.as_str().to_string() data-testid=format!("benefits-tier-{}", t.id.as_str())
                    aria-current=is_held(i).then_some("true")>
                    <span>{local(t.name.clone())}</span>
                    {is_held(i).then(|| view! { <span class="badge">{tr!(benefits.yours)}</span> })}
                </th>
            }
        })
        .collect_view();
    // One row: its name, then a cell per tier.
    let row = |name: Key, cell: &dyn Fn(usize, &Tier) -> AnyView| {
        let cells = tiers
            .iter()
            .enumerate()
            .map(|(i, t)| view! { <td class:compare__cell--held=is_held(i)>{cell(i, t)}</td> })
            .collect_view();
        view! { <tr><th scope="row">{crate::words::text::message(name)}</th>{cells}</tr> }
    };
    let threshold = row(|l| td_string!(l, benefits.threshold), &|_, t| {
        let text = if t.threshold_fen == Fen::ZERO {
            dyn_text(move || td_string!(locale.get(), benefits.on_joining).to_string())
        } else {
            let yuan = format_yuan(t.threshold_fen);
            dyn_text(move || {
                fill(
                    td_string!(locale.get(), benefits.spend_365),
                    &[("yuan", &yuan)],
                )
            })
        };
        text.into_any()
    });
    let gap = row(|l| td_string!(l, benefits.gap), &|i, t| {
        let missing = t.threshold_fen - spend;
        let reached = held_rank.is_some_and(|h| i <= h) || !missing.is_positive();
        let testid = format!("benefits-gap-{}", t.id.as_str());
        if reached {
            view! { <span class="muted" data-testid=testid data-value=0>{tr!(benefits.reached)}</span> }.into_any()
        } else {
            let yuan = format_yuan(missing);
            let text = dyn_text(move || {
                fill(
                    td_string!(locale.get(), benefits.missing),
                    &[("yuan", &yuan)],
                )
            });
            view! { <strong class="compare__gap" data-testid=testid data-value=missing.get()>{text}</strong> }.into_any()
        }
    });
    let points = row(|l| td_string!(l, benefits.points_rate), &|_, t| {
        format!("×{}", rate(t.points_rate_percent)).into_any()
    });
    let birthday = row(|l| td_string!(l, benefits.birthday), &|_, t| {
        let z = zhe(t.birthday_month_discount_percent);
        let pct = t.birthday_month_discount_percent;
        dyn_text(move || match locale.get() {
            Locale::zh => format!("{z}折"),
            Locale::en => format!("{pct}% off"),
        })
        .into_any()
    });
    let shipping = row(|l| td_string!(l, benefits.shipping), &|_, t| {
        if t.free_shipping {
            tr!(benefits.free_shipping).into_any()
        } else {
            "—".into_any()
        }
    });
    // Perks add up: each tier has the ones below it too.
    let perks = row(|l| td_string!(l, benefits.perks), &|i, t| {
        let below = i.checked_sub(1).and_then(|b| tiers.get(b)).map(|b| {
            let name = b.name.clone();
            let text = dyn_text(move || {
                let l = locale.get();
                fill(
                    td_string!(l, benefits.includes),
                    &[("tier", name.get(l.as_str()))],
                )
            });
            view! { <li class="compare__includes">{text}</li> }
        });
        let items = t
            .perks
            .iter()
            .map(|p| view! { <li>{local(p.clone())}</li> })
            .collect_view();
        view! { <ul class="compare__perks">{below}{items}</ul> }.into_any()
    });
    view! {
        <table class="compare__table" data-testid="benefits-table">
            <thead><tr><td></td>{head}</tr></thead>
            <tbody>{threshold}{gap}{points}{birthday}{shipping}{perks}</tbody>
        </table>
    }
}
