use std::sync::Arc;

use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};
use rules::quote::{MemberDiscountKind, QuoteInput};
use rules::{Fen, Points, Quote};

use crate::data::program::HomeProgram;

use crate::i18n::*;
use crate::words::display::rate;
use crate::words::labels::{self, fill};
use crate::words::text::lang;

/// A quote and the input it was computed from.
#[derive(Clone, PartialEq)]
pub struct Priced {
    pub input: QuoteInput,
    pub quote: Quote,
}

impl Priced {
    /// The tier the order moves the member up to, if it does.
    fn upgrades(&self, program: &HomeProgram) -> bool {
        program.tiers.rank(&self.quote.tier_after) > program.tiers.rank(&self.input.member.tier)
    }

    /// "Free for your tier" only when the tier waived a fee; no fee is just ¥0.00.
    fn shipping_waived(&self) -> bool {
        self.quote.shipping_fen == Fen::ZERO && self.input.cart.shipping_fen.is_positive()
    }
}

/// The quote as the shopper reads it: savings, the payable amount (big), the points the
/// order earns item by item, the tier after it and the new next-tier prompt. Hidden while
/// there is no quote.
///
/// One render effect for the whole area: a new quote (or language) rebuilds this view in
/// place, which writes only the texts, attributes and classes that changed (the preview
/// quotes on every keystroke). Rebuilding its nodes anew each time cost most of a
/// keystroke's frame on a slow phone; a reactive binding per text (35 render effects,
/// each subscribed to the quote) then cost about 6 ms of a keystroke at 4x CPU in the
/// reactive graph's bookkeeping (subscribing, notifying), though about 9 wrote anything.
///
/// `rehearsal`, while there is no quote: a sample quote laid out but not seen (the
/// preview's `rehearse`), so that the first keystroke's is not the area's first layout.
#[component]
pub fn QuoteSummary(
    program: Arc<HomeProgram>,
    priced: Signal<Option<Priced>>,
    rehearsal: Signal<Option<Priced>>,
) -> impl IntoView {
    let locale = lang();
    move || {
        let l = locale.get();
        match priced.with(Option::is_some) {
            true => priced.with(|p| summary(l, &program, p.as_ref(), false)),
            false => rehearsal.with(|p| summary(l, &program, p.as_ref(), p.is_some())),
        }
    }
}

