use std::sync::Arc;

use chrono::{FixedOffset, Utc};
use leptos::prelude::*;
use rules::coupon::CouponProblem;
use rules::money::{format_yuan, group_thousands};
use rules::points::PointsAsCash;
use rules::quote::CouponChoice;
use rules::Fen;
use rules::QuoteError;

use crate::components::{CartEditor, CategorySelect, Priced, QuoteSummary, TopBar};
use crate::data::api::DemoMember;
use crate::data::api::ErrorCode;
use crate::data::preview_model::{keep_in_tab, now_rfc3339, preview, Draft, DraftProblem, Preview};
use crate::data::program::ScreensProgram;
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::words::labels::{self, fill};
use crate::words::text::{dyn_text, flag, lang, tr};

/// "What if I spend ¥X": every keystroke re-quotes in wasm with `rules::quote`, the
/// function the server charges orders with; no round-trip.
#[component]
pub fn PreviewPage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    view! {
        <TopBar back=true>{tr!(preview.title)}</TopBar>
        <main class="page page--preview">
            <PreviewContent data program />
        </main>
    }
}

#[component]
fn PreviewContent(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let home = data.program.home.clone();
    let member = Memo::new(move |_| data.member(state.persona.get().as_deref()));
    let draft = state.preview;
    keep_in_tab(draft);
    let result = {
        let program = program.clone();
        Memo::new(move |_| {
            let now = now_rfc3339(Utc::now(), program.offset());
            member.with(|member| {
                // Parsed before the screen was built (`Loaded::parse_later`).
                let snapshot = member.as_ref()?.snapshot.get().ok()?;
                Some(draft.with(|draft| preview(&program, draft, snapshot, now)))
            })
        })
    };
    let problem = Memo::new(move |_| {
        result.with(|r| match r {
            Some(Preview::Invalid(p)) => Some(*p),
            _ => None,
        })
    });
    let offset = program.offset();
    let as_cash = program.points.as_cash.clone();
    let max_amount = program.limits.max_amount_fen;
    // The result area is built once; each keystroke's quote only rewrites what changed.
    let priced = Memo::new(move |_| result.with(|r| r.as_ref().and_then(priced_of)));
    let rehearsal = RwSignal::new(None::<Priced>);
    {
        let program = program.clone();
        rehearse(rehearsal, priced, move |amount| {
            let now = now_rfc3339(Utc::now(), program.offset());
            let draft = Draft {
                amount: amount.to_owned(),
                ..Draft::default()
            };
            member.with_untracked(|member| {
                let snapshot = member.as_ref()?.snapshot.get().ok()?;
                priced_of(&preview(&program, &draft, snapshot, now))
            })
        });
    }
    let unused_coupon = Memo::new(move |_| {
        result.with(|r| match r.as_ref()? {
            Preview::WithoutCoupon(_, _, why) => Some(why.clone()),
            _ => None,
        })
    });
    let refused = Memo::new(move |_| {
        result.with(|r| match r.as_ref()? {
            Preview::Refused(_, code) => Some(*code),
            _ => None,
        })
    });
    let refused_text = dyn_text(move || {
        let Some(code) = refused.get() else {
            return String::new();
        };
        let l = locale.get();
        let mut text = labels::error_text(l, code).to_string();
        // An amount over the program's limit: say the limit, and what to do.
        if code == ErrorCode::InvalidCart {
            text += &fill(
                td_string!(l, preview.over_limit),
                &[("max", &format_yuan(max_amount))],
            );
        }
        text
    });
    // Written shortly after a burst of keystrokes, not within each.
    let input_json = RwSignal::new(None::<String>);
    crate::platform::idle::after_changes(
        move || result.track(),
        move || {
            let json = result.with_untracked(|r| {
                let input = r.as_ref()?.input()?;
                serde_json::to_string(input).ok()
            });
            input_json.set(json);
        },
    );
    view! {
        // The quote input as JSON, for the end-to-end test to send the same input to the server.
        <div hidden data-testid="quote-input" data-json=input_json></div>
        <p class="intro">{tr!(preview.intro)}</p>
        <AmountCard draft problem=problem.into() />
        <CouponNotUsed why=unused_coupon />
        <p class="card notice notice--error" role="alert" data-testid="quote-error"
            hidden=flag(move || refused.with(Option::is_none)) data-code=move || labels::error_name(refused.get())>
            {refused_text}
        </p>
        <QuoteSummary program=home priced=priced.into() rehearsal=rehearsal.into() />
        <OptionsCard draft member offset as_cash />
        <CartEditor draft problem />
    }
}

