use std::sync::Arc;

use chrono::{Duration, Utc};
use leptos::either::Either;
use leptos::prelude::*;
use rules::coupon::CouponProblem;
use rules::money::{coupon_face, format_yuan, Fen};
use rules::quote::CouponChoice;
use rules::CouponKind;

use crate::components::{error_notice, need_login, Loader, Shape, Skeleton, TopBar};
use crate::data::api::{self, CouponStatus, Me, WalletCoupon};
use crate::data::preview_model::{keep_in_tab, now_rfc3339, preview, Preview};
use crate::data::program::ScreensProgram;
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::platform::route::{follow, navigator, Route};
use crate::words::display::{last_date, short_date, zhe};
use crate::words::labels::{coupon_source, coupon_stamp, coupon_status, fill};
use crate::words::text::{dyn_text, flag, lang, tr};

/// The wallet's tabs, by the API's `status`: the third, "ended", holds the expired coupons
/// and the void ones (a first-order coupon after the first order), each with its reason.
const TABS: [CouponStatus; 3] = [
    CouponStatus::Available,
    CouponStatus::Used,
    CouponStatus::Expired,
];

/// Whether a coupon of `status` is listed under the tab of `tab`.
fn in_tab(tab: CouponStatus, status: CouponStatus) -> bool {
    match tab {
        CouponStatus::Expired | CouponStatus::Void => {
            matches!(status, CouponStatus::Expired | CouponStatus::Void)
        }
        CouponStatus::Available | CouponStatus::Used => tab == status,
    }
}

/// The coupon wallet: available, used and expired coupons, what expires first first; for
/// each available one, whether it fits the preview's cart (and how much more it needs),
/// computed here by the rules, and a way to use it in the preview.
/// An available coupon this close to its end is tagged 即将过期 (a convention of the
/// shopping apps members know).
const EXPIRING_SOON_DAYS: i64 = 3;

#[component]
pub fn WalletPage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    let content = match data.me {
        Some(me) => Either::Left(view! { <WalletContent program me /> }),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(wallet.title)}</TopBar>
        <main class="page page--wallet">{content}</main>
    }
}

/// Whether a coupon fits the preview's cart, as the rules say.
#[derive(Clone, Copy)]
enum Fit {
    /// Usable: it saves this much.
    Saves(Fen),
    Not(CouponProblem),
}

#[component]
fn WalletContent(program: Arc<ScreensProgram>, me: Arc<Me>) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    // The coupons that arrived are seen here: home announces them no more.
    if let Some(arrived) = &me.arrived {
        if state.gifts_unseen(arrived.until_ms) {
            state.gifts_seen(arrived.until_ms);
        }
    }
    // The fit hints are for the preview's cart, also after a page load.
    keep_in_tab(state.preview);
    let navigate = navigator();
    let tab = RwSignal::new(0i64);
    let coupons = RwSignal::new(None::<Vec<WalletCoupon>>);
    // A load supersedes the one under way: an answer for a tab no longer chosen is
    // dropped.
    let loader = Loader::new();
    let error = loader.error;
    let load = move || {
        coupons.set(None);
        let shown = TABS[tab.get_untracked() as usize];
        // The ended tab shows two statuses: the whole wallet, filtered here.
        let asked = (shown != CouponStatus::Expired).then_some(shown);
        loader.run(api::coupons(asked), move |w| {
            let mut list = w.coupons;
            list.retain(|c| in_tab(shown, c.status));
            coupons.set(Some(list));
        });
    };
    load();
    // Parsed before the screen was built (`Loaded::parse_later`).
    let snapshot = me.snapshot.get().ok();
    let now = Utc::now().with_timezone(&program.offset());
    // The amount a coupon applies to (after the member discount) for the preview's cart,
    // when the preview has one.
    let base = snapshot.and_then(|snapshot| coupon_base(&program, &state, snapshot));
    let first_order = snapshot.is_some_and(|snapshot| snapshot.first_order);
    let use_coupon = move |id: String| {
        state.preview.update(|d| d.coupon = CouponChoice::Id(id));
        navigate(Route::Preview);
    };
    let card = move |c: WalletCoupon| {
        let fit = match (c.status, base) {
            (CouponStatus::Available, Some(amount)) => {
                Some(match c.rules_coupon().check(&now, first_order, amount) {
                    Ok(saving) => Fit::Saves(saving),
                    Err(problem) => Fit::Not(problem),
                })
            }
            _ => None,
        };
        let expiring_soon = c.status == CouponStatus::Available
            && c.valid_until - now <= Duration::days(EXPIRING_SOON_DAYS);
        coupon_card(c, fit, expiring_soon, use_coupon)
    };
    // While the tab's coupons come: their rows in grey (not an empty wallet); after a
    // failed load, the error's retry alone.
    let list = move || match coupons.get() {
        Some(list) => {
            let empty = list.is_empty();
            Either::Left(view! {
                <p class="card notice" data-testid="wallet-empty" hidden=!empty>{tr!(wallet.empty)}</p>
                <ul class="coupons" data-testid="wallet-list">{list.into_iter().map(card).collect_view()}</ul>
            })
        }
        None => Either::Right(
            (error.get().is_none()).then(|| view! { <Skeleton shape=Shape::Rows count=3 /> }),
        ),
    };
    let counts = me.coupons;
    let tab_button = move |index: i64| {
        let status = TABS[index as usize];
        let count = match status {
            CouponStatus::Available => counts.available,
            CouponStatus::Used => counts.used,
            CouponStatus::Expired | CouponStatus::Void => counts.expired + counts.void,
        };
        view! {
            <button type="button" class="tab" data-testid=format!("wallet-tab-{}", TABS[index as usize].as_str())
                aria-pressed=dyn_text(move || (tab.get() == index).to_string())
                on:click=move |_| {
                    if tab.get_untracked() != index {
                        tab.set(index);
                        load();
                    }
                }>
                {dyn_text(move || coupon_status(locale.get(), status).to_string())}
                // The count shows with its list, not before.
                " " <span class="tab__count" data-testid=format!("wallet-count-{}", status.as_str())
                    hidden=flag(move || coupons.with(Option::is_none))>{count}</span>
            </button>
        }
    };
    view! {
        <div class="tabs" role="group">
            {tab_button(0)}
            {tab_button(1)}
            {tab_button(2)}
        </div>
        // The preview's hint is about coupons that can still be used.
        <p class="hint" hidden=flag(move || base.is_some() || tab.get() != 0)>{tr!(wallet.fit_hint)}</p>
        {error_notice("wallet-error", error, load)}
        {list}
        // Shopping happens in the host app when there is one (its bridge, web/host.js,
        // follows data-shop); on its own the app's closest thing is the spend preview.
        <a href=Route::Preview.href() class="button button--ghost" data-testid="go-shopping" data-shop=""
            on:click=follow(Route::Preview)>
            {tr!(wallet.go_shopping)}
        </a>
    }
}

