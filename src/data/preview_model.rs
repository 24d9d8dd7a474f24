//! The preview's editor state ("what if I spend ¥X") and how it becomes a quote: plain
//! code with native tests. The quote itself is `rules::quote`, the very function the
//! server charges orders with.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use leptos::prelude::*;
use rules::money::{parse_yuan, Fen};
use rules::quote::{
    Cart, CartLine, CouponChoice, MemberSnapshot, PointsChoice, QuoteInput, QuoteOptions,
};
use rules::{Points, Quote, QuoteError};
use serde::{Deserialize, Serialize};

use crate::data::api::ErrorCode;
use crate::data::program::ScreensProgram;
use crate::platform::storage;

/// The categories the editor offers (ids as the program names them; `fresh` and
/// `special` get no member discount in the default program).
pub const CATEGORIES: [&str; 6] = [
    "apparel",
    "electronics",
    "home",
    "beauty",
    "fresh",
    "special",
];

/// One extra cart line as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDraft {
    /// Stable key for the list, never reused.
    pub key: u32,
    pub category: String,
    pub price: String,
    pub qty: String,
}

impl LineDraft {
    pub fn new(key: u32) -> LineDraft {
        LineDraft {
            key,
            category: CATEGORIES[0].into(),
            price: String::new(),
            qty: "1".into(),
        }
    }
}

/// Everything the shopper typed or chose on the preview screen; kept in the tab's
/// sessionStorage as JSON so a reload keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The main amount ("what if I spend ¥X"): one line of quantity 1.
    pub amount: String,
    pub category: String,
    pub lines: Vec<LineDraft>,
    pub shipping: String,
    pub coupon: CouponChoice,
    pub use_points: bool,
}

impl Default for Draft {
    fn default() -> Draft {
        Draft {
            amount: String::new(),
            category: CATEGORIES[0].into(),
            lines: Vec::new(),
            shipping: String::new(),
            coupon: CouponChoice::Auto,
            use_points: false,
        }
    }
}

/// Keeps the preview's draft in the tab (sessionStorage) while a screen that edits it
/// is shown: restores the saved draft into an untouched one (after a page load), then
/// saves it shortly after each burst of changes (not within the keystroke). Called by those screens, not at start: the JSON writer then
/// lives in their wasm modules, not in the first screen's.
pub fn keep_in_tab(draft: RwSignal<Draft>) {
    if draft.with_untracked(|d| *d == Draft::default()) {
        if let Some(saved) = storage::preview().and_then(|j| serde_json::from_str(&j).ok()) {
            draft.set(saved);
        }
    }
    crate::platform::idle::after_changes(
        move || draft.track(),
        move || {
            if let Ok(json) = draft.with_untracked(serde_json::to_string) {
                storage::set_preview(&json);
            }
        },
    );
}

/// What is wrong with the typed text (positions of extra lines are 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftProblem {
    /// Nothing typed yet: no amount and no extra line.
    Empty,
    Amount,
    LinePrice(usize),
    LineQty(usize),
    Shipping,
}

/// The preview's answer for the current draft.
#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    Invalid(DraftProblem),
    Quoted(Box<QuoteInput>, Box<Quote>),
    /// The rules refused the input: the server's error code for the same refusal.
    Refused(Box<QuoteInput>, ErrorCode),
    /// The coupon chosen can't be used on this cart (below its threshold, expired…): the
    /// price without it, and why, so that the member sees both what they would pay and
    /// what the coupon still needs.
    WithoutCoupon(Box<QuoteInput>, Box<Quote>, QuoteError),
}

impl Preview {
    pub fn input(&self) -> Option<&QuoteInput> {
        match self {
            Preview::Quoted(input, _)
            | Preview::Refused(input, _)
            | Preview::WithoutCoupon(input, _, _) => Some(input),
            Preview::Invalid(_) => None,
        }
    }
}

/// "Now" as RFC 3339 in the program's time zone, to the second: `2026-03-10T10:00:00+08:00`.
pub fn now_rfc3339(utc: DateTime<Utc>, offset: FixedOffset) -> String {
    utc.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn parse_qty(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|q| *q > 0)
}

fn parse_optional_yuan(text: &str) -> Option<Fen> {
    if text.trim().is_empty() {
        Some(Fen::ZERO)
    } else {
        parse_yuan(text)
    }
}

