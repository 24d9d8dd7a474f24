//! The member's orders (消费记录): each order's date, what was paid, the points it earned
//! and used, and its refunds; newest first, a page at a time. Reached from the points
//! screen.

use leptos::either::Either;
use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};

use crate::components::{error_notice, need_login, Loader, Shape, Skeleton, TopBar};
use crate::data::api::{self, PastOrder, PastRefund};
use crate::data::state::Loaded;
use crate::i18n::*;
use crate::words::display::short_date;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, tr};

#[component]
pub fn OrdersPage(data: Loaded) -> impl IntoView {
    let content = match data.me {
        Some(_) => Either::Left(view! { <OrdersContent /> }),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(orders.title)}</TopBar>
        <main class="page page--orders">{content}</main>
    }
}

/// The orders shown (none until the first page comes), and the next page's cursor.
#[derive(Clone, Copy)]
struct Orders {
    loader: Loader,
    list: RwSignal<Option<Vec<PastOrder>>>,
    cursor: RwSignal<Option<String>>,
}

impl Orders {
    /// Loads the first page, or (`more`) the next one.
    fn load(self, more: bool) {
        let cursor = if more {
            self.cursor.get_untracked()
        } else {
            None
        };
        self.loader.run(
            async move { api::orders(cursor.as_deref()).await },
            move |page| {
                self.list.update(|list| {
                    let list = list.get_or_insert_with(Vec::new);
                    if !more {
                        list.clear();
                    }
                    list.extend(page.orders);
                });
                self.cursor.set(page.next_cursor);
            },
        );
    }
}

#[component]
fn OrdersContent() -> impl IntoView {
    let orders = Orders {
        loader: Loader::new(),
        list: RwSignal::new(None),
        cursor: RwSignal::new(None),
    };
    orders.load(false);
    let Orders {
        loader,
        list,
        cursor,
    } = orders;
    let error = loader.error;
    let loading = loader.busy;
    // While the first page comes: rows in grey (not an empty list); after a failed first
    // load, the error's retry alone.
    let rows = move || match list.get() {
        Some(list) => {
            let empty = list.is_empty();
            Either::Left(view! {
                <p class="card notice" data-testid="orders-empty" hidden=!empty>{tr!(orders.empty)}</p>
                <ul class="orders" data-testid="orders-list" hidden=empty>
                    {list.into_iter().map(order_card).collect_view()}
                </ul>
            })
        }
        None => Either::Right(
            (error.get().is_none()).then(|| view! { <Skeleton shape=Shape::Rows count=3 /> }),
        ),
    };
    // A failed first page loads again; a failed later page retries that page.
    let retry = move || orders.load(list.with_untracked(Option::is_some));
    view! {
        {error_notice("orders-error", error, retry)}
        {rows}
        <button type="button" class="button button--ghost" data-testid="orders-more"
            hidden=flag(move || cursor.with(Option::is_none)) disabled=loading
            on:click=move |_| orders.load(true)>
            {tr!(orders.more)}
        </button>
    }
}

/// One order: its id and date, what was paid, the points earned and used, and its
/// refunds (each with its date and amount).
fn order_card(order: PastOrder) -> impl IntoView {
    let locale = lang();
    let PastOrder {
        id,
        paid_at,
        payable_fen,
        points_earned,
        points_used,
        refunded_fen,
        refunds,
    } = order;
    let title = {
        let id = id.clone();
        dyn_text(move || fill(td_string!(locale.get(), orders.order), &[("id", &id)]))
    };
    let date = dyn_text(move || short_date(locale.get(), paid_at.date_naive()));
    let earned = group_thousands(points_earned);
    let earned = dyn_text(move || {
        fill(
            td_string!(locale.get(), orders.earned),
            &[("points", &earned)],
        )
    });
    // Points used as cash: only for an order that used some.
    let used = points_used.is_positive().then(|| {
        let used = group_thousands(points_used);
        let text =
            dyn_text(move || fill(td_string!(locale.get(), orders.used), &[("points", &used)]));
        view! { <span class="order__used">{text}</span> }
    });
    let refunds = (!refunds.is_empty()).then(|| {
        let total = format_yuan(refunded_fen);
        let total = dyn_text(move || fill(td_string!(locale.get(), orders.refunded), &[("amount", &total)]));
        view! {
            <div class="order__refunds" data-testid=format!("order-refunds-{id}") data-value=refunded_fen.get()>
                <span class="order__refunded">{total}</span>
                <ul class="order__refund-list" aria-label=dyn_text(move || td_string!(locale.get(), orders.refunds).to_string())>
                    {refunds.into_iter().map(refund_row).collect_view()}
                </ul>
            </div>
        }
    });
    view! {
        <li class="card order" data-testid=format!("order-{id}") data-payable=payable_fen.get()>
            <div class="order__head">
                <span class="order__id">{title}</span>
                <span class="order__date">{date}</span>
            </div>
            <div class="order__sums">
                <strong class="order__amount">{format_yuan(payable_fen)}</strong>
                <span class="order__points">{earned}</span>
                {used}
            </div>
            {refunds}
        </li>
    }
}

/// A refund: `6月18日 退款 ¥50.00`.
fn refund_row(refund: PastRefund) -> impl IntoView {
    let locale = lang();
    let amount = format_yuan(refund.amount_fen);
    let text = dyn_text(move || {
        fill(
            td_string!(locale.get(), orders.refund),
            &[
                ("date", &short_date(locale.get(), refund.at.date_naive())),
                ("amount", &amount),
            ],
        )
    });
    view! { <li class="order__refund" data-amount=refund.amount_fen.get()>{text}</li> }
}
