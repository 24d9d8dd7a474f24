use std::sync::Arc;

use leptos::prelude::*;
use rules::money::{format_yuan, group_thousands};
use rules::quote::{MemberDiscountKind, QuoteInput};
use rules::{Fen, Points, Quote};

use crate::program::HomeProgram;

use crate::display::rate;
use crate::i18n::*;
use crate::labels::{self, fill};
use crate::text::{dyn_text, flag, lang, tr};

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
/// order earns item by item, the tier after it and the new next-tier prompt.
///
/// Built once; a new quote only rewrites the texts and flags that changed (the preview
/// quotes on every keystroke, and rebuilding these few dozen nodes each time cost most
/// of a keystroke's frame on a slow phone). Hidden while there is no quote.
#[component]
pub fn QuoteSummary(program: Arc<HomeProgram>, priced: Signal<Option<Priced>>) -> impl IntoView {
    let locale = lang();
    // Texts and flags of the quote shown (empty or false while there is none).
    let text = move |f: fn(&Priced) -> String| {
        dyn_text(move || priced.with(|p| p.as_ref().map(f).unwrap_or_default()))
    };
    let when =
        move |f: fn(&Priced) -> bool| flag(move || priced.with(|p| p.as_ref().is_some_and(f)));
    let none = flag(move || priced.with(Option::is_none));
    let localized = move |f: fn(Locale, &Priced) -> String| {
        dyn_text(move || {
            let l = locale.get();
            priced.with(|p| p.as_ref().map(|p| f(l, p)).unwrap_or_default())
        })
    };

    let discount = localized(|l, p| match p.quote.member_discount.map(|d| d.kind) {
        Some(MemberDiscountKind::MemberDay) => td_string!(l, quote.member_day).to_string(),
        Some(MemberDiscountKind::BirthdayMonth) => td_string!(l, quote.birthday_month).to_string(),
        None => String::new(),
    });
    let coupon_kind = localized(|l, p| {
        let used = p.quote.coupon.as_ref().map(|c| &c.id);
        let wallet = &p.input.member.coupons;
        wallet
            .iter()
            .find(|w| Some(&w.id) == used)
            .map(|w| labels::coupon_kind(l, &w.kind))
            .unwrap_or_default()
    });
    let points_offset = localized(|l, p| {
        let points = group_thousands(p.quote.points_used);
        fill(td_string!(l, quote.points_offset), &[("points", &points)])
    });
    let shipping = localized(|l, p| {
        if p.shipping_waived() {
            td_string!(l, quote.shipping_waived).to_string()
        } else {
            format_yuan(p.quote.shipping_fen)
        }
    });
    let awarded = localized(|l, p| {
        let kind = p
            .quote
            .coupons_awarded
            .first()
            .map(|a| labels::coupon_kind(l, &a.kind));
        kind.map(|k| fill(td_string!(l, quote.awarded), &[("coupon", &k)]))
            .unwrap_or_default()
    });
    let tier_points = {
        let program = program.clone();
        dyn_text(move || {
            let held = priced.with(|p| p.as_ref().map(|p| p.input.member.tier.clone()));
            let tier = held.and_then(|id| program.tiers.by_id(&id));
            let rate = tier
                .map(|t| rate(t.points_rate_percent))
                .unwrap_or_default();
            fill(
                td_string!(locale.get(), quote.tier_points),
                &[("rate", &rate)],
            )
        })
    };
    let tier_after = {
        let program = program.clone();
        dyn_text(move || {
            let id = priced.with(|p| p.as_ref().map(|p| p.quote.tier_after.clone()));
            id.map(|id| match program.tiers.by_id(&id) {
                Some(t) => t.name.get(locale.get().as_str()).to_string(),
                None => id.to_string(),
            })
            .unwrap_or_default()
        })
    };
    let prompt = {
        let program = program.clone();
        dyn_text(move || {
            let next = priced.with(|p| p.as_ref().map(|p| p.quote.next_tier.clone()));
            match next {
                Some(Some(n)) => {
                    program
                        .prompts
                        .next_tier_text(&program.tiers, &n, locale.get().as_str())
                }
                Some(None) => td_string!(locale.get(), quote.top_tier).to_string(),
                None => String::new(),
            }
        })
    };
    let upgraded = {
        let program = program.clone();
        flag(move || priced.with(|p| p.as_ref().is_some_and(|p| p.upgrades(&program))))
    };
    let upgraded_not = flag(move || !upgraded.get());

    view! {
        <section class="card summary" aria-live="polite" hidden=none>
            <div class="payable">
                <span class="payable__label">{tr!(quote.payable)}</span>
                <strong class="payable__value" data-testid="quote-payable" data-value=text(|p| p.quote.payable_fen.get().to_string())>
                    {text(|p| format_yuan(p.quote.payable_fen))}
                </strong>
            </div>
            <dl class="rows">
                <div class="row"><dt>{tr!(quote.subtotal)}</dt><dd>{text(|p| format_yuan(p.quote.subtotal_fen))}</dd></div>
                <div class="row row--saving" hidden=when(|p| p.quote.member_discount.is_none())>
                    <dt>{discount}</dt>
                    <dd>{text(|p| minus(p.quote.member_discount.map_or(Fen::ZERO, |d| d.fen)))}</dd>
                </div>
                <div class="row row--saving" hidden=when(|p| p.quote.coupon.is_none())>
                    <dt>{tr!(quote.coupon)} <span class="row__note">{coupon_kind}</span></dt>
                    <dd>{text(|p| minus(p.quote.coupon.as_ref().map_or(Fen::ZERO, |c| c.saving_fen)))}</dd>
                </div>
                <div class="row row--saving" hidden=when(|p| !p.quote.points_used.is_positive())>
                    <dt>{points_offset}</dt>
                    <dd>{text(|p| minus(p.quote.points_offset_fen))}</dd>
                </div>
                <div class="row">
                    <dt>{tr!(quote.shipping)}</dt>
                    <dd class:muted=when(Priced::shipping_waived)>{shipping}</dd>
                </div>
            </dl>
        </section>
        <section class="card earn" hidden=none>
            <div class="earn__head">
                <span class="earn__label">{tr!(quote.points_title)}</span>
                <strong class="earn__total">"+"<span data-testid="quote-points-total" data-value=text(|p| p.quote.points.total.get().to_string())>
                    {text(|p| p.quote.points.total.get().to_string())}
                </span></strong>
            </div>
            <dl class="rows rows--small">
                <div class="row">
                    <dt>{tier_points}</dt>
                    <dd>{text(|p| plus(p.quote.points.tier_points))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.campaign_bonus == Points::ZERO)>
                    <dt>{tr!(quote.campaign_bonus)}</dt><dd>{text(|p| plus(p.quote.points.campaign_bonus))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.order_bonus == Points::ZERO)>
                    <dt>{tr!(quote.order_bonus)}</dt><dd>{text(|p| plus(p.quote.points.order_bonus))}</dd>
                </div>
                <div class="row" class:row--zero=when(|p| p.quote.points.milestone_bonus == Points::ZERO)>
                    <dt>{tr!(quote.milestone_bonus)}</dt><dd>{text(|p| plus(p.quote.points.milestone_bonus))}</dd>
                </div>
                <div class="row row--muted">
                    <dt>{tr!(quote.balance_after)}</dt><dd>{text(|p| group_thousands(p.quote.points_balance_after))}</dd>
                </div>
            </dl>
            <p class="award" hidden=when(|p| p.quote.coupons_awarded.is_empty())>{awarded}</p>
        </section>
        <section class="card after" class:after--up=upgraded hidden=none>
            <div class="after__head">
                <span class="after__label">{tr!(quote.tier_after)}</span>
                <strong class="after__tier" data-testid="quote-tier-after" data-value=text(|p| p.quote.tier_after.as_str().to_string())>
                    {tier_after}
                </strong>
                <span class="badge" hidden=upgraded_not>{tr!(quote.upgrade)}</span>
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
