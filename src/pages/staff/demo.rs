//! The counter's demo: a sandbox persona per tier (made here from the program, never a
//! member, never sent anywhere), a spend slider that moves it along the tier bar, and live
//! from the rules the tier reached, what an order of that size earns, the perks and every
//! tier side by side.

use std::sync::Arc;

use chrono::Utc;
use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};
use rules::Fen;

use crate::components::{Perks, TierProgress};
use crate::data::program::{HomeProgram, ScreensProgram};
use crate::i18n::*;
use crate::pages::benefits::Comparison;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, tr};

/// The slider's step: one yuan.
const STEP_FEN: i64 = 100;

#[component]
pub fn DemoPanel(program: Arc<ScreensProgram>, home: Arc<HomeProgram>) -> impl IntoView {
    let locale = lang();
    // Twice the top threshold: room to show the top tier reached and passed.
    let max_fen = program.tiers.last().map_or(0, |t| t.threshold_fen.get()) * 2;
    // The persona chosen (a tier's rank) and its spend in fen.
    let persona = RwSignal::new(0usize);
    let spend = RwSignal::new(0i64);
    let start_of = {
        let program = program.clone();
        move |rank: usize| program.tiers.get(rank).map_or(0, |t| t.threshold_fen.get())
    };
    let chips = program
        .tiers
        .iter()
        .enumerate()
        .map(|(rank, tier)| {
            let start = start_of(rank);
            let name = tier.name.clone();
            let label = dyn_text(move || {
                let l = locale.get();
                fill(td_string!(l, staff.persona), &[("tier", name.get(l.as_str()))])
            });
            view! {
                <button type="button" class="tab" data-testid=format!("demo-persona-{}", tier.id.as_str())
                    aria-pressed=dyn_text(move || (persona.get() == rank).to_string())
                    on:click=move |_| { persona.set(rank); spend.set(start); }>
                    {label}
                </button>
            }
        })
        .collect_view();
    let reset = move |_| spend.set(start_of(persona.get_untracked()));
    // The tier the persona's spend reaches: rebuilt only when it changes.
    let tier = {
        let program = program.clone();
        Memo::new(move |_| program.tiers.for_spend(Fen(spend.get())).id.clone())
    };
    let tier_name = {
        let program = program.clone();
        dyn_text(move || {
            let id = tier.get();
            let l = locale.get();
            program
                .tiers
                .by_id(&id)
                .map_or(String::new(), |t| t.name.get(l.as_str()).to_owned())
        })
    };
    let today = program.local_date(&Utc::now().fixed_offset());
    // What one order of the slider's amount earns at the tier reached.
    let earns = {
        let program = program.clone();
        Memo::new(move |_| {
            let id = tier.get();
            program.tiers.by_id(&id).map_or(0, |held| {
                let earned = program
                    .points
                    .for_order(held, Fen(spend.get()), today, Fen::ZERO);
                earned.total.get()
            })
        })
    };
    let earns_text = dyn_text(move || {
        let points = group_thousands(rules::Points(earns.get()));
        let amount = format_yuan(Fen(spend.get()));
        fill(
            td_string!(locale.get(), staff.earns),
            &[("amount", &amount), ("points", &points)],
        )
    });
    let progress = {
        let program = home.clone();
        move || {
            let (program, tier) = (program.clone(), tier.get());
            view! { <TierProgress program tier spend_fen=Fen(spend.get()) persona=true /> }
        }
    };
    let perks = {
        let program = home.clone();
        move || view! { <Perks program=program.clone() tier=tier.get() persona=true /> }
    };
    let comparison = move || {
        let program = home.clone();
        view! { <Comparison program held=Some(tier.get()) spend=Fen(spend.get()) /> }
    };
    view! {
        <section class="card counter__demo" data-testid="staff-demo">
            <h2 class="card__title">{tr!(staff.demo_title)}</h2>
            <p class="hint">{tr!(staff.demo_hint)}</p>
            <div class="tabs tabs--wrap" role="group">{chips}</div>
            <label class="slider">
                <span class="slider__label">{tr!(staff.spend_label)}</span>" "
                <strong class="slider__value" data-testid="demo-spend" data-value=dyn_text(move || spend.get().to_string())>
                    {dyn_text(move || format_yuan(Fen(spend.get())))}
                </strong>
                <input type="range" min="0" max=max_fen step=STEP_FEN data-testid="demo-slider"
                    prop:value=dyn_text(move || spend.get().to_string())
                    on:input=move |ev| {
                        if let Ok(fen) = event_target_value(&ev).parse::<i64>() {
                            spend.set(fen.clamp(0, max_fen));
                        }
                    } />
            </label>
            <p class="demo__tier">
                {tr!(staff.tier_reached)}" "
                <span class="badge" data-testid="demo-tier" data-tier=move || tier.get().as_str().to_string()>{tier_name}</span>
            </p>
            <p class="demo__earns" data-testid="demo-earns" data-value=move || earns.get()>{earns_text}</p>
            {progress}
            {perks}
            <button type="button" class="button button--ghost" data-testid="demo-reset" on:click=reset>{tr!(staff.reset)}</button>
            <div class="compare" role="region" aria-label=tr!(benefits.title) tabindex="0">{comparison}</div>
        </section>
    }
}
