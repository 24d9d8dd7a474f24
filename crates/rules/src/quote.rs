//! The quote (PROGRAM.md §3): an order's price, the points it earns and the tier after
//! it. The server charges orders by it and the browser previews with it, so both always
//! agree. Input and output match `vectors/quote.json` field for field.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::birthday::Birthday;
use crate::calendar::parse_instant;
use crate::calendar::TimeZone;
use crate::coupon::{best_coupon, Coupon, CouponKind, CouponProblem};
use crate::discount::MemberDiscountRules;
use crate::issuance::FirstOrderAward;
use crate::limits::Limits;
use crate::money::{percent_of, Fen};
use crate::points::PointsEarned;
use crate::points::PointsRules;
use crate::tier::{NextTier, TierId, Tiers};
use crate::units::Points;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// RFC 3339 with an offset; kept as text so that a missing offset is the quote's own
    /// `invalid_time` error rather than a parse failure of the whole body.
    pub now: String,
    pub member: MemberSnapshot,
    pub cart: Cart,
    pub options: QuoteOptions,
}

/// The member's state when the order is priced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSnapshot {
    /// The tier held before the order.
    pub tier: TierId,
    /// Trailing 365-day qualifying spend before the order.
    pub qualifying_spend_fen: Fen,
    pub lifetime_spend_fen: Fen,
    /// May be negative (a debt left by a refund).
    pub points_balance: Points,
    pub birthday: Option<Birthday>,
    pub first_order: bool,
    pub coupons: Vec<Coupon>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub shipping_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartLine {
    pub sku: String,
    pub category: String,
    pub unit_price_fen: Fen,
    pub qty: i64,
}

