//! The birthday, set once: asked as a month and a day (the year if the member wants to
//! give it), confirmed in words, then shown in words.

use leptos::prelude::*;

use super::Action;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, tr};

/// The birthday, asked once: the month and the day, the year if the member wants to give
/// it; then a confirmation that shows it in words and says it cannot be changed.
#[component]
pub(super) fn BirthdayEditor<A>(
    birthday: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    act: A,
) -> impl IntoView
where
    A: Fn(Action, fn(AppState)) + Copy + Send + Sync + 'static,
{
    let locale = lang();
    let (month, day, year) = (
        RwSignal::new(0i64),
        RwSignal::new(0i64),
        RwSignal::new(String::new()),
    );
    // The birthday as chosen, when it is one (no Feb 30; a year, if typed, of 4 digits).
    let chosen = move || {
        let year = year.with(|y| match y.trim() {
            "" => Ok(None),
            y if y.len() == 4 => y.parse::<i32>().map(Some).map_err(drop),
            _ => Err(()),
        });
        rules::Birthday::new(
            year.ok()?,
            u32::try_from(month.get()).ok()?,
            u32::try_from(day.get()).ok()?,
        )
    };
    let confirming = RwSignal::new(false);
    let invalid = move || month.get() > 0 && day.get() > 0 && chosen().is_none();
    let options = |range: std::ops::RangeInclusive<u32>, label: fn(Locale, u32) -> String| {
        range
            .map(|n| view! { <option value=n.to_string()>{dyn_text(move || label(locale.get(), n))}</option> })
            .collect_view()
    };
    let number = |ev: leptos::ev::Event| event_target_value(&ev).parse().unwrap_or(0);
    let question = dyn_text(move || {
        let l = locale.get();
        let words = chosen().map(|b| birthday_words(l, b)).unwrap_or_default();
        fill(
            td_string!(l, profile.birthday_confirm_question),
            &[("date", &words)],
        )
    });
    view! {
        <dd class="birthday-edit">
            <span class="birthday-edit__fields">
                <select class="input" data-testid="profile-birthday-month" aria-label=tr!(profile.birthday_month)
                    on:change=move |ev| { month.set(number(ev)); confirming.set(false); }>
                    <option value="0">{tr!(profile.birthday_month)}</option>
                    {options(1..=12, month_option)}
                </select>
                <select class="input" data-testid="profile-birthday-day" aria-label=tr!(profile.birthday_day)
                    on:change=move |ev| { day.set(number(ev)); confirming.set(false); }>
                    <option value="0">{tr!(profile.birthday_day)}</option>
                    {options(1..=31, day_option)}
                </select>
                <input class="input" type="text" inputmode="numeric" maxlength="4" data-testid="profile-birthday-year"
                    placeholder=tr!(profile.birthday_year) aria-label=tr!(profile.birthday_year)
                    on:input=move |ev| { year.set(event_target_value(&ev)); confirming.set(false); } />
            </span>
            <span class="field-msg field-msg--error" data-testid="profile-birthday-invalid" hidden=flag(move || !invalid())>
                {tr!(profile.birthday_invalid)}
            </span>
            <button type="button" class="button button--ghost" data-testid="profile-birthday-save"
                hidden=confirming disabled=flag(move || busy.get() || chosen().is_none())
                on:click=move |_| confirming.set(true)>
                {tr!(profile.birthday_save)}
            </button>
            <div class="confirm" role="alertdialog" aria-labelledby="birthday-question" data-testid="profile-birthday-confirm"
                hidden=flag(move || !confirming.get())>
                <p id="birthday-question">{question}</p>
                <button type="button" class="button button--primary" data-testid="profile-birthday-confirm-save"
                    disabled=busy
                    on:click=move |_| {
                        birthday.set(chosen().map(|b| b.to_string()));
                        act(Action::SaveBirthday, |s| s.load());
                    }>
                    {tr!(profile.birthday_confirm)}
                </button>
                <button type="button" class="button button--ghost" on:click=move |_| confirming.set(false)>
                    {tr!(profile.birthday_cancel)}
                </button>
            </div>
        </dd>
    }
}

/// A birthday in words: `7月14日`, `1990年7月14日`; `Jul 14`, `Jul 14, 1990`.
pub fn birthday_words(locale: Locale, birthday: rules::Birthday) -> String {
    let template = match birthday.year() {
        Some(_) => td_string!(locale, profile.birthday_words_year),
        None => td_string!(locale, profile.birthday_words),
    };
    date_words(template, birthday.year(), birthday.month(), birthday.day())
}

/// A month as the birthday's month field lists it: `7月`, `Jul`.
fn month_option(locale: Locale, month: u32) -> String {
    date_words(
        td_string!(locale, profile.birthday_month_option),
        None,
        month,
        0,
    )
}

/// A day as the birthday's day field lists it: `14日`, `14`.
fn day_option(locale: Locale, day: u32) -> String {
    date_words(
        td_string!(locale, profile.birthday_day_option),
        None,
        0,
        day,
    )
}

/// Fills a template's `{year}`, `{month}`, `{month_name}` (English) and `{day}`.
fn date_words(template: &str, year: Option<i32>, month: u32, day: u32) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = (month as usize)
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or_default();
    fill(
        template,
        &[
            ("year", &year.unwrap_or_default().to_string()),
            ("month", &month.to_string()),
            ("month_name", month_name),
            ("day", &day.to_string()),
        ],
    )
}
