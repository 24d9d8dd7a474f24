use leptos::prelude::*;

use crate::data::api;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::platform::storage;
use crate::words::text::{lang, tr};

/// 中文 ⇄ English, visible on every screen.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let locale = lang();
    let switch = move |_| {
        choose_language(match locale.get_untracked() {
            Locale::zh => Locale::en,
            Locale::en => Locale::zh,
        })
    };
    // The visible name ("EN") is part of the accessible one ("EN Switch to English"): a
    // voice-control user says what they see (WCAG 2.5.3).
    view! {
        <button type="button" class="lang-switch" data-testid="lang-switch" on:click=switch>
            {tr!(app.lang_switch)}
            <span class="sr-only">" " {tr!(app.lang_switch_label)}</span>
        </button>
    }
}

/// Switches the app to `next`: remembered on this device and, for a logged-in member,
/// on the account (messages, other devices). The one way the language changes, from
/// the top bar or the profile.
pub fn choose_language(next: Locale) {
    storage::set_lang(next.as_str());
    lang().set(next);
    let logged_in = expect_context::<AppState>()
        .loaded()
        .is_some_and(|data| data.me.is_some());
    if logged_in {
        // A failure is harmless: this device remembers it anyway.
        leptos::task::spawn_local(async move {
            let _ = api::save_locale(next.as_str()).await;
        });
    }
}
