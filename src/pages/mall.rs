use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::mall::{Ineligible, LimitPeriod, MallItem};
use rules::money::group_thousands;
use rules::Points;

use crate::components::{error_notice, Loader, Shape, Skeleton, Toast, TopBar};
use crate::data::api::{self, Catalog, CatalogItem};
use crate::data::program::ScreensProgram;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::platform::route::{follow, follow_login, login_path, Route};
use crate::words::labels::{error_name, error_of, fill, ineligible};
use crate::words::text::{dyn_text, flag, lang, tr};

/// The points mall: the balance, every item with its price and whether the member may
/// redeem it (and why not), a confirmation sheet, and the result. Logged out, the same
/// catalog to browse, each item's button a login that comes back here.
#[component]
pub fn MallPage(program: Arc<ScreensProgram>) -> impl IntoView {
    // The catalog's answer says whether the member is logged in (a balance or none).
    view! {
        <TopBar back=true>{tr!(mall.title)}</TopBar>
        <main class="page page--mall"><MallContent program /></main>
    }
}

/// What the sheet is about: the item, and the key every retry of this one redemption
/// sends (a network error then a retry must not redeem twice).
#[derive(Clone)]
struct Pending {
    item: CatalogItem,
    key: String,
}

/// The screen's state: the catalog and its loads, the redemption (whose errors show with
/// the catalog's), the sheet, and what the last redemption gave.
#[derive(Clone, Copy)]
struct Mall {
    catalog: RwSignal<Option<Catalog>>,
    catalog_loader: Loader,
    redeem: Loader,
    pending: RwSignal<Option<Pending>>,
    /// The balance after the last redemption, and whether it gave a coupon.
    done: RwSignal<Option<(Points, bool)>>,
    toast: Toast,
    /// The language, for the toast (read when the answer comes, outside any component).
    locale: RwSignal<Locale>,
}

impl Mall {
    fn new(toast: Toast) -> Mall {
        let catalog_loader = Loader::new();
        Mall {
            catalog: RwSignal::new(None),
            catalog_loader,
            redeem: Loader::sharing(catalog_loader.error),
            pending: RwSignal::new(None),
            done: RwSignal::new(None),
            toast,
            locale: lang(),
        }
    }

    fn load(self) {
        let catalog = self.catalog;
        self.catalog_loader
            .run(api::mall(), move |c| catalog.set(Some(c)));
    }

    /// Opens the sheet for `item`, with a new key.
    fn open(self, item: CatalogItem) {
        self.redeem.error.set(None);
        self.done.set(None);
        self.pending.set(Some(Pending {
            item,
            key: api::idempotency_key(),
        }));
    }

    /// Redeems the item of the sheet. A refusal leaves the sheet open with the reason; a
    /// retry (same key) is safe.
    fn confirm(self, state: AppState) {
        let Some(Pending { item, key }) = self.pending.get_untracked() else {
            return;
        };
        self.redeem.error.set(None);
        let request = async move {
            let answer = api::redeem(&item.item.id, &key).await;
            if answer.is_err() {
                // What was refused (points, stock, a limit) shows as it is now.
                self.load();
            }
            answer
        };
        self.redeem.run(request, move |r| {
            self.pending.set(None);
            self.done
                .set(Some((r.points_balance_after, r.coupon.is_some())));
            self.toast.show(fill(
                td_string!(self.locale.get_untracked(), mall.done),
                &[("points", &group_thousands(r.points_balance_after))],
            ));
            // The catalog (stock, limits, what is affordable) and home follow.
            self.load();
            state.load();
        });
    }
}