impl CartLine {
    pub fn total_fen(&self) -> Fen {
        self.unit_price_fen * self.qty
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteOptions {
    pub coupon: CouponChoice,
    pub points: PointsChoice,
}

/// `"auto"`, `"none"` or a coupon id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum CouponChoice {
    Auto,
    None,
    Id(String),
}

impl From<String> for CouponChoice {
    fn from(s: String) -> Self {
        match s.as_str() {
            "auto" => CouponChoice::Auto,
            "none" => CouponChoice::None,
            _ => CouponChoice::Id(s),
        }
    }
}

impl From<CouponChoice> for String {
    fn from(c: CouponChoice) -> String {
        match c {
            CouponChoice::Auto => "auto".into(),
            CouponChoice::None => "none".into(),
            CouponChoice::Id(id) => id,
        }
    }
}

/// `"max"` or a number of points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PointsChoice {
    Amount(Points),
    Keyword(PointsKeyword),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsKeyword {
    Max,
}

impl PointsChoice {
    pub const MAX: PointsChoice = PointsChoice::Keyword(PointsKeyword::Max);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub subtotal_fen: Fen,
    pub member_discount: Option<MemberDiscount>,
    pub after_discount_fen: Fen,
    pub coupon: Option<AppliedCoupon>,
    pub points_used: Points,
    pub points_offset_fen: Fen,
    pub shipping_fen: Fen,
    pub earn_base_fen: Fen,
    pub payable_fen: Fen,
    pub points: PointsEarned,
    pub points_balance_after: Points,
    pub qualifying_spend_after_fen: Fen,
    pub lifetime_spend_after_fen: Fen,
    pub tier_after: TierId,
    pub next_tier: Option<NextTier>,
    pub coupons_awarded: Vec<AwardedCoupon>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberDiscountKind {
    MemberDay,
    BirthdayMonth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDiscount {
    pub kind: MemberDiscountKind,
    pub fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCoupon {
    pub id: String,
    pub saving_fen: Fen,
}

/// A coupon the order earns; the server issues it with the program's validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardedCoupon {
    pub source: crate::coupon::CouponSource,
    pub kind: CouponKind,
}

/// Why a quote can't be given. Each has a stable snake_case code (see [`QuoteError::code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("invalid cart: {0}")]
    InvalidCart(&'static str),
    #[error("invalid member: {0}")]
    InvalidMember(&'static str),
    #[error("invalid options: {0}")]
    InvalidOptions(&'static str),
    #[error("`now` must be an RFC 3339 time with an offset, like 2026-03-10T10:00:00+08:00")]
    InvalidTime,
    #[error("no coupon with that id in the wallet")]
    CouponNotFound,
    #[error("the coupon has expired")]
    CouponExpired,
    #[error("the coupon is not valid yet")]
    CouponNotYetValid,
    #[error("the coupon is for a first order only")]
    CouponFirstOrderOnly,
    #[error("the order is {missing_fen} fen short of the coupon's threshold")]
    CouponBelowThreshold { missing_fen: Fen },
    #[error("points are used in whole steps of {step}")]
    PointsNotWholeStep { step: Points },
    #[error("not enough points: the balance is {balance}")]
    PointsExceedBalance { balance: Points },
    #[error("at most {cap} points can be used on this order")]
    PointsExceedCap { cap: Points },
}

impl QuoteError {
    /// The stable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            QuoteError::InvalidCart(_) => "invalid_cart",
            QuoteError::InvalidMember(_) => "invalid_member",
            QuoteError::InvalidOptions(_) => "invalid_options",
            QuoteError::InvalidTime => "invalid_time",
            QuoteError::CouponNotFound => "coupon_not_found",
            QuoteError::CouponExpired => "coupon_expired",
            QuoteError::CouponNotYetValid => "coupon_not_yet_valid",
            QuoteError::CouponFirstOrderOnly => "coupon_first_order_only",
            QuoteError::CouponBelowThreshold { .. } => "coupon_below_threshold",
            // The program's default step is 100 points; the code keeps PROGRAM.md's name.
            QuoteError::PointsNotWholeStep { .. } => "points_not_whole_100",
            QuoteError::PointsExceedBalance { .. } => "points_exceed_balance",
            QuoteError::PointsExceedCap { .. } => "points_exceed_cap",
        }
    }
}

impl From<CouponProblem> for QuoteError {
    fn from(p: CouponProblem) -> Self {
        match p {
            CouponProblem::NotYetValid => QuoteError::CouponNotYetValid,
            CouponProblem::Expired => QuoteError::CouponExpired,
            CouponProblem::FirstOrderOnly => QuoteError::CouponFirstOrderOnly,
            CouponProblem::BelowThreshold { missing_fen } => {
                QuoteError::CouponBelowThreshold { missing_fen }
            }
        }
    }
}

/// The parts of the program an order's price reads, wherever they are held: the server's
/// whole `Program` (`From<&Program>`) or the browser's projection of it
/// (`contract::program::ScreensProgram`).
#[derive(Debug, Clone, Copy)]
pub struct Pricing<'a> {
    pub time_zone: &'a TimeZone,
    pub limits: &'a Limits,
    pub tiers: &'a Tiers,
    pub member_discount: &'a MemberDiscountRules,
    pub points: &'a PointsRules,
    pub first_order_award: &'a FirstOrderAward,
}

/// Prices an order. Pure: the same program and input always give the same answer.
pub fn quote<'a>(pricing: impl Into<Pricing<'a>>, input: &QuoteInput) -> Result<Quote, QuoteError> {
    let pricing = &pricing.into();
    let now = parse_instant(&input.now).ok_or(QuoteError::InvalidTime)?;
    validate_cart(pricing, &input.cart)?;
    validate_member(pricing, &input.member)?;
    let member = &input.member;
    let tier = pricing
        .tiers
        .by_id(&member.tier)
        .ok_or(QuoteError::InvalidMember("unknown tier"))?;
    let today = pricing.time_zone.local_date(&now);

    let subtotal_fen: Fen = input.cart.lines.iter().map(CartLine::total_fen).sum();
    let member_discount = member_discount(pricing, input, today);
    let after_discount_fen = subtotal_fen - member_discount.map_or(Fen::ZERO, |d| d.fen);

    let coupon = match &input.options.coupon {
        CouponChoice::None => None,
        CouponChoice::Auto => best_coupon(
            &member.coupons,
            &now,
            member.first_order,
            after_discount_fen,
        ),
        CouponChoice::Id(id) => {
            let c = member
                .coupons
                .iter()
                .find(|c| &c.id == id)
                .ok_or(QuoteError::CouponNotFound)?;
            Some((c, c.check(&now, member.first_order, after_discount_fen)?))
        }
    };
    let coupon_saving = coupon.map_or(Fen::ZERO, |(_, s)| s);
    let after_coupon_fen = after_discount_fen - coupon_saving;

    let points_used = points_to_use(pricing, input, after_coupon_fen)?;
    let points_offset_fen = pricing.points.as_fen(points_used);
    let shipping_fen = if tier.free_shipping {
        Fen::ZERO
    } else {
        input.cart.shipping_fen
    };
    let earn_base_fen = after_coupon_fen - points_offset_fen;
    let points = pricing
        .points
        .for_order(tier, earn_base_fen, today, member.lifetime_spend_fen);

    let qualifying_spend_after_fen = member.qualifying_spend_fen + earn_base_fen;
    let tier_after = pricing
        .tiers
        .after(&member.tier, qualifying_spend_after_fen);
    let next_tier = pricing.tiers.next(&tier_after, qualifying_spend_after_fen);
    let award = &pricing.first_order_award;
    let coupons_awarded = if member.first_order && earn_base_fen >= award.min_earn_base_fen {
        vec![AwardedCoupon {
            source: crate::coupon::CouponSource::FirstOrder,
            kind: award.coupon.clone(),
        }]
    } else {
        vec![]
    };

    Ok(Quote {
        subtotal_fen,
        member_discount,
        after_discount_fen,
        coupon: coupon.map(|(c, saving_fen)| AppliedCoupon {
            id: c.id.clone(),
            saving_fen,
        }),
        points_used,
        points_offset_fen,
        shipping_fen,
        earn_base_fen,
        payable_fen: earn_base_fen + shipping_fen,
        points,
        points_balance_after: member.points_balance - points_used + points.total,
        qualifying_spend_after_fen,
        lifetime_spend_after_fen: member.lifetime_spend_fen + earn_base_fen,
        tier_after,
        next_tier,
        coupons_awarded,
    })
}

/// At most one member discount: the larger saving; on a tie, member day. None when
/// neither applies or neither saves anything.
fn member_discount(
    pricing: &Pricing,
    input: &QuoteInput,
    today: NaiveDate,
) -> Option<MemberDiscount> {
    let rules = &pricing.member_discount;
    let eligible_fen: Fen = input
        .cart
        .lines
        .iter()
        .filter(|l| !rules.excluded_categories.contains(&l.category))
        .map(CartLine::total_fen)
        .sum();
    let member_day = rules.is_member_day(today).then(|| MemberDiscount {
        kind: MemberDiscountKind::MemberDay,
        fen: percent_of(eligible_fen, rules.member_day.percent_off),
    });
    let birthday = input
        .member
        .birthday
        .filter(|b| b.month() == today.month())
        .and_then(|_| pricing.tiers.by_id(&input.member.tier))
        .map(|tier| MemberDiscount {
            kind: MemberDiscountKind::BirthdayMonth,
            fen: percent_of(eligible_fen, tier.birthday_month_discount_percent),
        });
    let best = match (member_day, birthday) {
        (Some(m), Some(b)) if b.fen > m.fen => Some(b),
        (Some(m), _) => Some(m),
        (None, b) => b,
    };
    best.filter(|d| d.fen.is_positive())
}

/// Points used as cash on what is left after discount and coupon.
fn points_to_use(
    pricing: &Pricing,
    input: &QuoteInput,
    amount_fen: Fen,
) -> Result<Points, QuoteError> {
    let step = pricing.points.as_cash.step_points;
    let balance = input.member.points_balance;
    let cap = pricing.points.cash_cap(amount_fen);
    match input.options.points {
        PointsChoice::Keyword(PointsKeyword::Max) => {
            Ok(cap.min(balance.max(Points::ZERO).round_down_to(step)))
        }
        PointsChoice::Amount(Points::ZERO) => Ok(Points::ZERO),
        PointsChoice::Amount(n) if n.is_negative() => {
            Err(QuoteError::InvalidOptions("points must not be negative"))
        }
        PointsChoice::Amount(n) if n.round_down_to(step) != n => {
            Err(QuoteError::PointsNotWholeStep { step })
        }
        PointsChoice::Amount(n) if n > balance => Err(QuoteError::PointsExceedBalance { balance }),
        PointsChoice::Amount(n) if n > cap => Err(QuoteError::PointsExceedCap { cap }),
        PointsChoice::Amount(n) => Ok(n),
    }
}

fn validate_cart(pricing: &Pricing, cart: &Cart) -> Result<(), QuoteError> {
    let limits = &pricing.limits;
    let bad = QuoteError::InvalidCart;
    if cart.lines.is_empty() {
        return Err(bad("the cart has no lines"));
    }
    if cart.lines.len() > limits.max_cart_lines {
        return Err(bad("too many lines"));
    }
    let mut subtotal = Fen::ZERO;
    for line in &cart.lines {
        if line.qty <= 0 || line.qty > limits.max_quantity {
            return Err(bad("a quantity is not between 1 and the limit"));
        }
        if line.unit_price_fen.is_negative() || line.unit_price_fen > limits.max_amount_fen {
            return Err(bad("a unit price is negative or over the limit"));
        }
        // Both factors are bounded above, so this product fits comfortably in i64.
        subtotal += line.total_fen();
        if subtotal > limits.max_amount_fen {
            return Err(bad("the subtotal is over the limit"));
        }
    }
    if cart.shipping_fen.is_negative() || cart.shipping_fen > limits.max_amount_fen {
        return Err(bad("the shipping fee is negative or over the limit"));
    }
    Ok(())
}

fn validate_member(pricing: &Pricing, member: &MemberSnapshot) -> Result<(), QuoteError> {
    let limits = &pricing.limits;
    let bad = QuoteError::InvalidMember;
    if pricing.tiers.by_id(&member.tier).is_none() {
        return Err(bad("unknown tier"));
    }
    let spend_ok = |fen: Fen| (Fen::ZERO..=limits.max_member_spend_fen).contains(&fen);
    if !spend_ok(member.qualifying_spend_fen) || !spend_ok(member.lifetime_spend_fen) {
        return Err(bad("a spend is negative or over the limit"));
    }
    if member.lifetime_spend_fen < member.qualifying_spend_fen {
        return Err(bad("lifetime spend is less than qualifying spend"));
    }
    if member.points_balance.unsigned_abs() > limits.max_points_balance.unsigned_abs() {
        return Err(bad("the points balance is over the limit"));
    }
    if member.coupons.len() > limits.max_coupons {
        return Err(bad("too many coupons"));
    }
    for (i, c) in member.coupons.iter().enumerate() {
        if c.kind.validate().is_err() || c.valid_until <= c.valid_from {
            return Err(bad("a coupon has an invalid amount or validity"));
        }
        let amounts_ok = match &c.kind {
            CouponKind::NoThreshold { off_fen } => *off_fen <= limits.max_amount_fen,
            CouponKind::Threshold {
                min_spend_fen,
                off_fen,
            } => *off_fen <= limits.max_amount_fen && *min_spend_fen <= limits.max_amount_fen,
            CouponKind::Percent { max_off_fen, .. } => {
                max_off_fen.is_none_or(|m| m <= limits.max_amount_fen)
            }
        };
        if !amounts_ok {
            return Err(bad("a coupon amount is over the limit"));
        }
        if member.coupons[..i].iter().any(|o| o.id == c.id) {
            return Err(bad("two coupons have the same id"));
        }
    }
    Ok(())
}
