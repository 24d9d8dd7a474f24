//! The app shell: i18n (Chinese first, the choice remembered), app state, the screen of
//! the current route.

use std::str::FromStr;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::Remount;
use crate::i18n::*;
use crate::pages::{Home, NotFound, PreviewPage};
use crate::route::{provide_router, Route};
use crate::state::AppState;
use crate::storage;
use crate::text::{lang, Lang};

/// Chinese unless the shopper picked English before (never the browser's language).
fn initial_locale() -> Locale {
    storage::lang()
        .and_then(|lang| Locale::from_str(&lang).ok())
        .unwrap_or(Locale::zh)
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(AppState::new());
    provide_context(Lang(RwSignal::new(initial_locale())));
    let route = provide_router();
    // An `EitherOf…` rather than `.into_any()`: the screens are only ever built (a new
    // route builds a new screen), and `AnyView` would also compile each screen's rebuild.
    let screen = |route: Route| match route {
        Route::Home => EitherOf3::A(view! { <Home /> }),
        Route::Preview => EitherOf3::B(view! { <PreviewPage /> }),
        Route::NotFound => EitherOf3::C(view! { <NotFound /> }),
    };
    view! {
        <HtmlLang />
        <Remount each=move || Some(route.get()) key=|route: &Route| *route children=screen />
    }
}

/// Keeps `<html lang>` on the current locale, for screen readers and fonts.
#[component]
fn HtmlLang() -> impl IntoView {
    let locale = lang();
    Effect::new(move || {
        let lang = match locale.get() {
            Locale::zh => "zh-CN",
            Locale::en => "en",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
    });
}