fn priced_of(preview: &Preview) -> Option<Priced> {
    match preview {
        Preview::Quoted(input, quote) | Preview::WithoutCoupon(input, quote, _) => Some(Priced {
            input: (**input).clone(),
            quote: (**quote).clone(),
        }),
        _ => None,
    }
}

/// Amounts the result area is rehearsed with: texts to lay out, not figures of the program.
const REHEARSED_AMOUNTS: [&str; 3] = ["1", "23.45", "678.90"];

/// Builds and lays out the result area for a few sample amounts, invisible, while the
/// page is idle and nothing is typed, one amount per idle moment: the shopper's first
/// keystrokes then find the quote's and the area's code compiled (V8 compiles a wasm
/// function on its first call) and their texts' fonts looked up. Without it, at 4x CPU,
/// the first keystroke took 160–210 ms and the next two 20–60, where the rest took 8–15.
/// Stops at the first real quote, or when the screen is gone.
fn rehearse(
    rehearsal: RwSignal<Option<Priced>>,
    typed: Memo<Option<Priced>>,
    quote: impl Fn(&str) -> Option<Priced> + Clone + 'static,
) {
    fn step(
        at: usize,
        rehearsal: RwSignal<Option<Priced>>,
        typed: Memo<Option<Priced>>,
        quote: impl Fn(&str) -> Option<Priced> + Clone + 'static,
    ) {
        let Some(&amount) = REHEARSED_AMOUNTS.get(at) else {
            return;
        };
        crate::platform::idle::when_idle(move || {
            if typed.try_with_untracked(Option::is_none) != Some(true) {
                return;
            }
            if rehearsal.try_set(quote(amount)).is_none() {
                step(at + 1, rehearsal, typed, quote.clone());
            }
        });
    }
    step(0, rehearsal, typed, quote);
}

/// The amount and its category, with the hint or what is wrong with the amount.
#[component]
fn AmountCard(draft: RwSignal<Draft>, problem: Signal<Option<DraftProblem>>) -> impl IntoView {
    let locale = lang();
    let amount_invalid = move || problem.get() == Some(DraftProblem::Amount);
    let amount_message = move || {
        if amount_invalid() {
            td_string!(locale.get(), preview.amount_invalid)
        } else {
            td_string!(locale.get(), preview.amount_hint)
        }
    };
    view! {
        <section class="card amount">
            <label class="amount__label" for="preview-amount">{tr!(preview.amount_label)}</label>
            <div class="amount__row" class:amount__row--invalid=amount_invalid>
                <span class="amount__yuan" aria-hidden="true">"¥"</span>
                <input
                    id="preview-amount"
                    class="amount__input"
                    data-testid="preview-amount"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    enterkeyhint="done"
                    placeholder=tr!(preview.amount_placeholder)
                    aria-invalid=move || amount_invalid().to_string()
                    aria-describedby="preview-amount-msg"
                    prop:value=draft.get_untracked().amount
                    on:input=move |ev| draft.update(|d| d.amount = event_target_value(&ev))
                />
                <CategorySelect
                    initial=draft.get_untracked().category
                    set=move |v| draft.update(|d| d.category = v)
                    label=|l| td_string!(l, preview.category_label)
                />
            </div>
            <p id="preview-amount-msg" class="field-msg" class:field-msg--error=amount_invalid aria-live="polite">
                {amount_message}
            </p>
        </section>
    }
}