/// The area for one quote (or none: then hidden, its texts empty), in plain values;
/// `rehearsed`: laid out, out of the flow, not seen (`.rehearsal`).
fn summary(l: Locale, program: &HomeProgram, p: Option<&Priced>, rehearsed: bool) -> impl IntoView {
    let text = |f: &dyn Fn(&Priced) -> String| p.map(f).unwrap_or_default();
    let when = |f: fn(&Priced) -> bool| p.is_some_and(f);
    let none = p.is_none();

    let discount = text(&|p| match p.quote.member_discount.map(|d| d.kind) {
        Some(MemberDiscountKind::MemberDay) => td_string!(l, quote.member_day).to_string(),
        Some(MemberDiscountKind::BirthdayMonth) => td_string!(l, quote.birthday_month).to_string(),
        None => String::new(),
    });
    let coupon_kind = text(&|p| {
        let used = p.quote.coupon.as_ref().map(|c| &c.id);
        let wallet = &p.input.member.coupons;
        wallet
            .iter()
            .find(|w| Some(&w.id) == used)
            .map(|w| labels::coupon_kind(l, &w.kind))
            .unwrap_or_default()
    });
    let points_offset = text(&|p| {
        let points = group_thousands(p.quote.points_used);
        fill(td_string!(l, quote.points_offset), &[("points", &points)])
    });
    let shipping = text(&|p| {
        if p.shipping_waived() {
            td_string!(l, quote.shipping_waived).to_string()
        } else {
            format_yuan(p.quote.shipping_fen)
        }
    });
    let awarded = text(&|p| {
        let kind = p
            .quote
            .coupons_awarded
            .first()
            .map(|a| labels::coupon_kind(l, &a.kind));
        kind.map(|k| fill(td_string!(l, quote.awarded), &[("coupon", &k)]))
            .unwrap_or_default()
    });
    let held_tier = p.and_then(|p| program.tiers.by_id(&p.input.member.tier));
    let tier_points = fill(
        td_string!(l, quote.tier_points),
        &[(
            "rate",
            &held_tier
                .map(|t| rate(t.points_rate_percent))
                .unwrap_or_default(),
        )],
    );
    let tier_after = text(&|p| match program.tiers.by_id(&p.quote.tier_after) {
        Some(t) => t.name.get(l.as_str()).to_string(),
        None => p.quote.tier_after.to_string(),
    });
    let prompt = text(&|p| match &p.quote.next_tier {
        Some(n) => program
            .prompts
            .next_tier_text(&program.tiers, n, l.as_str()),
        None => td_string!(l, quote.top_tier).to_string(),
    });
    let upgraded = p.is_some_and(|p| p.upgrades(program));

    view! {
        <section class="card summary" class:rehearsal=rehearsed aria-live="polite" hidden=none>
            <div class="payable">
                <span class="payable__label">{td_string!(l, quote.payable)}</span>
                <strong class="payable__value" data-testid="quote-payable" data-value=text(&|p| p.quote.payable_fen.get().to_string())>
                    {text(&|p| format_yuan(p.quote.payable_fen))}
                </strong>
            </div>
            <dl class="rows">
                <div class="row"><dt>{td_string!(l, quote.subtotal)}</dt><dd>{text(&|p| format_yuan(p.quote.subtotal_fen))}</dd></div>
                <div class="row row--saving" hidden=when(|p| p.quote.member_discount.is_none())>
                    <dt>{discount}</dt>
                    <dd>{text(&|p| minus(p.quote.member_discount.map_or(Fen::ZERO, |d| d.fen)))}</dd>
                </div>
                <div class="row row--saving" hidden=when(|p| p.quote.coupon.is_none())>
                    <dt>{td_string!(l, quote.coupon)} <span class="row__note">{coupon_kind}</span></dt>
                    <dd>{text(&|p| minus(p.quote.coupon.as_ref().map_or(Fen::ZERO, |c| c.saving_fen)))}</dd>
                </div>
                <div class="row row--saving" hidden=when(|p| !p.quote.points_used.is_positive())>
                    <dt>{points_offset}</dt>
                    <dd>{text(&|p| minus(p.quote.points_offset_fen))}</dd>
                </div>
                <div class="row">
                    <dt>{td_string!(l, quote.shipping)}</dt>
                    <dd class:muted=when(Priced::shipping_waived)>{shipping}</dd>
                </div>
            </dl>
        </section>
        <section class="card earn" class:rehearsal=rehearsed hidden=none>
            <div class="earn__head">
                <span class="earn__label">{td_string!(l, quote.points_title)}</span>
                <strong class="earn__total">"+"<span data-testid="quote-points-total" data-value=text(&|p| p.quote.points.total.get().to_string())>
                    {text(&|p| p.quote.points.total.get().to_string())}
                </span></strong>
            </div>
            <dl class="rows rows--small">
                <div class="row">
                    <dt>{tier_points}</dt>
                    <dd>{text(&|p| plus(p.quote.points.tier_points))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.campaign_bonus == Points::ZERO)>
                    <dt>{td_string!(l, quote.campaign_bonus)}</dt><dd>{text(&|p| plus(p.quote.points.campaign_bonus))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.order_bonus == Points::ZERO)>
                    <dt>{td_string!(l, quote.order_bonus)}</dt><dd>{text(&|p| plus(p.quote.points.order_bonus))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.milestone_bonus == Points::ZERO)>
                    <dt>{td_string!(l, quote.milestone_bonus)}</dt><dd>{text(&|p| plus(p.quote.points.milestone_bonus))}</dd>
                </div>
                <div class="row row--muted">
                    <dt>{td_string!(l, quote.balance_after)}</dt><dd>{text(&|p| group_thousands(p.quote.points_balance_after))}</dd>
                </div>
            </dl>
            <p class="award" hidden=when(|p| p.quote.coupons_awarded.is_empty())>{awarded}</p>
        </section>
        <section class="card after" class:after--up=upgraded class:rehearsal=rehearsed hidden=none>
            <div class="after__head">
                <span class="after__label">{td_string!(l, quote.tier_after)}</span>
                <strong class="after__tier" data-testid="quote-tier-after" data-value=text(&|p| p.quote.tier_after.as_str().to_string())>
                    {tier_after}
                </strong>
                <span class="badge" hidden=!upgraded>{td_string!(l, quote.upgrade)}</span>
            </div>
            <p class="prompt" data-testid="quote-next-tier-prompt">{prompt}</p>
        </section>
    }
}

fn minus(fen: Fen) -> String {
    format!("-{}", format_yuan(fen))
}

fn plus(points: Points) -> String {
    format!("+{}", group_thousands(points))
}
