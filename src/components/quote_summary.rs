use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::money::format_yuan;
use rules::quote::MemberDiscountKind;
use rules::quote::QuoteInput;
use rules::Text;
use rules::{Fen, Points, Program, Quote};

use crate::display::rate;
use crate::i18n::*;
use crate::labels::{self, fill};
use crate::text::{lang, local, tr};
use rules::money::group_thousands;

/// The quote as the shopper reads it: savings, the payable amount (big), the points the
/// order earns item by item, the tier after it and the new next-tier prompt.
#[component]
pub fn QuoteSummary(program: Arc<Program>, input: QuoteInput, quote: Quote) -> impl IntoView {
    let held = input.member.tier.clone();
    let locale = lang();
    let q = quote;
    let minus = |fen: Fen| format!("-{}", format_yuan(fen));
    let rate_text = program
        .tiers
        .by_id(&held)
        .map(|t| rate(t.points_rate_percent))
        .unwrap_or_default();
    let upgraded = program.tiers.rank(&q.tier_after) > program.tiers.rank(&held);
    let tier_after = program.tiers.by_id(&q.tier_after).map_or_else(
        || Text {
            zh: q.tier_after.to_string(),
            en: q.tier_after.to_string(),
        },
        |t| t.name.clone(),
    );
    let discount = q.member_discount.map(|d| {
        let label = match d.kind {
            MemberDiscountKind::MemberDay => tr!(quote.member_day),
            MemberDiscountKind::BirthdayMonth => tr!(quote.birthday_month),
        };
        view! { <div class="row row--saving"><dt>{label}</dt><dd>{minus(d.fen)}</dd></div> }
    });
    let coupon = q.coupon.clone().map(|c| {
        let kind = input
            .member
            .coupons
            .iter()
            .find(|w| w.id == c.id)
            .map(|w| w.kind.clone());
        let what = move || {
            kind.as_ref()
                .map(|k| labels::coupon_kind(locale.get(), k))
                .unwrap_or_default()
        };
        view! {
            <div class="row row--saving">
                <dt>{tr!(quote.coupon)} <span class="row__note">{what}</span></dt>
                <dd>{minus(c.saving_fen)}</dd>
            </div>
        }
    });
    let points_used = q.points_used;
    let points = points_used.is_positive().then(|| {
        view! {
            <div class="row row--saving">
                <dt>{move || fill(td_string!(locale.get(), quote.points_offset), &[("points", &group_thousands(points_used))])}</dt>
                <dd>{minus(q.points_offset_fen)}</dd>
            </div>
        }
    });
    // "Free for your tier" only when the tier waived a fee; no fee is just ¥0.00.
    let shipping = if q.shipping_fen == Fen::ZERO && input.cart.shipping_fen.is_positive() {
        Either::Left(view! { <dd class="muted">{tr!(quote.shipping_waived)}</dd> })
    } else {
        Either::Right(view! { <dd>{format_yuan(q.shipping_fen)}</dd> })
    };
    let p = q.points;
    let plus = |value: Points| format!("+{}", group_thousands(value));
    let awarded = q.coupons_awarded.first().map(|a| {
        let kind = a.kind.clone();
        view! {
            <p class="award">{move || fill(td_string!(locale.get(), quote.awarded), &[("coupon", &labels::coupon_kind(locale.get(), &kind))])}</p>
        }
    });
    let next = q.next_tier.clone();
    let prompt = {
        let program = program.clone();
        move || match &next {
            Some(n) => program
                .prompts
                .next_tier_text(&program.tiers, n, locale.get().as_str()),
            None => td_string!(locale.get(), quote.top_tier).to_string(),
        }
    };
    view! {
        <section class="card summary" aria-live="polite">
            <div class="payable">
                <span class="payable__label">{tr!(quote.payable)}</span>
                <strong class="payable__value" data-testid="quote-payable" data-value=q.payable_fen.get()>
                    {format_yuan(q.payable_fen)}
                </strong>
            </div>
            <dl class="rows">
                <div class="row"><dt>{tr!(quote.subtotal)}</dt><dd>{format_yuan(q.subtotal_fen)}</dd></div>
                {discount}
                {coupon}
                {points}
                <div class="row"><dt>{tr!(quote.shipping)}</dt>{shipping}</div>
            </dl>
        </section>
        <section class="card earn">
            <div class="earn__head">
                <span class="earn__label">{tr!(quote.points_title)}</span>
                <strong class="earn__total">"+"<span data-testid="quote-points-total" data-value=p.total.get()>{p.total.get()}</span></strong>
            </div>
            <dl class="rows rows--small">
                <div class="row">
                    <dt>{move || fill(td_string!(locale.get(), quote.tier_points), &[("rate", &rate_text)])}</dt>
                    <dd>{plus(p.tier_points)}</dd>
                </div>
                <div class="row" class:row--zero=p.campaign_bonus == Points::ZERO>
                    <dt>{tr!(quote.campaign_bonus)}</dt><dd>{plus(p.campaign_bonus)}</dd>
                </div>
                <div class="row" class:row--zero=p.order_bonus == Points::ZERO>
                    <dt>{tr!(quote.order_bonus)}</dt><dd>{plus(p.order_bonus)}</dd>
                </div>
                <div class="row" class:row--zero=p.milestone_bonus == Points::ZERO>
                    <dt>{tr!(quote.milestone_bonus)}</dt><dd>{plus(p.milestone_bonus)}</dd>
                </div>
                <div class="row row--muted"><dt>{tr!(quote.balance_after)}</dt><dd>{group_thousands(q.points_balance_after)}</dd></div>
            </dl>
            {awarded}
        </section>
        <section class="card after" class:after--up=upgraded>
            <div class="after__head">
                <span class="after__label">{tr!(quote.tier_after)}</span>
                <strong class="after__tier" data-testid="quote-tier-after" data-value=q.tier_after.as_str().to_string()>
                    {local(tier_after)}
                </strong>
                {upgraded.then(|| view! { <span class="badge">{tr!(quote.upgrade)}</span> })}
            </div>
            <p class="prompt" data-testid="quote-next-tier-prompt">{prompt}</p>
        </section>
    }
}
