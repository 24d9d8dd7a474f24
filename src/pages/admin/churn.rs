//! Churn risk: members who bought before but not in the program's last N days, the most
//! valuable first, filtered by tier and store, as CSV; and (admins) a coupon of the staff
//! menu granted to the whole list, in the background, with its progress.

use leptos::prelude::*;

use super::format::Unit;
use super::members::table;
use super::members::tier_name;
use super::words::{t, Word};
use super::{console, csv_download, error_notice};
use crate::components::Loader;
use crate::data::console::{self as console_api, ChurnMember, StoreInfo};
use crate::words::display::date_of;
use crate::words::text::local;

mod grant;

/// The list's filters: a tier's id and a store's code, empty for all.
#[derive(Clone, Copy)]
pub struct Filters {
    pub tier: RwSignal<String>,
    pub store: RwSignal<String>,
}

#[component]
pub fn ChurnPart() -> impl IntoView {
    let console = console();
    let filters = Filters {
        tier: RwSignal::new(String::new()),
        store: RwSignal::new(String::new()),
    };
    let loader = Loader::new();
    let members = RwSignal::new(Vec::<ChurnMember>::new());
    let next = RwSignal::new(None::<String>);
    let cutoff = RwSignal::new(String::new());
    let stores = RwSignal::new(Vec::<StoreInfo>::new());
    Loader::sharing(loader.error).run(console_api::stores(), move |s| stores.set(s.stores));
    let query = move |after: &str| {
        console_api::churn_query(
            &filters.tier.get_untracked(),
            &filters.store.get_untracked(),
            after,
        )
    };
    let load = move |after: Option<String>| {
        let q = query(after.as_deref().unwrap_or_default());
        let more = after.is_some();
        loader.run(async move { console_api::churn(&q).await }, move |page| {
            cutoff.set(date_of(page.cutoff));
            members.update(|list| {
                if !more {
                    list.clear();
                }
                list.extend(page.members);
            });
            next.set(page.next_after);
        });
    };
    load(None);
    let csv = csv_download(
        move || format!("/admin/churn.csv{}", query("")),
        "churn.csv",
    );
    let tiers = console.program.with_value(|p| {
        p.tiers
            .iter()
            .map(|tier| view! { <option value=tier.id.as_str().to_owned()>{local(tier.name.clone())}</option> })
            .collect_view()
    });
    let store_options = move || {
        stores
            .get()
            .into_iter()
            .map(|s| view! { <option value=s.code.clone()>{s.name.clone()}" ("{s.code.clone()}")"</option> })
            .collect_view()
    };
    let rows = move || {
        members
            .get()
            .into_iter()
            .map(|m| {
                let id = m.id.clone();
                view! {
                    <tr data-testid="churn-row">
                        <td><button type="button" class="link" on:click=move |_| console.open_member(id.clone())>
                            {if m.nickname.is_empty() { m.phone_masked.clone() } else { m.nickname.clone() }}
                        </button></td>
                        <td>{tier_name(&m.tier)}</td>
                        <td>{m.store.clone().unwrap_or_default()}</td>
                        <td class="num">{Unit::Fen.show(m.lifetime_spend_fen.get())}</td>
                        <td>{date_of(m.last_order_at)}</td>
                        <td class="num">{Unit::Points.show(m.points_balance.get())}</td>
                        <td class="num">{Unit::Points.show(m.points_expiring.get())}</td>
                        <td class="num">{m.coupons_expiring}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let grant = console
        .can_change
        .then(|| view! { <grant::GrantToList filters /> });
    view! {
        <section class="console__part" data-testid="churn">
            <p class="hint">{t(Word::ChurnHint)}" "<span data-testid="churn-cutoff">{cutoff}</span></p>
            <form class="console__filters card" on:submit=move |ev| { ev.prevent_default(); load(None) }>
                <label class="field">{t(Word::Tier)}
                    <select class="select" data-testid="churn-tier" on:change=move |ev| filters.tier.set(event_target_value(&ev))>
                        <option value="">{t(Word::AllTiers)}</option>{tiers}
                    </select></label>
                <label class="field">{t(Word::Store)}
                    <select class="select" data-testid="churn-store" on:change=move |ev| filters.store.set(event_target_value(&ev))>
                        <option value="">{t(Word::AllStores)}</option>{store_options}
                    </select></label>
                <button type="submit" class="button button--primary" data-testid="churn-apply">{t(Word::Apply)}</button>
                <button type="button" class="button button--ghost" data-testid="churn-csv" on:click=csv>{t(Word::DownloadCsv)}</button>
            </form>
            {error_notice(loader.error, "churn-error")}
            {grant}
            {table(Word::ChurnTitle, "churn-table", &[Word::MemberTitle, Word::Tier, Word::Store, Word::LifetimeSpend,
                Word::LastOrder, Word::Points, Word::Expiring, Word::CouponsExpiring], rows)}
            <button type="button" class="button button--ghost" data-testid="churn-more"
                hidden=move || next.with(Option::is_none) disabled=loader.busy
                on:click=move |_| load(next.get_untracked())>{t(Word::LoadMore)}</button>
        </section>
    }
}
