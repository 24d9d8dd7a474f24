use std::sync::Arc;

use crate::data::program::HomeProgram;
use leptos::prelude::*;

use crate::data::api::DemoMember;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::words::text::{lang, tr};

/// Picks which demo member the screens show (until login exists); remembered.
#[component]
pub fn PersonaSwitcher(program: Arc<HomeProgram>, members: Arc<Vec<DemoMember>>) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let current = {
        let members = members.clone();
        move || {
            let chosen = state.persona.get();
            members
                .iter()
                .find(|m| Some(&m.id) == chosen.as_ref())
                .or_else(|| members.first())
                .map(|m| m.id.clone())
                .unwrap_or_default()
        }
    };
    let options = members
        .iter()
        .map(|m| {
            let id = m.id.clone();
            let selected = {
                let current = current.clone();
                let id = id.clone();
                move || current() == id
            };
            let tier = program.tiers.by_id(&m.tier).map(|t| t.name.clone());
            let nickname = m.nickname.clone();
            let label = move || {
                let locale = locale.get();
                match &tier {
                    Some(name) => format!("{nickname} · {}", name.get(locale.as_str())),
                    None => nickname.clone(),
                }
            };
            view! { <option value=id prop:selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <label class="persona">
            <span class="persona__label">{tr!(home.persona_label)}</span>
            <select
                class="persona__select"
                data-testid="persona-switcher"
                prop:value=current
                on:change=move |ev| state.choose_persona(event_target_value(&ev))
            >
                {options}
            </select>
        </label>
    }
}
