//! The sheet that celebrates a new tier, once (`/api/me`'s `celebrate`): the tier on its
//! colour, what it unlocks, and the next tier's line. Built by its own module, fetched
//! after home's first paint (`pages::lazy::celebration`); closing it tells the server the
//! member has seen it, so it is not shown again on any device.

use std::sync::Arc;

use leptos::prelude::*;
use rules::{Text, TierId};

use crate::data::api::{self, Me};
use crate::data::program::HomeProgram;
use crate::i18n::*;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, local, tr};

#[component]
pub fn Celebration(program: Arc<HomeProgram>, me: Arc<Me>, tier: TierId) -> impl IntoView {
    let locale = lang();
    let open = RwSignal::new(true);
    let reached = program.tiers.by_id(&tier).cloned()?;
    let close = {
        let tier = tier.clone();
        move || {
            open.set(false);
            let tier = tier.clone();
            // Not said (offline): the sheet comes again next time, which is harmless.
            leptos::task::spawn_local(async move {
                let _ = api::celebrated(&tier).await;
            });
        }
    };
    let name = reached.name.clone();
    let title = dyn_text(move || {
        let l = locale.get();
        fill(
            td_string!(l, celebration.title),
            &[("tier", name.get(l.as_str()))],
        )
    });
    let perks = reached
        .perks
        .iter()
        .cloned()
        .map(|perk: Text| view! { <li class="celebration__perk">{local(perk)}</li> })
        .collect_view();
    let next = me.next_tier.clone().map(|n| {
        let program = program.clone();
        view! {
            <p class="celebration__next" data-testid="celebration-next">
                {move || program.prompts.next_tier_text(&program.tiers, &n, locale.get().as_str())}
            </p>
        }
    });
    let (close_backdrop, close_button) = (close.clone(), close);
    Some(view! {
        // A tap outside the panel closes it, as in every bottom sheet.
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="celebration-title"
            data-testid="celebration" data-tier=tier.as_str().to_owned()
            hidden=flag(move || !open.get()) on:click=move |_| close_backdrop()>
            <div class="sheet__panel celebration" style:--tier=reached.color.clone()
                on:click=|ev| ev.stop_propagation()>
                <p class="celebration__kicker">{tr!(celebration.kicker)}</p>
                <h2 id="celebration-title" class="celebration__title">{title}</h2>
                <p class="celebration__unlocks">{tr!(celebration.unlocks)}</p>
                <ul class="celebration__perks">{perks}</ul>
                {next}
                <button type="button" class="button button--primary" data-testid="celebration-ok"
                    autofocus on:click=move |_| close_button()>
                    {tr!(celebration.ok)}
                </button>
            </div>
        </div>
    })
}
