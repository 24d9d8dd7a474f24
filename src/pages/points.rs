use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::money::group_thousands;

use crate::api::{self, Entry, Me};
use crate::components::{expiring_notice, need_login, Loader, TopBar};
use crate::display::date_of;
use crate::i18n::*;
use crate::labels::{fill, login_error, points_kind};
use crate::state::{AppState, Loaded};
use crate::text::{dyn_text, flag, lang, message, tr, Key};

/// The history's filters: all, earned, spent (the API's `kind`).
const FILTERS: [&str; 3] = ["", "earn", "spend"];

/// Days of the check-in streak; the last one adds the bonus.
const STREAK_DAYS: u32 = 7;

/// The member's points: balance, what expires soon, the daily check-in and the history.
#[component]
pub fn PointsPage(data: Loaded) -> impl IntoView {
    let content = match data.me {
        Some(me) => Either::Left(view! { <PointsContent me /> }),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(points.title)}</TopBar>
        <main class="page page--points">{content}</main>
    }
}

#[component]
fn PointsContent(me: Arc<Me>) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    // Signals of types the app already has (`i64`, `bool`, `Option<String>`): each new
    // signal type compiles its own copy of the reactive machinery (wasm size).
    let balance = RwSignal::new(me.points_balance);
    let streak_day = RwSignal::new(i64::from(me.checkin.streak_day));
    let checked = RwSignal::new(me.checkin.checked_in_today);
    // The points the check-in gave, 0 before.
    let done = RwSignal::new(0i64);
    // The history: entries shown, the next page's cursor (0: none), the filter (an
    // index of `FILTERS`). A load supersedes the one under way (another filter chosen).
    let history = Loader::new();
    let error = history.error;
    let entries = RwSignal::new(Vec::<Entry>::new());
    let cursor = RwSignal::new(0i64);
    let filter = RwSignal::new(0i64);
    let loading = history.busy;
    let load = move |more: bool| {
        let kind = FILTERS[filter.get_untracked() as usize];
        let from = if more {
            Some(cursor.get_untracked())
        } else {
            None
        };
        history.run(api::points(kind, from), move |page| {
            entries.update(|e| {
                if !more {
                    e.clear();
                }
                e.extend(page.entries);
            });
            cursor.set(page.next_cursor.unwrap_or(0));
        });
    };
    load(false);
    let checkin = Loader::sharing(error);
    let check_in = move |_| {
        error.set(None);
        checkin.run(api::checkin(), move |c| {
            balance.set(c.points_balance);
            checked.set(true);
            streak_day.set(c.streak_day.into());
            done.set(c.points);
            // Home shows the new balance; the history shows the new entry.
            state.load();
            load(false);
        });
    };
    let expiring = me.points_expiring.as_ref().map(expiring_notice);
    let days = (1..=STREAK_DAYS)
        .map(|n| {
            let label = dyn_text(move || fill(td_string!(locale.get(), points.day), &[("n", &n.to_string())]));
            view! {
                <li class="streak__day" class:streak__day--on=flag(move || i64::from(n) <= streak_day.get())
                    aria-label=label>{n}</li>
            }
        })
        .collect_view();
    let tab = move |index: i64, key: Key| {
        let name = if index == 0 {
            "all"
        } else {
            FILTERS[index as usize]
        };
        view! {
            <button type="button" class="tab" data-testid=format!("points-filter-{name}")
                aria-pressed=dyn_text(move || (filter.get() == index).to_string())
                on:click=move |_| {
                    if filter.get_untracked() != index {
                        filter.set(index);
                        load(false);
                    }
                }>
                {message(key)}
            </button>
        }
    };
    let streak = dyn_text(move || streak_day.get().to_string());
    view! {
        <section class="card balance">
            <span class="balance__label">{tr!(points.balance)}</span>
            <strong class="balance__value" data-testid="points-page-balance" data-value=dyn_text(move || balance.get().to_string())>
                {dyn_text(move || group_thousands(balance.get()))}
            </strong>
            {expiring}
        </section>
        <section class="card checkin">
            <h2 class="card__title">{tr!(points.checkin_title)}</h2>
            <ol class="streak" data-testid="streak" data-value=streak>{days}</ol>
            <p class="hint">{dyn_text(move || fill(td_string!(locale.get(), points.streak), &[("n", &streak.get())]))}</p>
            <button type="button" class="button button--primary" data-testid="checkin-button"
                disabled=checked on:click=check_in>
                {dyn_text(move || if checked.get() {
                    td_string!(locale.get(), points.checked_in)
                } else {
                    td_string!(locale.get(), points.checkin)
                }.to_string())}
            </button>
            <p class="field-msg" role="status" data-testid="checkin-done" hidden=flag(move || done.get() == 0)>
                {dyn_text(move || fill(td_string!(locale.get(), points.checkin_done), &[("points", &done.get().to_string())]))}
            </p>
            <p class="field-msg field-msg--error" role="alert" data-testid="points-error"
                data-code=dyn_text(move || error.get().unwrap_or_default()) hidden=flag(move || error.with(Option::is_none))>
                {dyn_text(move || error.with(|c| login_error(locale.get(), c.as_deref().unwrap_or_default()).to_string()))}
            </p>
        </section>
        <section class="card history">
            <h2 class="card__title">{tr!(points.history)}</h2>
            <div class="tabs" role="group">
                {tab(0, |l| td_string!(l, points.all))}
                {tab(1, |l| td_string!(l, points.earn))}
                {tab(2, |l| td_string!(l, points.spend))}
            </div>
            <ul class="entries" data-testid="points-history" aria-busy=dyn_text(move || loading.get().to_string())
                inner_html=dyn_text(move || entries.with(|e| rows_html(locale.get(), e)))>
            </ul>
            <p class="hint" data-testid="points-empty" hidden=flag(move || loading.get() || !entries.with(Vec::is_empty))>
                {tr!(points.empty)}
            </p>
            <button type="button" class="button button--ghost" data-testid="points-more"
                hidden=flag(move || cursor.get() == 0) disabled=loading on:click=move |_| load(true)>
                {tr!(points.more)}
            </button>
        </section>
    }
}

