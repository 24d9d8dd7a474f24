//! The event calendar (`/events`): a month grid (weeks from Monday, today marked, a dot
//! on days with events; arrows or a swipe between months), the chosen day's events below
//! with the locked ones saying what opens them, and for a member the way to put the
//! events in their phone's calendar (a file, or a private feed to subscribe to).
//! The occurrences are the server's (`GET /api/events`): the member's own (birthday,
//! points expiring) need their data, and one source keeps every screen in agreement.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use rules::occurrences::{Locked, Occurrence};

use crate::components::{error_notice, Loader, Shape, Skeleton, TopBar};
use crate::data::api::{self, EventsPage};
use crate::data::program::ScreensProgram;
use crate::data::state::Loaded;
use crate::i18n::*;
use crate::platform::route::{follow, follow_login, login_path, Route};
use crate::words::display::short_date;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, tr};

mod feed;
mod grid;

use feed::FeedActions;

/// A horizontal swipe at least this long (CSS px) changes the month.
const SWIPE_PX: i32 = 50;

#[component]
pub fn EventsPage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    view! {
        <TopBar back=true>{tr!(events.title)}</TopBar>
        <main class="page page--events">
            <EventsContent program member=data.me.is_some() />
        </main>
    }
}

#[component]
fn EventsContent(program: Arc<ScreensProgram>, member: bool) -> impl IntoView {
    let today = program.local_date(&Utc::now().fixed_offset());
    let month = RwSignal::new(grid::month_of(today));
    let selected = RwSignal::new(today);
    let page = RwSignal::new(None::<Arc<EventsPage>>);
    let loader = Loader::new();
    let load = move || {
        let days = grid::days(month.get_untracked());
        let (Some(from), Some(to)) = (days.first().copied(), days.last().copied()) else {
            return;
        };
        loader.run(api::events(from, to), move |p| page.set(Some(Arc::new(p))));
    };
    Effect::new(move |_| {
        month.track();
        load();
    });
    let go = move |n: i32| {
        let to = grid::shift(month.get_untracked(), n);
        month.set(to);
        // The same day of the new month when it has one, else its first.
        let day = selected.get_untracked().day();
        selected.set(to.with_day(day).unwrap_or(to));
    };
    let swipe_from = StoredValue::new(None::<i32>);
    let on_down = move |ev: leptos::ev::PointerEvent| swipe_from.set_value(Some(ev.client_x()));
    let on_up = move |ev: leptos::ev::PointerEvent| {
        if let Some(x) = swipe_from.get_value() {
            swipe_from.set_value(None);
            let dx = ev.client_x() - x;
            if dx.abs() >= SWIPE_PX {
                go(if dx < 0 { 1 } else { -1 });
            }
        }
    };
    let locale = lang();
    let title = dyn_text(move || month_title(locale.get(), month.get()));
    let weekdays = move || {
        weekday_names(locale.get())
            .map(|d| view! { <span class="month__weekday">{d.to_string()}</span> })
            .collect_view()
    };
    let cells = {
        let program = program.clone();
        move |date: NaiveDate| day_cell(&program, date, today, month, selected, page)
    };
    view! {
        <section class="card month" data-testid="events-month"
            on:pointerdown=on_down on:pointerup=on_up>
            <div class="month__head">
                <button type="button" class="icon-button" data-testid="events-prev"
                    aria-label=tr!(events.prev_month) on:click=move |_| go(-1)>
                    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" /></svg>
                </button>
                <h2 class="month__title" data-testid="events-month-title" aria-live="polite">{title}</h2>
                <button type="button" class="icon-button" data-testid="events-next"
                    aria-label=tr!(events.next_month) on:click=move |_| go(1)>
                    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" /></svg>
                </button>
            </div>
            <div class="month__weekdays" aria-hidden="true">{weekdays}</div>
            <div class="month__grid" aria-busy=move || loader.busy.get().to_string()>
                <For each=move || grid::days(month.get()) key=|d| *d children=cells />
            </div>
        </section>
        {error_notice("events-error", loader.error, load)}
        <DayList program selected page busy=loader.busy />
        {if member {
            view! { <FeedActions /> }.into_any()
        } else {
            view! {
                <section class="card notice" data-testid="events-login">
                    <p>{tr!(events.login_hint)}</p>
                    <a href=login_path(Route::Events) class="button button--primary"
                        on:click=follow_login(Route::Events)>{tr!(login.nav_login)}</a>
                </section>
            }.into_any()
        }}
    }
}

/// The loaded page's occurrences on local day `date` (none before the page is there).
fn of_day<'a>(
    program: &'a ScreensProgram,
    page: &'a Option<Arc<EventsPage>>,
    date: NaiveDate,
) -> impl Iterator<Item = &'a Occurrence> {
    page.iter()
        .flat_map(|p| &p.occurrences)
        .filter(move |o| grid::on_day(program, o, date))
}

/// `2026年12月` / `December 2026`.
fn month_title(locale: Locale, month: NaiveDate) -> String {
    match locale {
        Locale::zh => format!("{}年{}月", month.year(), month.month()),
        Locale::en => month.format("%B %Y").to_string(),
    }
}