/// The coupon to use (automatic, none, or one of the member's) and whether to pay with
/// points.
#[component]
fn OptionsCard(
    draft: RwSignal<Draft>,
    member: Memo<Option<DemoMember>>,
    offset: FixedOffset,
    as_cash: PointsAsCash,
) -> impl IntoView {
    let locale = lang();
    // The program's rate and cap, in words.
    let points_rule = dyn_text(move || {
        fill(
            td_string!(locale.get(), preview.points_rule),
            &[
                ("points", &group_thousands(as_cash.points_per_yuan)),
                ("yuan", &format_yuan(Fen(100))),
                ("percent", &as_cash.max_percent_of_amount.to_string()),
            ],
        )
    });
    // The logged-in member's coupon titles (a demo member's coupons go by their value).
    let titles = expect_context::<AppState>()
        .loaded()
        .and_then(|data| data.me)
        .and_then(|me| me.coupon_titles.get().ok().cloned())
        .unwrap_or_default();
    let coupons = move || {
        let locale = locale.get();
        let now = Utc::now().with_timezone(&offset);
        member.get().map(|m| {
            let Ok(snapshot) = m.snapshot.get() else {
                return Vec::new();
            };
            snapshot
                .coupons
                .iter()
                .filter_map(|c| {
                    let chosen =
                        draft.with_untracked(|d| d.coupon == CouponChoice::Id(c.id.clone()));
                    // An expired coupon is no choice (unless it is the one already chosen,
                    // which the result then explains).
                    let expired = matches!(c.validity(&now), Err(CouponProblem::Expired));
                    if expired && !chosen {
                        return None;
                    }
                    let label = labels::coupon_option(locale, c, titles.get(&c.id), &now);
                    Some(view! { <option value=c.id.clone() selected=chosen>{label}</option> })
                })
                .collect_view()
        })
    };
    let set_coupon = move |value: String| draft.update(|d| d.coupon = CouponChoice::from(value));
    view! {
        <section class="card options">
            <h2 class="card__title">{tr!(preview.options_title)}</h2>
            <label class="field">
                <span class="field__label">{tr!(preview.coupon_label)}</span>
                <select class="select field__select" on:change=move |ev| set_coupon(event_target_value(&ev))>
                    <option value="auto">{tr!(preview.coupon_auto)}</option>
                    <option value="none" selected=draft.with_untracked(|d| d.coupon == CouponChoice::None)>
                        {tr!(preview.coupon_none)}
                    </option>
                    {coupons}
                </select>
            </label>
            <fieldset class="field segmented">
                <legend class="field__label">{tr!(preview.points_label)}</legend>
                <label class="segmented__option">
                    <input type="radio" name="points" value="0" checked=!draft.get_untracked().use_points
                        on:change=move |_| draft.update(|d| d.use_points = false) />
                    <span>{tr!(preview.points_none)}</span>
                </label>
                <label class="segmented__option">
                    <input type="radio" name="points" value="max" checked=draft.get_untracked().use_points
                        on:change=move |_| draft.update(|d| d.use_points = true) />
                    <span>{tr!(preview.points_max)}</span>
                </label>
            </fieldset>
            <p class="hint">{points_rule}</p>
        </section>
    }
}

/// Why the chosen coupon is not in the price below: for one below its threshold, how much
/// more it needs (`再买¥40.00可用这张券`).
#[component]
fn CouponNotUsed(why: Memo<Option<QuoteError>>) -> impl IntoView {
    let locale = lang();
    let text = dyn_text(move || {
        let Some(why) = why.get() else {
            return String::new();
        };
        let l = locale.get();
        let reason = match why {
            QuoteError::CouponBelowThreshold { missing_fen } => labels::fill(
                td_string!(l, preview.coupon_gap),
                &[("missing", &format_yuan(missing_fen))],
            ),
            _ => labels::error_text(l, ErrorCode::of_quote(&why)).to_string(),
        };
        format!("{reason}{}", td_string!(l, preview.without_coupon))
    });
    view! {
        <p class="card notice notice--warn" role="status" data-testid="quote-coupon-unused"
            hidden=flag(move || why.with(Option::is_none))
            data-code=move || why.with(|w| w.as_ref().map(QuoteError::code).unwrap_or_default())>
            {text}
        </p>
    }
}
