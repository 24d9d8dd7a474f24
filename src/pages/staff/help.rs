//! Helping a member at the counter: look them up by their full phone number (the server
//! audits each lookup and limits how many), see what staff may see (masked phone,
//! nickname, tier and progress, points, coupons: no birthday, no orders), and grant a
//! coupon from the program's staff menu with a reason.

use std::sync::Arc;

use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};

use super::staff_error;
use crate::components::{Loader, Toast};
use crate::data::api::{self, MemberCard, WalletCoupon};
use crate::data::program::ScreensProgram;
use crate::i18n::*;
use crate::words::display::{last_day, member_name};
use crate::words::labels::fill;
use crate::words::text::{dyn_text, flag, lang, local, tr};

#[component]
pub fn HelpPanel(program: Arc<ScreensProgram>) -> impl IntoView {
    let loader = Loader::new();
    let phone = RwSignal::new(String::new());
    let found = RwSignal::new(None::<MemberCard>);
    let look_up = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        loader.error.set(None);
        found.set(None);
        let number = phone.get_untracked();
        loader.run(
            async move { api::staff_lookup(number.trim()).await },
            move |card| found.set(Some(card)),
        );
    };
    let card = move || {
        let program = program.clone();
        found
            .get()
            .map(|m| view! { <MemberPanel program member=m /> })
    };
    view! {
        <section class="card counter__help" data-testid="staff-help">
            <h2 class="card__title">{tr!(staff.help_title)}</h2>
            <form class="lookup" on:submit=look_up>
                <label class="field">
                    <span class="field__label">{tr!(staff.phone_label)}</span>
                    <input type="tel" class="input" inputmode="numeric" autocomplete="off" maxlength="20" data-testid="lookup-phone"
                        prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button button--primary" data-testid="lookup-submit" disabled=loader.busy>
                    {tr!(staff.look_up)}
                </button>
            </form>
            <p class="hint">{tr!(staff.lookup_hint)}</p>
            {staff_error("lookup-error", loader.error)}
            {card}
        </section>
    }
}

/// The member found, and the coupon grant.
#[component]
fn MemberPanel(program: Arc<ScreensProgram>, member: MemberCard) -> impl IntoView {
    let locale = lang();
    let tiers = &program.tiers;
    let tier = tiers.by_id(&member.tier).map(|t| t.name.clone());
    let next = member.next_tier.as_ref().and_then(|n| {
        let name = tiers.by_id(&n.tier)?.name.clone();
        let gap = format_yuan(n.gap_fen);
        Some(dyn_text(move || {
            let l = locale.get();
            fill(
                td_string!(l, staff.gap),
                &[("tier", name.get(l.as_str())), ("gap", &gap)],
            )
        }))
    });
    let spend = format_yuan(member.qualifying_spend_fen);
    let points = group_thousands(member.points_balance);
    // The coupons usable now; a grant adds its coupon from its answer (looking the member
    // up again would be audited and counted against the hourly limit).
    let coupons = RwSignal::new(member.coupons.clone());
    let list = move || {
        coupons
            .get()
            .into_iter()
            .map(|c| {
                view! {
                    <li data-testid="member-coupon" data-coupon=c.id.clone()>
                        {local(c.title.clone())}" · "{last_day(&c.valid_until)}
                    </li>
                }
            })
            .collect_view()
    };
    let no_coupons = move || coupons.with(Vec::is_empty);
    view! {
        <article class="member-found" data-testid="member-found" data-member=member.member_id.clone()>
            <p class="member-found__name">
                <strong data-testid="member-nickname">{
                    let (nickname, phone) = (member.nickname.clone().unwrap_or_default(), member.phone_masked.clone());
                    move || member_name(lang().get(), &nickname, phone.as_deref())
                }</strong>
                " "<span data-testid="member-phone">{member.phone_masked.clone()}</span>
            </p>
            <dl class="member-found__facts">
                <dt>{tr!(staff.tier)}</dt>
                <dd data-testid="member-tier" data-tier=member.tier.as_str().to_string()>{tier.map(local)}</dd>
                <dt>{tr!(staff.spend)}</dt>
                <dd>{spend}" "<span class="hint">{next}</span></dd>
                <dt>{tr!(staff.points)}</dt>
                <dd data-testid="member-points" data-value=member.points_balance.get()>{points}</dd>
            </dl>
            <h3 class="lot__label">{tr!(staff.coupons)}</h3>
            <ul class="member-found__coupons" data-testid="member-coupons">{list}</ul>
            <p class="hint" hidden=flag(move || !no_coupons())>{tr!(staff.no_coupons)}</p>
            <GrantForm program member_id=member.member_id.clone() coupons />
        </article>
    }
}

/// A coupon from the staff menu, with a reason. One idempotency key per grant, kept for
/// its retries and made anew once it succeeded; the coupon granted joins `coupons`, in
/// the wallet's order (what expires first first).
#[component]
fn GrantForm(
    program: Arc<ScreensProgram>,
    member_id: String,
    coupons: RwSignal<Vec<WalletCoupon>>,
) -> impl IntoView {
    let toast = expect_context::<Toast>();
    let locale = lang();
    let loader = Loader::new();
    let menu = program.staff_menu.clone();
    let grant = RwSignal::new(menu.first().map(|g| g.id.clone()).unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let key = StoredValue::new(api::idempotency_key());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        loader.error.set(None);
        let (member, grant_id, why) = (
            member_id.clone(),
            grant.get_untracked(),
            reason.get_untracked(),
        );
        let k = key.get_value();
        loader.run(
            async move { api::staff_grant(&member, &grant_id, why.trim(), &k).await },
            move |granted| {
                if let Some(coupon) = granted.coupon {
                    coupons.update(|list| {
                        list.retain(|c| c.id != coupon.id);
                        list.push(coupon);
                        contract::coupons::sort_wallet(list);
                    });
                }
                key.set_value(api::idempotency_key());
                reason.set(String::new());
                toast.show(td_string!(locale.get_untracked(), staff.granted).to_string());
            },
        );
    };
    let options = menu
        .into_iter()
        .map(|g| view! { <option value=g.id.clone()>{local(g.title)}</option> })
        .collect_view();
    view! {
        <form class="grant" data-testid="grant-form" on:submit=submit>
            <h3 class="lot__label">{tr!(staff.grant_title)}</h3>
            <select class="select" data-testid="grant-id" aria-label=tr!(staff.grant_title)
                on:change=move |ev| grant.set(event_target_value(&ev))>
                {options}
            </select>
            <input type="text" class="input" maxlength="200" data-testid="grant-reason" placeholder=tr!(staff.reason_placeholder)
                aria-label=tr!(staff.reason_placeholder)
                prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
            <button type="submit" class="button button--primary" data-testid="grant-submit" disabled=loader.busy>
                {tr!(staff.grant)}
            </button>
            {staff_error("grant-error", loader.error)}
        </form>
    }
}
