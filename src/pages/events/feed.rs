//! The member's events in their phone's calendar: a one-off file (`.ics`), or a private
//! link the calendar app subscribes to and refreshes; a new link or "stop" makes the old
//! one stop working (for a link shared by mistake).

use leptos::prelude::*;

use crate::components::share::{absolute, copy};
use crate::components::{error_notice, DownloadLink, Loader};
use crate::data::api;
use crate::i18n::*;
use crate::words::text::{dyn_text, flag, tr};

#[component]
pub fn FeedActions() -> impl IntoView {
    // The feed's path, once made in this visit (the server keeps only its hash: an older
    // link cannot be shown again, only replaced).
    let path = RwSignal::new(None::<String>);
    let copy_failed = RwSignal::new(false);
    let loader = Loader::new();
    let busy = loader.busy;
    let subscribe = move || loader.run(api::new_feed(), move |f| path.set(Some(f.path)));
    let stop = move |_| loader.run(api::revoke_feed(), move |()| path.set(None));
    let https = dyn_text(move || path.get().map(|p| absolute(&p)).unwrap_or_default());
    // `webcal:` opens the phone's calendar app on the same address.
    let webcal = dyn_text(move || {
        let url = https.get();
        url.split_once("://")
            .map(|(_, rest)| format!("webcal://{rest}"))
            .unwrap_or_default()
    });
    let none = flag(move || path.with(Option::is_none));
    view! {
        <section class="card feed" data-testid="events-feed">
            <h2 class="card__title">{tr!(events.calendar_title)}</h2>
            <div class="feed__actions">
                <DownloadLink path="/me/events.ics" filename="member-events.ics" mime="text/calendar"
                    class="button button--primary" testid="events-download">
                    {tr!(events.add_to_calendar)}
                </DownloadLink>
                <button type="button" class="button button--ghost" data-testid="events-subscribe"
                    disabled=busy on:click=move |_| subscribe()>{tr!(events.subscribe)}</button>
            </div>
            <div class="feed__link" hidden=none data-testid="events-feed-link">
                <p class="hint">{tr!(events.subscribed_hint)}</p>
                <input class="input" type="text" readonly data-testid="events-feed-url"
                    aria-label=tr!(events.feed_url_label) prop:value=https />
                <div class="feed__actions">
                    <a class="button button--primary" href=webcal>{tr!(events.open_in_calendar)}</a>
                    <button type="button" class="button button--ghost"
                        on:click=move |_| copy(https.get_untracked(), |l| td_string!(l, events.copied), copy_failed)>
                        {tr!(events.copy_link)}
                    </button>
                </div>
                <p class="hint" role="status" hidden=flag(move || !copy_failed.get())>{tr!(invite.copy_failed)}</p>
                <button type="button" class="button button--ghost" data-testid="events-unsubscribe"
                    disabled=busy on:click=stop>{tr!(events.unsubscribe)}</button>
            </div>
            {error_notice("events-feed-error", loader.error, subscribe)}
        </section>
    }
}
