//! Home's card for the coupons given since the member last saw them announced (a new
//! member's pack, an invite's reward, the monthly and birthday coupons, a staff grant):
//! what arrived, once. Built by its own module after the first paint
//! (`pages::lazy::gifts`); dismissing it or opening the wallet tells the server
//! (`AppState::gifts_seen`).

use leptos::prelude::*;

use crate::data::api::Arrived;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::platform::route::{follow, Route};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, local, tr};

#[component]
pub fn ArrivedGifts(arrived: Arrived) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let until = arrived.until_ms;
    let count = arrived.titles.len();
    let title = dyn_text(move || {
        fill(
            td_string!(locale.get(), gifts.title),
            &[("n", &count.to_string())],
        )
    });
    let items = arrived
        .titles
        .into_iter()
        .map(|t| view! { <li class="gifts__item">{local(t)}</li> })
        .collect_view();
    view! {
        <section class="card gifts" data-testid="gifts" hidden=flag(move || !state.gifts_unseen(until))>
            <h2 class="card__title">{title}</h2>
            <ul class="gifts__list">{items}</ul>
            <div class="gifts__actions">
                // The wallet records them seen as it opens.
                <a href=Route::Wallet.href() class="button button--primary" data-testid="gifts-open"
                    on:click=follow(Route::Wallet)>
                    {tr!(gifts.open)}
                </a>
                <button type="button" class="button button--ghost" data-testid="gifts-dismiss"
                    on:click=move |_| state.gifts_seen(until)>
                    {tr!(gifts.dismiss)}
                </button>
            </div>
        </section>
    }
}