/// Builds the quote input from the draft, for this member at `now` (RFC 3339).
pub fn build_input(
    draft: &Draft,
    member: &MemberSnapshot,
    now: String,
) -> Result<QuoteInput, DraftProblem> {
    let mut lines = Vec::with_capacity(draft.lines.len() + 1);
    if !draft.amount.trim().is_empty() {
        let price = parse_yuan(&draft.amount).ok_or(DraftProblem::Amount)?;
        lines.push(CartLine {
            sku: "preview-1".into(),
            category: draft.category.clone(),
            unit_price_fen: price,
            qty: 1,
        });
    }
    for (i, line) in draft.lines.iter().enumerate() {
        // A line just added, with no price typed yet, is not an item yet: no error, and
        // the result stays shown.
        if line.price.trim().is_empty() {
            continue;
        }
        let position = i + 1;
        let price = parse_yuan(&line.price).ok_or(DraftProblem::LinePrice(position))?;
        let qty = parse_qty(&line.qty).ok_or(DraftProblem::LineQty(position))?;
        lines.push(CartLine {
            sku: format!("preview-{}", position + 1),
            category: line.category.clone(),
            unit_price_fen: price,
            qty,
        });
    }
    if lines.is_empty() {
        return Err(DraftProblem::Empty);
    }
    let shipping_fen = parse_optional_yuan(&draft.shipping).ok_or(DraftProblem::Shipping)?;
    Ok(QuoteInput {
        now,
        member: member.clone(),
        cart: Cart {
            lines,
            shipping_fen,
        },
        options: QuoteOptions {
            coupon: draft.coupon.clone(),
            points: if draft.use_points {
                PointsChoice::MAX
            } else {
                PointsChoice::Amount(Points::ZERO)
            },
        },
    })
}

/// The preview for the draft: the same `rules::quote` as the server's.
pub fn preview(
    program: &ScreensProgram,
    draft: &Draft,
    member: &MemberSnapshot,
    now: String,
) -> Preview {
    match build_input(draft, member, now) {
        Err(problem) => Preview::Invalid(problem),
        Ok(input) => match rules::quote(program, &input) {
            Ok(quote) => Preview::Quoted(Box::new(input), Box::new(quote)),
            Err(err) => match without_coupon(program, &input, &err) {
                Some(quote) => Preview::WithoutCoupon(Box::new(input), Box::new(quote), err),
                None => Preview::Refused(Box::new(input), ErrorCode::of_quote(&err)),
            },
        },
    }
}