/// Text for HTML: `&`, `<`, `>`, `"` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The history's rows as HTML. The list is rebuilt as a whole when a page arrives or
/// the language changes: as markup it costs a few hundred bytes of wasm, where a keyed
/// `For` of a view per entry cost several kB (a new item type compiles its own diffing
/// and view code).
fn rows_html(locale: Locale, entries: &[Entry]) -> String {
    let mut html = String::new();
    for e in entries {
        let sign = if e.points > 0 { "+" } else { "" };
        let minus = if e.points < 0 {
            " entry__points--minus"
        } else {
            ""
        };
        let after = fill(
            td_string!(locale, points.balance_after),
            &[("n", &group_thousands(e.balance_after))],
        );
        html += &format!(
            "<li class=\"entry\" data-testid=\"points-entry\" data-kind=\"{kind}\" data-points=\"{points}\">\
             <span class=\"entry__what\"><span class=\"entry__kind\">{label}</span>\
             <span class=\"entry__date\">{date}</span></span>\
             <span class=\"entry__amount\"><strong class=\"entry__points{minus}\">{sign}{amount}</strong>\
             <span class=\"entry__after\">{after}</span></span></li>",
            kind = escape(&e.kind),
            points = e.points,
            label = escape(points_kind(locale, &e.kind)),
            date = escape(&date_of(&e.at)),
            amount = group_thousands(e.points),
            after = escape(&after),
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rows_are_escaped_markup() {
        let entries = [
            Entry {
                kind: "points_used".into(),
                points: -1200,
                balance_after: 800,
                at: "2026-11-23T10:00:00+08:00".into(),
            },
            Entry {
                kind: "<b>".into(),
                points: 2000,
                balance_after: 2000,
                at: "2026-11-01T10:00:00+08:00".into(),
            },
        ];
        let html = rows_html(Locale::zh, &entries);
        assert!(html.contains("data-kind=\"points_used\" data-points=\"-1200\""));
        assert!(html.contains(">-1,200</strong>"));
        assert!(html.contains(">+2,000</strong>"));
        assert!(html.contains("2026-11-23"));
        assert!(html.contains("data-kind=\"&lt;b&gt;\""));
        assert!(!html.contains("<b>"));
        assert_eq!(html.matches("<li ").count(), 2);
    }
}
