//! A points adjustment (admins): points added or taken with a required reason, one
//! idempotency key per adjustment (kept for its retries, made anew once it succeeded).

use leptos::prelude::*;

use super::toaster;
use crate::components::Loader;
use crate::data::api::idempotency_key;
use crate::data::console as console_api;
use crate::pages::admin::error_notice;
use crate::pages::admin::words::{t, Word};

#[component]
pub fn AdjustForm(member_id: String, balance: RwSignal<i64>) -> impl IntoView {
    let loader = Loader::new();
    let toast = toaster();
    let console = crate::pages::admin::console();
    let points = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let key = StoredValue::new(idempotency_key());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Not a number: the server's own check answers (0 is refused there too).
        let amount = points.get_untracked().trim().parse::<i64>().unwrap_or(0);
        let why = reason.get_untracked().trim().to_owned();
        let (id, k) = (member_id.clone(), key.get_value());
        loader.run(
            async move { console_api::adjust(&id, amount, &why, &k).await },
            move |done| {
                balance.set(done.points_balance.get());
                key.set_value(idempotency_key());
                points.set(String::new());
                reason.set(String::new());
                toast(Word::Adjusted);
                // The page again: the ledger and the audit entries show the adjustment.
                console.member.set(console.member.get_untracked());
            },
        );
    };
    view! {
        <form class="console__filters adjust" data-testid="adjust-form" on:submit=submit>
            <h3 class="lot__label">{t(Word::AdjustPoints)}</h3>
            <label class="field">{t(Word::Points)}
                <input type="number" class="input" step="1" data-testid="adjust-points" prop:value=points
                    on:input=move |ev| points.set(event_target_value(&ev)) /></label>
            <label class="field field--wide">{t(Word::Reason)}
                <input type="text" class="input" maxlength="200" required data-testid="adjust-reason" prop:value=reason
                    on:input=move |ev| reason.set(event_target_value(&ev)) /></label>
            <button type="submit" class="button button--primary" data-testid="adjust-submit" disabled=loader.busy>
                {t(Word::Adjust)}
            </button>
            <p class="hint">{t(Word::AdjustHint)}</p>
            {error_notice(loader.error, "adjust-error")}
        </form>
    }
}