/// A coupon as a ticket: value and threshold on the left; title, last valid day, source
/// and whether it fits the preview's cart on the right; "use" for an available one.
fn coupon_card(
    c: WalletCoupon,
    fit: Option<Fit>,
    expiring_soon: bool,
    use_coupon: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let locale = lang();
    // A void coupon says why it can no longer be used, where an available one says
    // whether it fits the cart.
    let void = c.status == CouponStatus::Void;
    let fit_code = fit.map(fit_code).unwrap_or_default();
    let fit_text = dyn_text(move || match fit {
        Some(f) => fit_text(locale.get(), f),
        None if void => td_string!(locale.get(), wallet.void_first_order).to_string(),
        None => String::new(),
    });
    let status = c.status;
    let stamp = dyn_text(move || coupon_stamp(locale.get(), status).to_string());
    let kind = c.kind.clone();
    let amount = dyn_text(move || amount_text(locale.get(), &kind));
    let kind = c.kind.clone();
    let rule = dyn_text(move || rule_text(locale.get(), &kind));
    // Its dates, each whole on one line (a narrow screen would break them at a space):
    // when it was used, or when it can be.
    let (from, until, used) = (c.valid_from, c.valid_until, c.used_at);
    let dates = move || {
        let locale = locale.get();
        let (template, dates) = match used {
            Some(at) => (
                td_string!(locale, wallet.used_on),
                vec![("{date}", short_date(locale, at.date_naive()))],
            ),
            None => (
                td_string!(locale, wallet.valid_dates),
                vec![
                    ("{from}", short_date(locale, from.date_naive())),
                    ("{until}", short_date(locale, last_date(&until))),
                ],
            ),
        };
        words_around(template, dates)
    };
    let title = c.title.clone();
    let title = dyn_text(move || title.get(locale.get().as_str()).to_string());
    let source = c.source;
    let source = dyn_text(move || coupon_source(locale.get(), source).to_string());
    let id = c.id.clone();
    let usable = c.status == CouponStatus::Available;
    view! {
        <li class="coupon" class:coupon--off=!usable data-testid=format!("coupon-{}", c.id)
            data-status=c.status.as_str() data-fit=fit_code>
            <div class="coupon__value">
                // A coupon's face, as printed coupons read (`coupon_face`).
                <span class="coupon__amount" data-money="face">{amount}</span>
                <span class="coupon__rule" data-money="face">{rule}</span>
            </div>
            <div class="coupon__body">
                <p class="coupon__title" data-testid=format!("coupon-title-{}", c.id)>
                    <span class="tag tag--warn" data-testid=format!("coupon-soon-{}", c.id) hidden=!expiring_soon>
                        {tr!(wallet.expiring_soon)}
                    </span>
                    {title}
                </p>
                <p class="coupon__meta">{dates}" · "{source}</p>
                <p class="coupon__fit" data-testid=format!("coupon-fit-{}", c.id)>{fit_text}</p>
            </div>
            // data-coupon: inside a host app, its bridge (web/host.js) hands the coupon
            // to the host's own checkout instead.
            <span class="coupon__stamp" hidden=usable data-testid=format!("coupon-stamp-{}", c.id)>{stamp}</span>
            <button type="button" class="coupon__use" hidden=!usable data-testid=format!("coupon-use-{}", c.id)
                data-coupon=c.id.clone() on:click=move |_| use_coupon(id.clone())>
                {if crate::components::share::in_mini_program() {
                    tr!(wallet.use_coupon)
                } else {
                    tr!(wallet.try_coupon)
                }}
            </button>
        </li>
    }
}

