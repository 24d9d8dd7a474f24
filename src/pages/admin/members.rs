//! A member: found by full phone number (each lookup audited by the server), or opened
//! from the churn list or the audit log; their page (tier and its history, spend, the
//! ledger, coupons, orders and refunds, invites, the audit entries about them), and, for
//! admins, a points adjustment with a reason.

use leptos::prelude::*;

use super::format::Unit;
use super::words::{t, Word};
use super::{console, error_notice};
use crate::components::{Loader, Toast};
use crate::data::console::{self as console_api, MemberPage};
use crate::words::display::date_of;
use crate::words::labels::{coupon_status, points_kind};
use crate::words::text::{dyn_text, lang, local};

mod adjust;
mod history;

pub use history::tier_name;

#[component]
pub fn MembersPart() -> impl IntoView {
    let console = console();
    let phone = RwSignal::new(String::new());
    let loader = Loader::new();
    let page = RwSignal::new(None::<MemberPage>);
    // Whoever is opened (a lookup, the churn list, the audit log), their page is read.
    Effect::new(move || {
        if let Some(id) = console.member.get() {
            loader.run(async move { console_api::member(&id).await }, move |p| {
                page.set(Some(p))
            });
        }
    });
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = phone.get_untracked().trim().to_owned();
        loader.run(
            async move { console_api::lookup(&number).await },
            move |found| console.member.set(Some(found.member_id)),
        );
    };
    let shown = move || page.get().map(|p| view! { <Member p /> });
    view! {
        <section class="console__part" data-testid="members">
            <form class="console__filters card" on:submit=find>
                <label class="field">{t(Word::Phone)}
                    <input type="tel" class="input" inputmode="numeric" maxlength="11" data-testid="member-phone-input"
                        prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) /></label>
                <button type="submit" class="button button--primary" data-testid="member-find" disabled=loader.busy>
                    {t(Word::Find)}
                </button>
            </form>
            {error_notice(loader.error, "member-error")}
            {shown}
        </section>
    }
}

#[component]
fn Member(p: MemberPage) -> impl IntoView {
    let console = console();
    let s = p.summary.clone();
    let locale = lang();
    let tier = tier_name(&s.tier);
    let name = s.nickname.clone().unwrap_or_default();
    let phone = s.phone_masked.clone().unwrap_or_default();
    let balance = RwSignal::new(s.points_balance.get());
    let id = s.id.clone();
    let adjust = console.can_change.then(|| {
        view! { <adjust::AdjustForm member_id=id.clone() balance /> }
    });
    let ledger = p
        .ledger
        .iter()
        .map(|e| {
            let kind = e.kind;
            view! {
                <tr>
                    <td>{date_of(e.at)}</td>
                    <td>{dyn_text(move || points_kind(locale.get(), kind).to_owned())}</td>
                    <td class="num">{Unit::Points.show(e.points.get())}</td>
                    <td class="num">{Unit::Points.show(e.balance_after.get())}</td>
                </tr>
            }
        })
        .collect_view();
    let coupons = p
        .coupons
        .iter()
        .map(|c| {
            let status = c.status;
            view! {
                <tr>
                    <td>{local(c.title.clone())}</td>
                    <td>{dyn_text(move || coupon_status(locale.get(), status).to_owned())}</td>
                    <td>{date_of(c.valid_until)}</td>
                </tr>
            }
        })
        .collect_view();
    let orders = p
        .orders
        .iter()
        .map(|o| {
            view! {
                <tr>
                    <td>{date_of(o.paid_at)}</td>
                    <td>{o.id.clone()}</td>
                    <td class="num">{Unit::Fen.show(o.payable_fen.get())}</td>
                    <td class="num">{Unit::Fen.show(o.refunded_fen.get())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="card member" data-testid="member-page" data-member=s.id.clone()>
            <div class="card__head">
                <h2 class="card__title" data-testid="member-name">{name}" "<span class="muted">{phone}</span></h2>
                <span class="badge" data-testid="member-tier">{tier}</span>
            </div>
            <dl class="member__facts">
                <dt>{t(Word::Balance)}</dt><dd data-testid="member-balance" data-value=move || balance.get()>{move || Unit::Points.show(balance.get())}</dd>
                <dt>{t(Word::Spend)}</dt><dd>{Unit::Fen.show(s.qualifying_spend_fen.get())}</dd>
                <dt>{t(Word::LifetimeSpend)}</dt><dd>{Unit::Fen.show(s.lifetime_spend_fen.get())}</dd>
                <dt>{t(Word::Joined)}</dt><dd>{date_of(p.joined_at)}</dd>
                <dt>{t(Word::JoinedStore)}</dt><dd>{p.joined_store.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t(Word::InvitedBy)}</dt><dd>{p.invited_by.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t(Word::Invited)}</dt><dd>{p.invited}</dd>
            </dl>
            {adjust}
        </article>
        <div class="console__tables">
            {history::tier_changes(&p)}
            {table(Word::Ledger, "member-ledger", &[Word::Date, Word::Kind, Word::Points, Word::Balance], ledger)}
            {table(Word::Coupons, "member-coupons", &[Word::Coupons, Word::Status, Word::To], coupons)}
            {table(Word::OrdersTitle, "member-orders", &[Word::Date, Word::Orders, Word::Sales, Word::Refunded], orders)}
            {history::audit(&p)}
        </div>
    }
}

/// A titled table: its column headings and its rows.
pub fn table(
    title: Word,
    testid: &'static str,
    heads: &[Word],
    rows: impl IntoView,
) -> impl IntoView {
    let heads = heads
        .iter()
        .map(|w| view! { <th scope="col">{t(*w)}</th> })
        .collect_view();
    view! {
        <div class="card table-scroll">
            <table class="table" data-testid=testid>
                <caption>{t(title)}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Shows what a write says, briefly (taken from the view: answers come without its
/// context).
pub fn toaster() -> impl Fn(Word) + Copy + 'static {
    let toast = expect_context::<Toast>();
    move |word| toast.show(super::words::now(word))
}
