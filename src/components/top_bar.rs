use leptos::prelude::*;

use crate::components::LangSwitch;
use crate::platform::route::{back as go_back, Route};
use crate::words::text::tr;

/// The bar on top of every screen: an optional way back, the title, the language switch.
#[component]
pub fn TopBar(
    /// Shows a back arrow: back in history within the app, else to the home screen.
    #[prop(optional)]
    back: bool,
    /// The title.
    children: Children,
) -> impl IntoView {
    view! {
        <header class="top-bar">
            <div class="top-bar__side">
                {back
                    .then(|| {
                        view! {
                            <a href=Route::Home.href() class="top-bar__back" data-testid="back" aria-label=tr!(preview.back) on:click=go_back()>
                                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                                    <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
                                </svg>
                            </a>
                        }
                    })}
            </div>
            <h1 class="top-bar__title">{children()}</h1>
            <div class="top-bar__side top-bar__side--end">
                <LangSwitch />
            </div>
        </header>
    }
}
