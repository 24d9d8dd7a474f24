use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};
use rules::points::CheckinRules;
use rules::Points;

use crate::components::{
    error_notice, expiring_notice, need_login, Loader, Shape, Skeleton, Toast, TopBar,
};
use crate::data::api::{self, Direction, Entry, Me, Subject};
use crate::data::program::ScreensProgram;
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::platform::route::{follow, Route};
use crate::words::display::date_of;
use crate::words::labels::{fill, points_kind};
use crate::words::text::{dyn_text, flag, lang, message, tr, Key};

mod planner;

use planner::Planner;

/// The member's points: balance, what expires soon, the daily check-in and the history.
#[component]
pub fn PointsPage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    // The streak's length and what each day pays are the program's.
    let rules = program.points.checkin.clone();
    let content = match data.me {
        Some(me) => Either::Left(view! { <PointsContent me rules /> }),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(points.title)}</TopBar>
        <main class="page page--points">{content}</main>
    }
}

/// The history: the entries shown, the next page's cursor (0: none), the filter (the
/// credits, the debits, or both).
#[derive(Clone, Copy)]
struct History {
    /// A load supersedes the one under way (another filter chosen, the check-in's entry).
    loader: Loader,
    entries: RwSignal<Vec<Entry>>,
    cursor: RwSignal<i64>,
    filter: RwSignal<Option<Direction>>,
}

impl History {
    /// Loads the first page of the chosen filter, or (`more`) the next one.
    fn load(self, more: bool) {
        let kind = self.filter.get_untracked();
        let from = if more {
            Some(self.cursor.get_untracked())
        } else {
            None
        };
        self.loader.run(api::points(kind, from), move |page| {
            self.entries.update(|e| {
                if !more {
                    e.clear();
                }
                e.extend(page.entries);
            });
            self.cursor.set(page.next_cursor.unwrap_or(0));
        });
    }
}

#[component]
fn PointsContent(me: Arc<Me>, rules: CheckinRules) -> impl IntoView {
    let balance = RwSignal::new(me.points_balance);
    let history = History {
        loader: Loader::new(),
        entries: RwSignal::new(Vec::new()),
        cursor: RwSignal::new(0),
        filter: RwSignal::new(None),
    };
    history.load(false);
    let expiring = me.points_expiring.as_ref().map(expiring_notice);
    view! {
        <section class="card balance">
            <span class="balance__label">{tr!(points.balance)}</span>
            <strong class="balance__value" data-testid="points-page-balance" data-value=dyn_text(move || balance.get().to_string())>
                {dyn_text(move || group_thousands(balance.get()))}
            </strong>
            {expiring}
        </section>
        <CheckIn me balance history rules />
        <Planner balance />
        <HistoryList history />
    }
}

/// The daily check-in: the streak with what each day pays, the button, and a toast of
/// what it gave; the balance and the history follow it.
#[component]
fn CheckIn(
    me: Arc<Me>,
    balance: RwSignal<Points>,
    history: History,
    rules: CheckinRules,
) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let toast = expect_context::<Toast>();
    let streak_day = RwSignal::new(i64::from(me.checkin.streak_day));
    let checked = RwSignal::new(me.checkin.checked_in_today);
    // Its errors show with the history's.
    let error = history.loader.error;
    let checkin = Loader::sharing(error);
    let check_in = move |_| {
        error.set(None);
        checkin.run(api::checkin(), move |c| {
            balance.set(c.points_balance);
            checked.set(true);
            streak_day.set(c.streak_day.into());
            toast.show(fill(
                td_string!(locale.get_untracked(), points.checkin_done),
                &[("points", &group_thousands(c.points))],
            ));
            // Home shows the new balance; the history shows the new entry.
            state.load();
            history.load(false);
        });
    };
    let days = (1..=rules.streak_days)
        .map(|n| {
            let pays = group_thousands(rules.points_on_day(n));
            let bonus = n == rules.streak_days;
            let label = {
                let pays = pays.clone();
                dyn_text(move || fill(td_string!(locale.get(), points.day), &[("n", &n.to_string()), ("points", &pays)]))
            };
            view! {
                <li class="streak__day" class:streak__day--on=flag(move || i64::from(n) <= streak_day.get())
                    class:streak__day--bonus=bonus aria-label=label>
                    <span class="streak__n" aria-hidden="true">{n}</span>
                    <span class="streak__pays" aria-hidden="true">"+"{pays}</span>
                </li>
            }
        })
        .collect_view();
    let streak = dyn_text(move || streak_day.get().to_string());
    let (days_total, bonus) = (
        rules.streak_days.to_string(),
        group_thousands(rules.streak_bonus_points),
    );
    // No "0-day streak": before the first check-in, only what a streak earns.
    let streak_text = dyn_text(move || {
        let template = match streak_day.get() {
            0 => td_string!(locale.get(), points.streak_none),
            _ => td_string!(locale.get(), points.streak),
        };
        fill(
            template,
            &[
                ("n", &streak.get()),
                ("days", &days_total),
                ("bonus", &bonus),
            ],
        )
    });
    view! {
        <section class="card checkin">
            <h2 class="card__title">{tr!(points.checkin_title)}</h2>
            <ol class="streak" data-testid="streak" data-value=streak>{days}</ol>
            <p class="hint">{streak_text}</p>
            <button type="button" class="button button--primary" data-testid="checkin-button"
                disabled=checked on:click=check_in>
                {dyn_text(move || if checked.get() {
                    td_string!(locale.get(), points.checked_in)
                } else {
                    td_string!(locale.get(), points.checkin)
                }.to_string())}
            </button>
            // A failed check-in or history load, with a retry that loads what is true now.
            {error_notice("points-error", error, move || history.load(false))}
        </section>
    }
}

