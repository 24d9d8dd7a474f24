//! The shops' API keys: listed (name, id, created, last used, revoked), created (the key
//! shown once) and revoked after a confirming second click.

use leptos::prelude::*;

use super::{created_key, table, toaster, when};
use crate::components::Loader;
use crate::data::console::{self as console_api, ApiKeyCreated};
use crate::pages::admin::words::{t, Word};
use crate::pages::admin::{console, error_notice};
use crate::words::display::date_of;

#[component]
pub fn ApiKeysPart() -> impl IntoView {
    let can_change = console().can_change;
    let loader = Loader::new();
    let toast = toaster();
    let keys = RwSignal::new(Vec::new());
    let reload = move || loader.run(console_api::api_keys(), move |k| keys.set(k.keys));
    reload();
    let created = RwSignal::new(None::<ApiKeyCreated>);
    let name = RwSignal::new(String::new());
    // The key whose revoke button was clicked once: the second click revokes.
    let confirming = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        loader.run(
            async move { console_api::create_api_key(n.trim()).await },
            move |k| {
                created.set(Some(k));
                name.set(String::new());
                reload();
            },
        );
    };
    let revoke = move |id: String| {
        if confirming.get_untracked().as_deref() != Some(id.as_str()) {
            confirming.set(Some(id));
            return;
        }
        confirming.set(None);
        loader.run(
            async move { console_api::revoke_api_key(&id).await },
            move |()| {
                toast(Word::Revoked);
                reload();
            },
        );
    };
    let rows = move || {
        keys.get()
            .into_iter()
            .map(|k| {
                let id = k.id.clone();
                let asking = {
                    let id = id.clone();
                    move || confirming.get().as_deref() == Some(id.as_str())
                };
                let button = (can_change && k.revoked_at.is_none()).then(|| {
                    let id = id.clone();
                    view! {
                        <button type="button" class="button button--ghost" data-testid="key-revoke"
                            on:click=move |_| revoke(id.clone())>
                            {move || if asking() { t(Word::ConfirmRevoke)() } else { t(Word::Revoke)() }}
                        </button>
                    }
                });
                view! {
                    <tr data-testid="key-row" data-revoked=k.revoked_at.is_some().to_string()>
                        <td>{k.name}</td>
                        <td><code>{k.id}</code></td>
                        <td>{date_of(k.created_at)}</td>
                        <td>{when(k.last_used_at)}</td>
                        <td>{k.revoked_at.map(date_of).unwrap_or_default()}{button}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let form = can_change.then(|| {
        view! {
            <form class="console__filters card" data-testid="key-form" on:submit=create>
                <label class="field">{t(Word::KeyName)}
                    <input type="text" class="input" required maxlength="60" data-testid="key-name"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <button type="submit" class="button button--primary" data-testid="key-submit" disabled=loader.busy>{t(Word::CreateKey)}</button>
            </form>
        }
    });
    view! {
        {form}
        {move || created.get().map(created_key)}
        {error_notice(loader.error, "keys-error")}
        {table(Word::ApiKeys, "keys-table", &[Word::KeyName, Word::KeyId, Word::Created, Word::LastUsed, Word::Revoked], rows)}
    }
}
