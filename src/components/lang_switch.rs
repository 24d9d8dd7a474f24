use leptos::prelude::*;

use crate::i18n::*;
use crate::storage;
use crate::text::{lang, tr};

/// 中文 ⇄ English, visible on every screen; the choice is remembered.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let locale = lang();
    let switch = move |_| {
        let next = match locale.get_untracked() {
            Locale::zh => Locale::en,
            Locale::en => Locale::zh,
        };
        storage::set_lang(next.as_str());
        locale.set(next);
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            data-testid="lang-switch"
            aria-label=tr!(app.lang_switch_label)
            on:click=switch
        >
            {tr!(app.lang_switch)}
        </button>
    }
}