/// The history with its filters and paging.
#[component]
fn HistoryList(history: History) -> impl IntoView {
    let History {
        loader,
        entries,
        cursor,
        filter,
    } = history;
    let loading = loader.busy;
    let tab = move |kind: Option<Direction>, key: Key| {
        let name = kind.map_or("all", Direction::as_str);
        view! {
            <button type="button" class="tab" data-testid=format!("points-filter-{name}")
                aria-pressed=dyn_text(move || (filter.get() == kind).to_string())
                on:click=move |_| {
                    if filter.get_untracked() != kind {
                        filter.set(kind);
                        history.load(false);
                    }
                }>
                {message(key)}
            </button>
        }
    };
    // The rows, built anew when a page arrives; only their text follows the language.
    let rows = move || entries.get().into_iter().map(entry_row).collect_view();
    // The first page on its way: rows in grey, not the "nothing yet" line.
    let first_page = move || {
        (loading.get() && entries.with(Vec::is_empty))
            .then(|| view! { <Skeleton shape=Shape::Rows count=4 /> })
    };
    view! {
        <section class="card history">
            <div class="history__head">
                <h2 class="card__title">{tr!(points.history)}</h2>
                // The orders behind the points: what was paid, earned and refunded.
                <a href=Route::Orders.href() class="history__orders" data-testid="orders-link"
                    on:click=follow(Route::Orders)>
                    {tr!(points.orders_link)}
                </a>
            </div>
            <div class="tabs" role="group">
                {tab(None, |l| td_string!(l, points.all))}
                {tab(Some(Direction::Earn), |l| td_string!(l, points.earn))}
                {tab(Some(Direction::Spend), |l| td_string!(l, points.spend))}
            </div>
            <ul class="entries" data-testid="points-history" aria-busy=dyn_text(move || loading.get().to_string())>
                {rows}
            </ul>
            {first_page}
            <p class="hint" data-testid="points-empty" hidden=flag(move || loading.get() || !entries.with(Vec::is_empty))>
                {tr!(points.empty)}
            </p>
            <button type="button" class="button button--ghost" data-testid="points-more"
                hidden=flag(move || cursor.get() == 0) disabled=loading on:click=move |_| history.load(true)>
                {tr!(points.more)}
            </button>
        </section>
    }
}

/// One entry of the history: what and when (and what it was for, when it names
/// something), the points (signed) and the balance after.
fn entry_row(entry: Entry) -> impl IntoView {
    let locale = lang();
    let Entry {
        id,
        kind,
        points,
        balance_after,
        at,
        subject,
        ..
    } = entry;
    let subject = subject.map(|subject| {
        let text = dyn_text(move || subject_text(locale.get(), &subject));
        view! {
            <span class="entry__subject" data-testid=format!("ledger-subject-{id}")>{text}</span>
        }
    });
    let class = if points.is_negative() {
        "entry__points entry__points--minus"
    } else {
        "entry__points"
    };
    let label = dyn_text(move || points_kind(locale.get(), kind).to_string());
    let after = group_thousands(balance_after);
    let after = dyn_text(move || {
        fill(
            td_string!(locale.get(), points.balance_after),
            &[("n", &after)],
        )
    });
    view! {
        <li class="entry" data-testid="points-entry" data-kind=kind.as_str() data-points=points.get()>
            <span class="entry__what">
                <span class="entry__kind">{label}</span>
                {subject}
                <span class="entry__date">{date_of(at)}</span>
            </span>
            <span class="entry__amount">
                <strong class=class>{signed(points)}</strong>
                <span class="entry__after">{after}</span>
            </span>
        </li>
    }
}

