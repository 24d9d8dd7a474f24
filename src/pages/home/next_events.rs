//! Home's "coming up": the next events the member may join (`GET /api/me/next-events`),
//! one link to the calendar. It lives in a module of its own, fetched after the first
//! paint (`pages::lazy::next_events`), so the first screen carries none of its code.

use chrono::Utc;
use leptos::prelude::*;

use crate::components::Loader;
use crate::data::api::{self, NextEvent};
use crate::i18n::*;
use crate::platform::route::{follow, Route};
use crate::words::display::{clock_time, short_date};
use crate::words::text::{dyn_text, lang, local, tr};

/// Nothing until the events are there; nothing at all when there are none or the
/// request fails (home works without it, and the calendar is one tap away).
#[component]
pub fn NextEventsCard() -> impl IntoView {
    let events = RwSignal::new(Vec::<NextEvent>::new());
    Loader::new().run(api::next_events(), move |next| events.set(next.events));
    move || {
        let list = events.get();
        (!list.is_empty()).then(|| card(list))
    }
}

/// `12月4日 20:00 flash sale` / `Dec 4, 20:00 …`, "today" for today's.
fn card(events: Vec<NextEvent>) -> impl IntoView {
    let locale = lang();
    let rows = events
        .into_iter()
        .map(|e| {
            // The server gives the program's offset: the local date and time as written.
            let today = Utc::now().with_timezone(e.start.offset()).date_naive();
            let is_today = e.start.date_naive() == today;
            let (date, time) = (e.start.date_naive(), clock_time(&e.start));
            let all_day = e.all_day;
            let when = dyn_text(move || {
                let l = locale.get();
                let day = match is_today {
                    true => td_string!(l, home.today).to_owned(),
                    false => short_date(l, date),
                };
                match (all_day, l) {
                    (true, _) => day,
                    (false, Locale::zh) => format!("{day} {time}"),
                    (false, Locale::en) => format!("{day}, {time}"),
                }
            });
            view! {
                <li class="next-event" data-testid="next-event" data-uid=e.uid>
                    <span class="next-event__when">{when}</span>
                    <span class="next-event__title">{local(e.title)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <a href=Route::Events.href() class="card next-events" data-testid="next-events" on:click=follow(Route::Events)>
            <h2 class="card__title">{tr!(home.next_events)}</h2>
            <ul>{rows}</ul>
        </a>
    }
}
