//! The app shell: i18n (Chinese first, the choice remembered), app state, routes.

use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::*;
use crate::pages::{Home, NotFound, PreviewPage};
use crate::state::AppState;
use crate::storage;

/// Chinese unless the shopper picked English before (leptos_i18n alone would follow
/// the browser's language).
fn initial_locale() -> Locale {
    storage::lang()
        .and_then(|lang| Locale::from_str(&lang).ok())
        .unwrap_or(Locale::zh)
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(AppState::new());
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(initial_locale())>
            <HtmlLang />
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/preview") view=PreviewPage />
                </Routes>
            </Router>
        </I18nSubContextProvider>
    }
}

/// Keeps `<html lang>` on the current locale, for screen readers and fonts.
#[component]
fn HtmlLang() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move || {
        let lang = match i18n.get_locale() {
            Locale::zh => "zh-CN",
            Locale::en => "en",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
    });
}