/// What an entry was for, in words: `订单 SO-1001 · ¥320.00`, `兑换 ¥10.00 无门槛券`, the
/// campaign's name with its order.
fn subject_text(locale: Locale, subject: &Subject) -> String {
    let lang = locale.as_str();
    match subject {
        Subject::Order {
            id,
            payable_fen,
            coupon,
        } => {
            let amount = format_yuan(*payable_fen);
            match coupon {
                None => fill(
                    td_string!(locale, points.subject_order),
                    &[("id", id), ("amount", &amount)],
                ),
                Some(coupon) => fill(
                    td_string!(locale, points.subject_order_coupon),
                    &[
                        ("id", id),
                        ("amount", &amount),
                        ("coupon", coupon.get(lang)),
                    ],
                ),
            }
        }
        Subject::Refund {
            order_id,
            amount_fen,
        } => fill(
            td_string!(locale, points.subject_refund),
            &[("id", order_id), ("amount", &format_yuan(*amount_fen))],
        ),
        Subject::MallItem { title, .. } => fill(
            td_string!(locale, points.subject_mall),
            &[("title", title.get(lang))],
        ),
        Subject::Campaign { name, order_id } => fill(
            td_string!(locale, points.subject_campaign),
            &[("name", name.get(lang)), ("id", order_id)],
        ),
    }
}

/// Points with their sign and thousands separators: `+2,000`, `-1,200`, `0`.
fn signed(points: Points) -> String {
    let sign = if points.is_positive() { "+" } else { "" };
    format!("{sign}{}", group_thousands(points))
}

#[cfg(test)]
mod tests {
    use super::{signed, subject_text, Subject};
    use crate::i18n::Locale;
    use rules::{Fen, Points, Text};

    #[test]
    fn points_with_their_sign() {
        assert_eq!(signed(Points(2000)), "+2,000");
        assert_eq!(signed(Points(-1200)), "-1,200");
        assert_eq!(signed(Points(0)), "0");
    }

    #[test]
    fn an_entry_names_what_it_was_for_in_both_languages() {
        let order = Subject::Order {
            id: "SO-1001".into(),
            payable_fen: Fen(32_000),
            coupon: None,
        };
        let coupon = Text {
            zh: "¥10.00 无门槛券".into(),
            en: "¥10.00 coupon, no minimum".into(),
        };
        let mall = Subject::MallItem {
            item_id: "coupon-10".into(),
            title: coupon.clone(),
        };
        let with_coupon = Subject::Order {
            id: "SO-1002".into(),
            payable_fen: Fen(19_000),
            coupon: Some(coupon),
        };
        let refund = Subject::Refund {
            order_id: "SO-1001".into(),
            amount_fen: Fen(5_000),
        };
        let campaign = Subject::Campaign {
            name: Text {
                zh: "618 双倍积分".into(),
                en: "618 double points".into(),
            },
            order_id: "SO-1001".into(),
        };
        let words = |locale| {
            [&order, &with_coupon, &refund, &mall, &campaign].map(|s| subject_text(locale, s))
        };
        assert_eq!(
            words(Locale::zh),
            [
                "订单 SO-1001 · ¥320.00",
                "订单 SO-1002 · ¥190.00 · 用¥10.00 无门槛券",
                "订单 SO-1001 · 退款 ¥50.00",
                "兑换 ¥10.00 无门槛券",
                "618 双倍积分 · 订单 SO-1001",
            ]
        );
        assert_eq!(
            words(Locale::en),
            [
                "Order SO-1001 · ¥320.00",
                "Order SO-1002 · ¥190.00 · with ¥10.00 coupon, no minimum",
                "Order SO-1001 · refund of ¥50.00",
                "Redeemed ¥10.00 coupon, no minimum",
                "618 double points · order SO-1001",
            ]
        );
    }
}