/// The quote without the coupon the member chose, when that coupon is what was refused.
fn without_coupon(program: &ScreensProgram, input: &QuoteInput, err: &QuoteError) -> Option<Quote> {
    let coupon_refused = matches!(
        err,
        QuoteError::CouponNotFound
            | QuoteError::CouponExpired
            | QuoteError::CouponNotYetValid
            | QuoteError::CouponFirstOrderOnly
            | QuoteError::CouponBelowThreshold { .. }
    );
    if !coupon_refused || !matches!(input.options.coupon, CouponChoice::Id(_)) {
        return None;
    }
    let mut without = input.clone();
    without.options.coupon = CouponChoice::None;
    rules::quote(program, &without).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const NOW: &str = "2026-03-10T10:00:00+08:00";

    fn silver() -> MemberSnapshot {
        MemberSnapshot {
            tier: "silver".into(),
            qualifying_spend_fen: rules::Fen(187655),
            lifetime_spend_fen: rules::Fen(187655),
            points_balance: rules::Points(2000),
            birthday: None,
            first_order: false,
            coupons: vec![],
        }
    }

    fn draft(amount: &str) -> Draft {
        Draft {
            amount: amount.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_chosen_coupon_below_its_threshold_gives_the_price_without_it_and_the_gap() {
        let program = ScreensProgram::of(&rules::Program::default_program());
        let mut member = silver();
        member.coupons.push(rules::Coupon {
            id: "m".into(),
            kind: rules::CouponKind::Threshold {
                min_spend_fen: rules::Fen(10_000),
                off_fen: rules::Fen(1_500),
            },
            valid_from: DateTime::parse_from_rfc3339("2026-03-01T00:00:00+08:00").unwrap(),
            valid_until: DateTime::parse_from_rfc3339("2026-04-01T00:00:00+08:00").unwrap(),
            first_order_only: false,
        });
        let mut d = draft("63");
        d.coupon = CouponChoice::Id("m".into());
        match preview(&program, &d, &member, NOW.into()) {
            Preview::WithoutCoupon(input, quote, why) => {
                assert_eq!(input.options.coupon, CouponChoice::Id("m".into()));
                assert!(quote.coupon.is_none());
                assert_eq!(quote.subtotal_fen, rules::Fen(6_300));
                assert_eq!(
                    why,
                    QuoteError::CouponBelowThreshold {
                        missing_fen: rules::Fen(10_000) - quote.after_discount_fen
                    }
                );
            }
            other => panic!("expected the price without the coupon, got {other:?}"),
        }
    }

    #[test]
    fn now_is_local_to_the_program() {
        let utc = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(now_rfc3339(utc, shanghai), NOW);
        // Late evening UTC is already the next local day.
        let utc = Utc.with_ymd_and_hms(2026, 3, 14, 17, 30, 5).unwrap();
        assert_eq!(now_rfc3339(utc, shanghai), "2026-03-15T01:30:05+08:00");
        let zero = FixedOffset::east_opt(0).unwrap();
        assert_eq!(now_rfc3339(utc, zero), "2026-03-14T17:30:05+00:00");
        assert!(rules::calendar::parse_instant(&now_rfc3339(utc, zero)).is_some());
    }

    #[test]
    fn amount_becomes_one_line() {
        let input = build_input(&draft("1234.56"), &silver(), NOW.into()).unwrap();
        assert_eq!(input.now, NOW);
        assert_eq!(input.member, silver());
        assert_eq!(input.cart.lines.len(), 1);
        assert_eq!(input.cart.lines[0].unit_price_fen, rules::Fen(123456));
        assert_eq!(input.cart.lines[0].qty, 1);
        assert_eq!(input.cart.lines[0].category, "apparel");
        assert_eq!(input.cart.shipping_fen, rules::Fen(0));
        assert_eq!(input.options.coupon, CouponChoice::Auto);
        assert_eq!(input.options.points, PointsChoice::Amount(Points::ZERO));
    }

    #[test]
    fn typed_text_problems_are_named() {
        let m = silver();
        let problem = |d: &Draft| build_input(d, &m, NOW.into()).unwrap_err();
        assert_eq!(problem(&draft("")), DraftProblem::Empty);
        assert_eq!(problem(&draft("   ")), DraftProblem::Empty);
        for bad in ["12.345", "-5", "abc", "1e3", "¥", "."] {
            assert_eq!(problem(&draft(bad)), DraftProblem::Amount, "{bad}");
        }
        let mut d = draft("10");
        d.lines = vec![LineDraft::new(7), LineDraft::new(9)];
        d.lines[0].price = "5".into();
        // A line just added, its price not typed yet, is no item and no error.
        let input = build_input(&d, &m, NOW.into()).unwrap();
        assert_eq!(input.cart.lines.len(), 2);
        d.lines[1].price = "abc".into();
        assert_eq!(problem(&d), DraftProblem::LinePrice(2));
        d.lines[1].price = "5".into();
        d.lines[1].qty = "0".into();
        assert_eq!(problem(&d), DraftProblem::LineQty(2));
        d.lines[1].qty = "1.5".into();
        assert_eq!(problem(&d), DraftProblem::LineQty(2));
        d.lines[1].qty = "2".into();
        d.shipping = "x".into();
        assert_eq!(problem(&d), DraftProblem::Shipping);
        d.shipping = "8".into();
        let input = build_input(&d, &m, NOW.into()).unwrap();
        let total: Fen = input.cart.lines.iter().map(|l| l.total_fen()).sum();
        assert_eq!(total, rules::Fen(1000 + 500 + 1000));
        assert_eq!(input.cart.shipping_fen, rules::Fen(800));
        let skus: Vec<_> = input.cart.lines.iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(skus, ["preview-1", "preview-2", "preview-3"]);
    }

    #[test]
    fn extra_lines_alone_are_a_cart() {
        let mut d = draft("");
        d.lines = vec![LineDraft::new(1)];
        d.lines[0].price = "99.5".into();
        d.lines[0].qty = "3".into();
        d.lines[0].category = "fresh".into();
        let input = build_input(&d, &silver(), NOW.into()).unwrap();
        assert_eq!(input.cart.lines.len(), 1);
        assert_eq!(input.cart.lines[0].total_fen(), rules::Fen(29850));
        assert_eq!(input.cart.lines[0].category, "fresh");
    }

    #[test]
    fn preview_is_the_rules_quote() {
        let program = ScreensProgram::of(&rules::Program::default_program());
        let mut d = draft("123.45");
        d.use_points = true;
        let p = preview(&program, &d, &silver(), NOW.into());
        let Preview::Quoted(input, quote) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(**quote, rules::quote(&program, input).unwrap());
        assert_eq!(input.options.points, PointsChoice::MAX);
        // Silver, ¥123.45 reaches exactly gold's ¥2,000 unless points pay part of it.
        assert_eq!(quote.subtotal_fen, rules::Fen(12345));
        assert!(quote.points_used.is_positive());
        assert_eq!(p.input(), Some(&**input));
    }

    #[test]
    fn refusals_keep_the_code() {
        let program = ScreensProgram::of(&rules::Program::default_program());
        let mut d = draft("100");
        d.coupon = CouponChoice::Id("nope".into());
        let p = preview(&program, &d, &silver(), NOW.into());
        // A coupon the wallet no longer has: the price without it, and why.
        assert!(
            matches!(p, Preview::WithoutCoupon(_, _, QuoteError::CouponNotFound)),
            "{p:?}"
        );
        let p = preview(
            &program,
            &draft("100"),
            &silver(),
            "2026-03-10T10:00:00".into(),
        );
        assert!(
            matches!(p, Preview::Refused(_, ErrorCode::InvalidTime)),
            "{p:?}"
        );
        let p = preview(&program, &draft("99999999999"), &silver(), NOW.into());
        assert!(
            matches!(p, Preview::Refused(_, ErrorCode::InvalidCart)),
            "{p:?}"
        );
        let p = preview(&program, &draft("x"), &silver(), NOW.into());
        assert_eq!(p, Preview::Invalid(DraftProblem::Amount));
        assert_eq!(p.input(), None);
    }
}