/// The preview cart's amount after the member discount (what coupons apply to), quoted
/// without a coupon; `None` when the preview has no valid cart.
fn coupon_base(
    program: &ScreensProgram,
    state: &AppState,
    snapshot: &rules::quote::MemberSnapshot,
) -> Option<Fen> {
    let mut draft = state.preview.get_untracked();
    draft.coupon = CouponChoice::None;
    draft.use_points = false;
    let now = now_rfc3339(Utc::now(), program.offset());
    match preview(program, &draft, snapshot, now) {
        Preview::Quoted(_, quote) => Some(quote.after_discount_fen),
        _ => None,
    }
}

/// The big figure on the left: `¥10`, `9折`.
fn amount_text(locale: Locale, kind: &CouponKind) -> String {
    match kind {
        CouponKind::NoThreshold { off_fen } | CouponKind::Threshold { off_fen, .. } => {
            format!("¥{}", coupon_face(*off_fen))
        }
        CouponKind::Percent { percent_off, .. } => fill(
            td_string!(locale, wallet.percent_amount),
            &[
                ("zhe", &zhe(*percent_off)),
                ("percent", &percent_off.to_string()),
            ],
        ),
    }
}

/// A template's words with its placeholders replaced by `dates`, each kept whole on one
/// line.
fn words_around(template: &str, dates: Vec<(&str, String)>) -> impl IntoView {
    let mut parts = vec![];
    let mut rest = template;
    while let Some((at, (name, date))) = dates
        .iter()
        .filter_map(|d| rest.find(d.0).map(|at| (at, d)))
        .min_by_key(|(at, _)| *at)
    {
        parts.push(rest[..at].to_owned().into_any());
        parts.push(view! { <span class="nowrap">{date.clone()}</span> }.into_any());
        rest = &rest[at + name.len()..];
    }
    parts.push(rest.to_owned().into_any());
    parts
}

/// The line under it: no minimum, the threshold, or a percent coupon's cap.
fn rule_text(locale: Locale, kind: &CouponKind) -> String {
    match kind {
        CouponKind::NoThreshold { .. }
        | CouponKind::Percent {
            max_off_fen: None, ..
        } => td_string!(locale, wallet.no_threshold_rule).to_string(),
        CouponKind::Threshold { min_spend_fen, .. } => fill(
            td_string!(locale, wallet.threshold_rule),
            &[("min", &coupon_face(*min_spend_fen))],
        ),
        CouponKind::Percent {
            max_off_fen: Some(cap),
            ..
        } => fill(
            td_string!(locale, wallet.cap_rule),
            &[("cap", &coupon_face(*cap))],
        ),
    }
}

fn fit_code(fit: Fit) -> &'static str {
    match fit {
        Fit::Saves(_) => "ok",
        Fit::Not(CouponProblem::BelowThreshold { .. }) => "coupon_below_threshold",
        Fit::Not(CouponProblem::FirstOrderOnly) => "coupon_first_order_only",
        Fit::Not(CouponProblem::NotYetValid) => "coupon_not_yet_valid",
        Fit::Not(CouponProblem::Expired) => "coupon_expired",
    }
}

/// `再买¥37.00可用`, `本单可省¥10`, …
fn fit_text(locale: Locale, fit: Fit) -> String {
    match fit {
        Fit::Saves(saving) => fill(
            td_string!(locale, wallet.fit_ok),
            &[("saving", &format_yuan(saving))],
        ),
        Fit::Not(CouponProblem::BelowThreshold { missing_fen }) => fill(
            td_string!(locale, wallet.fit_below),
            &[("missing", &format_yuan(missing_fen))],
        ),
        Fit::Not(CouponProblem::FirstOrderOnly) => {
            td_string!(locale, wallet.fit_first_order).to_string()
        }
        Fit::Not(CouponProblem::NotYetValid) => td_string!(locale, wallet.fit_not_yet).to_string(),
        Fit::Not(CouponProblem::Expired) => td_string!(locale, wallet.fit_expired).to_string(),
    }
}