/// One day of the grid: its number, a dot when it has events (hollow when all are locked
/// for this member), today ringed, the chosen day filled.
fn day_cell(
    program: &Arc<ScreensProgram>,
    date: NaiveDate,
    today: NaiveDate,
    month: RwSignal<NaiveDate>,
    selected: RwSignal<NaiveDate>,
    page: RwSignal<Option<Arc<EventsPage>>>,
) -> impl IntoView {
    let program = program.clone();
    // (any event, any this member may join)
    let marks = Memo::new(move |_| {
        page.with(|p| {
            let on: Vec<&Occurrence> = of_day(&program, p, date).collect();
            (!on.is_empty(), on.iter().any(|o| o.locked.is_none()))
        })
    });
    let locale = lang();
    let label = dyn_text(move || {
        let l = locale.get();
        let mut text = day_title(l, date);
        if date == today {
            text = format!("{text}，{}", td_string!(l, events.today));
        }
        if marks.get().0 {
            text = format!("{text}，{}", td_string!(l, events.has_events));
        }
        text
    });
    let other = flag(move || date.month() != month.get().month());
    view! {
        <button type="button" class="day" data-testid=format!("events-day-{date}")
            class:day--other=other class:day--today=date == today
            class:day--selected=move || selected.get() == date
            aria-pressed=move || (selected.get() == date).to_string()
            aria-label=label
            on:click=move |_| selected.set(date)>
            <span class="day__number">{date.day()}</span>
            <span class="day__dot" class:day__dot--on=move || marks.get().1
                hidden=flag(move || !marks.get().0)></span>
        </button>
    }
}

/// The weekdays' short names, Monday first (`一` … `日`, `Mon` … `Sun`).
fn weekday_names(locale: Locale) -> impl Iterator<Item = &'static str> {
    td_string!(locale, events.weekdays).split(' ')
}

/// `12月15日 周二` / `Tue, Dec 15`.
fn day_title(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::zh => {
            let name = weekday_names(locale)
                .nth(date.weekday().num_days_from_monday() as usize)
                .unwrap_or_default();
            format!("{}月{}日 周{name}", date.month(), date.day())
        }
        Locale::en => date.format("%a, %b %-d").to_string(),
    }
}

/// The chosen day's events.
#[component]
fn DayList(
    program: Arc<ScreensProgram>,
    selected: RwSignal<NaiveDate>,
    page: RwSignal<Option<Arc<EventsPage>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let locale = lang();
    // The chosen day's events, once per change of day or page (the list and the "none"
    // line both read it).
    let on_day = {
        let program = program.clone();
        Memo::new(move |_| {
            let date = selected.get();
            page.with(|p| of_day(&program, p, date).cloned().collect::<Vec<_>>())
        })
    };
    let empty = flag(move || page.with(Option::is_some) && on_day.with(Vec::is_empty));
    let undated = move || page.with(|p| p.as_ref().map(|p| p.undated.clone()).unwrap_or_default());
    let item = move |o: Occurrence| event_item(&program, o);
    view! {
        <section class="card day-list" aria-live="polite" data-testid="events-day-list">
            <h2 class="card__title">{dyn_text(move || day_title(locale.get(), selected.get()))}</h2>
            <p class="hint" hidden=flag(move || !empty.get()) data-testid="events-none">{tr!(events.none)}</p>
            <ul class="events">
                <For each=move || on_day.get() key=|o| o.uid.clone() children=item />
            </ul>
            // The month's events on their way: the day's rows in grey.
            {move || (busy.get() && page.with(Option::is_none)).then(|| view! { <Skeleton shape=Shape::Rows count=2 /> })}
        </section>
        <For each=undated key=|u| u.event.clone() children=move |u| view! {
            <section class="card notice" data-testid=format!("events-undated-{}", u.event)>
                <p>{dyn_text(move || u.title.get(locale.get().as_str()).to_string())}" · "{tr!(events.locked_birthday)}</p>
                <a href=Route::Profile.href() class="button button--ghost" on:click=follow(Route::Profile)>{tr!(events.set_birthday)}</a>
            </section>
        } />
    }
}

/// One event: its title, when, and for a locked one what opens it.
fn event_item(program: &Arc<ScreensProgram>, o: Occurrence) -> impl IntoView {
    let locale = lang();
    let (first, last) = grid::local_days(program, &o);
    let offset = program.offset();
    let (start, end) = (o.start.with_timezone(&offset), o.end.with_timezone(&offset));
    let all_day = o.all_day;
    let when = dyn_text(move || {
        let l = locale.get();
        match (all_day, first == last) {
            (true, true) => td_string!(l, events.all_day).to_string(),
            (true, false) => format!("{} – {}", short_date(l, first), short_date(l, last)),
            (false, true) => format!("{} – {}", start.format("%H:%M"), end.format("%H:%M")),
            (false, false) => format!(
                "{} {} – {} {}",
                short_date(l, first),
                start.format("%H:%M"),
                short_date(l, end.date_naive()),
                end.format("%H:%M")
            ),
        }
    });
    let tiers = program.tiers.clone();
    let locked = o.locked.clone();
    let lock_text = dyn_text(move || {
        let l = locale.get();
        match &locked {
            None => String::new(),
            Some(Locked::TierTooLow { opens }) => {
                let name = tiers
                    .by_id(opens)
                    .map_or(opens.to_string(), |t| t.name.get(l.as_str()).to_string());
                fill(td_string!(l, events.locked_tier), &[("tier", &name)])
            }
            Some(Locked::NoPointsExpiring) => td_string!(l, events.locked_points).to_string(),
            Some(Locked::NoBirthdaySet) => td_string!(l, events.locked_birthday).to_string(),
        }
    });
    let title = o.title.clone();
    let is_locked = o.locked.is_some();
    view! {
        <li class="event" class:event--locked=is_locked data-testid=format!("event-{}", o.uid)
            data-event=o.event.clone() data-locked=is_locked.to_string()>
            <span class="event__title">{dyn_text(move || title.get(locale.get().as_str()).to_string())}</span>
            <span class="event__when">{when}</span>
            <span class="event__lock" hidden=!is_locked data-testid="event-lock">{lock_text}</span>
        </li>
    }
}
