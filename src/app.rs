//! The app shell: i18n (Chinese first, the choice remembered), app state, routes.

use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::*;
use crate::pages::{Home, NotFound, PreviewPage};
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
    view! {
        <HtmlLang />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home />
                <Route path=path!("/preview") view=PreviewPage />
            </Routes>
        </Router>
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
