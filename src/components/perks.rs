use std::sync::Arc;

use leptos::prelude::*;
use rules::Text;
use rules::TierId;

use crate::data::program::HomeProgram;

use crate::i18n::*;
use crate::platform::route::{follow, Route};
use crate::words::labels::{self, fill};
use crate::words::text::{dyn_text, lang, local, tr};

/// The tier's own perks, then (folded) every perk of the tiers below: perks are
/// cumulative.
/// `persona`: shown by staff about a demo persona, so spoken of "this member", not to
/// "you".
#[component]
pub fn Perks(
    program: Arc<HomeProgram>,
    tier: TierId,
    #[prop(optional)] persona: bool,
) -> impl IntoView {
    let rank = program.tiers.rank(&tier).unwrap_or(0);
    let own: Vec<Text> = program
        .tiers
        .get(rank)
        .map(|t| t.perks.clone())
        .unwrap_or_default();
    let inherited: Vec<Text> = program.tiers[..rank]
        .iter()
        .rev()
        .flat_map(|t| t.perks.iter().cloned())
        .collect();
    let list = move |perks: Vec<Text>, class: &'static str| {
        perks
            .into_iter()
            .map(|perk| {
                view! {
                    <li class=class>
                        <svg class="perk__icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                            <path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
                        </svg>
                        <span>{local(perk)}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let has_inherited = !inherited.is_empty();
    let below: Vec<Text> = program.tiers[..rank]
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let locale = lang();
    let inherited_title = dyn_text(move || {
        let l = locale.get();
        let names: Vec<&str> = below.iter().map(|name| name.get(l.as_str())).collect();
        fill(
            td_string!(l, home.inherited_perks),
            &[("tiers", &labels::list(l, &names))],
        )
    });
    view! {
        <section class="card perks-card">
            <h2 class="card__title">
                {move || match persona {
                    false => td_string!(locale.get(), home.perks_title),
                    true => td_string!(locale.get(), staff.persona_perks),
                }}
            </h2>
            <ul class="perks">{list(own, "perk")}</ul>
            {has_inherited
                .then(|| {
                    view! {
                        <details class="perks-more">
                            <summary>{inherited_title}</summary>
                            <ul class="perks">{list(inherited, "perk perk--inherited")}</ul>
                        </details>
                    }
                })}
            <a href=Route::Benefits.href() class="perks-card__more" data-testid="nav-benefits"
                on:click=follow(Route::Benefits)>{tr!(benefits.link)}" ›"</a>
        </section>
    }
}