#[component]
fn MallContent(program: Arc<ScreensProgram>) -> impl IntoView {
    let locale = lang();
    let toast = expect_context::<Toast>();
    let mall = Mall::new(toast);
    mall.load();
    let Mall {
        catalog,
        pending,
        done,
        ..
    } = mall;
    let error = mall.redeem.error;
    let program = program.clone();
    let grid = move || {
        let Some(c) = catalog.get() else {
            // The catalog's tiles in grey while it comes (after a failed load, the retry).
            return Either::Right(
                (mall.catalog_loader.error.get().is_none())
                    .then(|| view! { <Skeleton shape=Shape::Tiles count=4 /> }),
            );
        };
        Either::Left({
            let empty = c.items.is_empty();
            let balance = c.points_balance;
            let card = |item| item_card(mall, &program, balance, item);
            let balance_card = match balance {
                Some(points) => Either::Left(view! {
                    <section class="card balance">
                        <p class="balance__label">{tr!(mall.balance)}</p>
                        <p class="balance__value" data-testid="mall-balance" data-value=points.get()>
                            {group_thousands(points)}
                        </p>
                    </section>
                }),
                None => Either::Right(view! {
                    <section class="card balance" data-testid="mall-guest">
                        <p class="balance__label">{tr!(mall.guest_hint)}</p>
                        <a href=login_path(Route::Mall) class="button button--primary"
                            data-testid="mall-login" on:click=follow_login(Route::Mall)>{tr!(login.nav_login)}</a>
                    </section>
                }),
            };
            view! {
                {balance_card}
                <p class="card notice" data-testid="mall-empty" hidden=!empty>{tr!(mall.empty)}</p>
                <ul class="mall-grid" data-testid="mall-list">{c.items.into_iter().map(card).collect_view()}</ul>
            }
        })
    };
    let done_text = dyn_text(move || {
        let balance = done.get().map_or(Points::ZERO, |d| d.0);
        fill(
            td_string!(locale.get(), mall.done),
            &[("points", &group_thousands(balance))],
        )
    });
    let error_code = dyn_text(move || error_name(error.get()).to_owned());
    let error_text = dyn_text(move || error_of(locale.get(), error.get()).to_string());
    view! {
        <p class="card notice notice--success" data-testid="mall-done" hidden=flag(move || done.with(Option::is_none))>
            {done_text}
            <span hidden=flag(move || !done.get().is_some_and(|d| d.1))>
                " " {tr!(mall.done_coupon)} " "
                <a href=Route::Wallet.href() data-testid="mall-to-wallet" on:click=follow(Route::Wallet)>{tr!(mall.to_wallet)}</a>
            </span>
        </p>
        // A refused redemption shows in its sheet; a failed load here, with a retry.
        <div hidden=flag(move || pending.with(Option::is_some))>
            {error_notice("mall-error", error, move || mall.load())}
        </div>
        {grid}
        <ConfirmSheet mall error_code error_text />
    }
}

/// An item of the catalog: picture, title, price (aligned across a row), its limit,
/// stock and tier up front, why it can't be redeemed, the button that opens the sheet.
fn item_card(
    mall: Mall,
    program: &ScreensProgram,
    balance: Option<Points>,
    item: CatalogItem,
) -> impl IntoView {
    let locale = lang();
    let title = item.item.title.clone();
    let name = move || title.get(locale.get().as_str()).to_string();
    let price = item.item.points;
    let remaining = item.remaining;
    let reason = item.reason;
    let reason_code = reason.map_or("", |r| r.code());
    let eligible = item.eligible;
    // Short of points: how many, and where points come from.
    let short = match (reason, balance) {
        (Some(Ineligible::InsufficientPoints), Some(balance)) => Some(price - balance),
        _ => None,
    };
    let reason_text = dyn_text(move || match short {
        Some(short) => fill(
            td_string!(locale.get(), mall.short_by),
            &[("points", &group_thousands(short))],
        ),
        None => reason
            .map_or("", |r| ineligible(locale.get(), r))
            .to_owned(),
    });
    let earn_more = short.map(|_| {
        view! {
            <a href=Route::Points.href() class="mall-item__earn" data-testid=format!("mall-earn-{}", item.item.id)
                on:click=follow(Route::Points)>{tr!(mall.earn_more)}</a>
        }
    });
    let testid = format!("mall-item-{}", item.item.id);
    let picture = item.item.image.as_deref().map(|src| {
        view! { <img class="mall-item__picture" src=picture_src(src) alt="" loading="lazy" width="160" height="100" /> }
    });
    let limit = item.item.limit.clone().map(|limit| {
        let (n, done) = (group_thousands(limit.count), item.redeemed_in_period);
        let text = dyn_text(move || {
            let l = locale.get();
            let template = match limit.period {
                LimitPeriod::Month => td_string!(l, mall.limit_month),
                LimitPeriod::Lifetime => td_string!(l, mall.limit_lifetime),
            };
            let mut text = fill(template, &[("n", &n)]);
            if done > 0 {
                text += &fill(td_string!(l, mall.redeemed), &[("n", &group_thousands(done))]);
            }
            text
        });
        view! { <p class="mall-item__meta" data-testid=format!("mall-limit-{}", item.item.id)>{text}</p> }
    });
    let tier = item.item.min_tier.as_ref().and_then(|t| program.tiers.by_id(t)).map(|t| {
        let tier = t.name.clone();
        view! {
            <p class="mall-item__meta">
                {dyn_text(move || fill(td_string!(locale.get(), mall.min_tier), &[("tier", tier.get(locale.get().as_str()))]))}
            </p>
        }
    });
    view! {
        <li class="mall-item" data-testid=testid data-eligible=eligible.to_string() data-reason=reason_code>
            <div class="mall-item__tile">{picture}</div>
            <p class="mall-item__title">{dyn_text(name)}</p>
            <p class="mall-item__price">
                {dyn_text(move || fill(td_string!(locale.get(), mall.price), &[("points", &group_thousands(price))]))}
            </p>
            {limit}
            {tier}
            <p class="mall-item__meta" hidden=remaining.is_none()>
                {dyn_text(move || fill(td_string!(locale.get(), mall.remaining), &[("n", &group_thousands(remaining.unwrap_or(0)))]))}
            </p>
            <p class="mall-item__reason" hidden=eligible>{reason_text}</p>
            {earn_more}
            {match balance {
                Some(_) => Either::Left(view! {
                    <button type="button" class="button button--primary mall-item__redeem" disabled=!eligible
                        data-testid=format!("mall-redeem-{}", item.item.id)
                        on:click=move |_| mall.open(item.clone())>
                        {tr!(mall.redeem)}
                    </button>
                }),
                None => Either::Right(view! {
                    <a href=login_path(Route::Mall) class="button button--primary mall-item__redeem"
                        data-testid=format!("mall-redeem-{}", item.item.id)
                        on:click=follow_login(Route::Mall)>{tr!(mall.login_to_redeem)}</a>
                }),
            }}
        </li>
    }
}

