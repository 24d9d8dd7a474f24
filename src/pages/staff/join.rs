//! The counter's join QR code: the store's join link (`/join?store=SH001`) drawn large
//! for a shopper to scan; they register on their own phone and are counted here, as the
//! store's joins of today (asked again every few seconds).

use std::time::Duration;

use leptos::prelude::*;

use crate::data::api::Counter;
use crate::i18n::*;
use crate::words::display::clock_time;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, tr};

/// How often the joins of today are asked again while the counter is open.
const REFRESH: Duration = Duration::from_secs(10);

#[component]
pub fn JoinPanel(
    counter: RwSignal<Option<Counter>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let locale = lang();
    if let Ok(timer) = set_interval_with_handle(reload, REFRESH) {
        on_cleanup(move || timer.clear());
    }
    let body = move || {
        let c = counter.get()?;
        let Some((store, path)) = c.store.zip(c.join_path) else {
            return Some(
                view! { <p class="hint" data-testid="join-no-store">{tr!(staff.no_store)}</p> }
                    .into_any(),
            );
        };
        let url = crate::components::share::absolute(&path);
        let qr = crate::components::qr::svg(&url, 280);
        let joined = c.joined_today;
        let joins = c
            .recent_joins
            .into_iter()
            .map(|j| {
                view! {
                    <li class="joins__item" data-testid="recent-join">
                        <time datetime=j.at.to_rfc3339()>{clock_time(&j.at)}</time>
                        <span>{j.phone_masked}</span>
                    </li>
                }
            })
            .collect_view();
        let count = dyn_text(move || {
            fill(
                td_string!(locale.get(), staff.joined_today),
                &[("n", &joined.to_string())],
            )
        });
        Some(view! {
            <p class="join__store" data-testid="join-store">{store.name}" · "{store.code}</p>
            <div class="join__qr" role="img" aria-label=tr!(staff.qr_label) data-testid="join-qr" inner_html=qr></div>
            <p class="join__link" data-testid="join-link">{url}</p>
            <p class="join__count" data-testid="joined-today" data-value=joined>{count}</p>
            <ol class="joins" aria-label=tr!(staff.recent_joins) data-testid="recent-joins" hidden=joined == 0>{joins}</ol>
        }.into_any())
    };
    view! {
        <section class="card counter__join" data-testid="staff-join">
            <h2 class="card__title">{tr!(staff.join_title)}</h2>
            {body}
            <button type="button" class="button button--ghost" data-testid="join-refresh" on:click=move |_| reload()>
                {tr!(staff.refresh)}
            </button>
        </section>
    }
}
