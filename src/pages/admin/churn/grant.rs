//! A coupon of the staff menu to the whole churn list, as filtered: one idempotency key
//! per batch, so a second click (or a retry after a lost answer) starts nothing twice; the
//! key is made anew when the filters, the coupon or the reason change. The server grants
//! in the background; its progress is read every second until it is done.

use std::time::Duration;

use leptos::prelude::*;

use super::Filters;
use crate::components::Loader;
use crate::data::api::idempotency_key;
use crate::data::console::{self as console_api, GrantBatch};
use crate::pages::admin::words::{now, t, Word};
use crate::pages::admin::{console, error_notice};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, local};

const POLL: Duration = Duration::from_secs(1);

#[component]
pub fn GrantToList(filters: Filters) -> impl IntoView {
    let menu = console().program.with_value(|p| p.staff_menu.clone());
    let grant = RwSignal::new(menu.first().map(|g| g.id.clone()).unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let key = StoredValue::new(idempotency_key());
    // Anything that makes it another batch makes it another key.
    Effect::new(move || {
        filters.tier.track();
        filters.store.track();
        grant.track();
        reason.track();
        key.set_value(idempotency_key());
    });
    let loader = Loader::new();
    let batch = RwSignal::new(None::<GrantBatch>);
    let poll = move |id: String| {
        leptos::task::spawn_local(async move {
            loop {
                sleep(POLL).await;
                match console_api::grant_progress(&id).await {
                    Ok(b) => {
                        let done = b.status != "running";
                        if batch.try_set(Some(b)).is_some() || done {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = contract::admin::ChurnGrantRequest {
            grant_id: grant.get_untracked(),
            reason: reason.get_untracked().trim().to_owned(),
            tier: Some(filters.tier.get_untracked()).filter(|s| !s.is_empty()),
            store: Some(filters.store.get_untracked()).filter(|s| !s.is_empty()),
        };
        let k = key.get_value();
        loader.run(
            async move { console_api::churn_grant(&request, &k).await },
            move |b| {
                let (id, running) = (b.id.clone(), b.status == "running");
                batch.set(Some(b));
                if running {
                    poll(id);
                }
            },
        );
    };
    let options = menu
        .into_iter()
        .map(|g| view! { <option value=g.id.clone()>{local(g.title)}</option> })
        .collect_view();
    let progress = move || {
        batch.get().map(|b| {
            let (done, total) = (b.granted, b.total);
            let running = b.status == "running";
            let text = dyn_text(move || {
                let word = if running { Word::Granting } else { Word::GrantDone };
                fill(&now(word), &[("done", &done.to_string()), ("total", &total.to_string())])
            });
            view! {
                <div class="grant-progress" data-testid="grant-progress" data-status=b.status.clone()
                    data-granted=done data-total=total>
                    <progress max=total.max(1) value=done></progress>
                    <span role="status">{text}</span>
                </div>
            }
        })
    };
    view! {
        <form class="console__filters card grant-all" data-testid="churn-grant" on:submit=submit>
            <h3 class="lot__label">{t(Word::GrantAll)}</h3>
            <label class="field">{t(Word::GrantCoupon)}
                <select class="select" data-testid="churn-grant-id" on:change=move |ev| grant.set(event_target_value(&ev))>
                    {options}
                </select></label>
            <label class="field field--wide">{t(Word::Reason)}
                <input type="text" class="input" maxlength="200" required data-testid="churn-grant-reason" prop:value=reason
                    on:input=move |ev| reason.set(event_target_value(&ev)) /></label>
            <button type="submit" class="button button--primary" data-testid="churn-grant-submit"
                disabled=move || loader.busy.get() || batch.with(|b| b.as_ref().is_some_and(|b| b.status == "running"))>
                {t(Word::GrantAll)}
            </button>
            <p class="hint">{t(Word::GrantHint)}</p>
            {error_notice(loader.error, "churn-grant-error")}
            {progress}
        </form>
    }
}

/// Waits `duration` (a browser timer).
async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            duration.as_millis() as i32,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
