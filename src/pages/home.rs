use leptos::prelude::*;

use crate::api::DemoMember;
use crate::components::{
    DataGate, MemberCard, Perks, PersonaSwitcher, Remount, TierProgress, TopBar,
};
use crate::route::{follow, Route};
use crate::state::{AppState, Loaded};
use crate::text::tr;

/// Home: the member card, the tier progress bar and prompt, the perks, the way to the
/// preview; the persona switcher on top until login exists.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        <main class="page page--home">
            <DataGate let:data>
                <HomeContent data />
            </DataGate>
        </main>
    }
}

#[component]
fn HomeContent(data: Loaded) -> impl IntoView {
    let state = expect_context::<AppState>();
    let program = data.program.clone();
    let members = data.members.clone();
    let switcher_program = data.program.clone();
    let data_empty = data.members.is_empty();
    let member = Memo::new(move |_| data.member(state.persona.get().as_deref()));
    let no_members = data_empty;
    // The member's screen, built anew when another member is picked.
    let show = move |m: DemoMember| {
        let tier = m.snapshot.tier.clone();
        let spend = m.snapshot.qualifying_spend_fen;
        view! {
                    <MemberCard program=program.clone() member=m />
                    <TierProgress program=program.clone() tier=tier.clone() spend_fen=spend />
                    <a href=Route::Preview.path() class="cta" data-testid="nav-preview" on:click=follow(Route::Preview)>
                        <span class="cta__text">
                            <span class="cta__title">{tr!(home.nav_preview)}</span>
                            <span class="cta__hint">{tr!(home.nav_preview_hint)}</span>
                        </span>
                        <svg class="cta__arrow" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                            <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
                        </svg>
                    </a>
                    <Perks program=program.clone() tier />
        }
    };
    view! {
        <PersonaSwitcher program=switcher_program members />
        {no_members.then(|| view! { <p class="card notice">{tr!(app.no_members)}</p> })}
        <Remount each=move || member.get() key=|m: &DemoMember| m.id.clone() children=show />
    }
}