/// How a redeemed item reaches the member, in `locale`.
fn how_it_arrives(locale: Locale, item: &MallItem) -> String {
    match (&item.coupon, &item.fulfilment) {
        (Some(coupon), _) => fill(
            td_string!(locale, mall.fulfil_coupon),
            &[("days", &coupon.valid_days.to_string())],
        ),
        (None, Some(text)) => text.get(locale.as_str()).to_owned(),
        (None, None) => String::new(),
    }
}

/// A picture's address as the page loads it: a path on this site relative to the page
/// (the app may be served under a base path, as its other files are), a URL as it is.
fn picture_src(image: &str) -> String {
    image.strip_prefix('/').unwrap_or(image).to_owned()
}

/// The confirmation sheet: what is redeemed for how many points, the balance after, the
/// refusal when there is one.
#[component]
fn ConfirmSheet(
    mall: Mall,
    error_code: Signal<String>,
    error_text: Signal<String>,
) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let Mall {
        catalog, pending, ..
    } = mall;
    let error = mall.redeem.error;
    let sheet_text = dyn_text(move || {
        pending.with(|p| match p {
            Some(p) => fill(
                td_string!(locale.get(), mall.confirm_text),
                &[
                    ("points", &group_thousands(p.item.item.points)),
                    ("item", p.item.item.title.get(locale.get().as_str())),
                ],
            ),
            None => String::new(),
        })
    });
    // How the item reaches the member: a coupon at once, anything else as the program says.
    let how_text = dyn_text(move || {
        let l = locale.get();
        pending.with(|p| {
            p.as_ref()
                .map_or(String::new(), |p| how_it_arrives(l, &p.item.item))
        })
    });
    // The balance and the item as the catalog has them now: after a refusal the catalog
    // is loaded again, and the sheet follows it (the points spent elsewhere meanwhile).
    let balance = move || {
        catalog.with(|c| {
            c.as_ref()
                .and_then(|c| c.points_balance)
                .unwrap_or_default()
        })
    };
    let price = move || pending.with(|p| p.as_ref().map_or(Points::ZERO, |p| p.item.item.points));
    let shortfall = move || Some(price() - balance()).filter(|short| short.is_positive());
    let after_text = dyn_text(move || {
        let l = locale.get();
        match shortfall() {
            Some(short) => fill(
                td_string!(l, mall.short_by),
                &[("points", &group_thousands(short))],
            ),
            None => fill(
                td_string!(l, mall.balance_after),
                &[("points", &group_thousands(balance() - price()))],
            ),
        }
    });
    // Whether the catalog, as last loaded, still lets the member redeem the sheet's item.
    let redeemable = move || {
        let Some(id) = pending.with(|p| p.as_ref().map(|p| p.item.item.id.clone())) else {
            return false;
        };
        catalog.with(|c| {
            c.as_ref()
                .and_then(|c| c.items.iter().find(|i| i.item.id == id))
                .is_some_and(|i| i.eligible)
        }) && shortfall().is_none()
    };
    view! {
        // A tap outside the panel closes the sheet, as in every bottom sheet.
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="mall-sheet-title" data-testid="mall-sheet"
            hidden=flag(move || pending.with(Option::is_none)) on:click=move |_| pending.set(None)>
            <div class="sheet__panel" on:click=|ev| ev.stop_propagation()>
                <h2 id="mall-sheet-title" class="card__title">{tr!(mall.confirm_title)}</h2>
                <p>{sheet_text}</p>
                <p class="hint" data-testid="mall-sheet-fulfilment">{how_text}</p>
                <p class="hint" data-testid="mall-sheet-after" class:field-msg--error=move || shortfall().is_some()>
                    {after_text}
                </p>
                <p class="field-msg field-msg--error" role="alert" data-testid="mall-sheet-error" data-code=error_code
                    hidden=flag(move || error.with(Option::is_none))>
                    {error_text}
                </p>
                <button type="button" class="button button--primary" data-testid="mall-confirm"
                    disabled=flag(move || mall.redeem.busy.get() || !redeemable())
                    on:click=move |_| mall.confirm(state)>
                    {tr!(mall.confirm)}
                </button>
                <button type="button" class="button button--ghost" on:click=move |_| pending.set(None)>
                    {tr!(mall.cancel)}
                </button>
            </div>
        </div>
    }
}
