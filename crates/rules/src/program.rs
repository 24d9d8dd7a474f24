//! The program definition: every number of the loyalty program is data, loaded from a
//! file (the default ships in `program/default.json`), validated, and served to the app.

use serde::{Deserialize, Serialize};

use crate::calendar::MonthDay;
use crate::coupon::CouponKind;
use crate::invites::Invites;
use crate::issuance::Issuance;
use crate::mall::Mall;
use crate::money::Fen;
use crate::tier::{Tier, TierId};

/// The program as shipped: `program/default.json`, embedded so the server and tests need
/// no file to start. An operator's edited copy is loaded with [`Program::from_json`].
pub const DEFAULT_PROGRAM_JSON: &str = include_str!("../program/default.json");

/// Text in the two languages of the member center, Chinese first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// The text for a language tag (`zh…` or anything else, which falls back to English).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("zh") {
            &self.zh
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub version: String,
    pub time_zone: TimeZone,
    pub limits: Limits,
    /// In tier order, lowest first; thresholds strictly increase and the first is 0.
    pub tiers: Vec<Tier>,
    pub prompts: Prompts,
    pub member_discount: MemberDiscountRules,
    pub points: PointsRules,
    pub first_order_award: FirstOrderAward,
    pub membership: Membership,
    /// The points mall's catalog (PROGRAM.md §5).
    pub mall: Mall,
    /// Coupons issued by rule (PROGRAM.md §4).
    pub coupon_issuance: Issuance,
    pub invites: Invites,
}

/// Keeping a tier, and joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub downgrade: Downgrade,
    /// The version of the privacy notice a new member consents to at registration.
    pub privacy_notice_version: String,
}

/// The monthly downgrade evaluation (PROGRAM.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downgrade {
    /// Evaluations happen at local 00:00 on this day of every month.
    pub evaluation_day_of_month: u32,
    /// This many consecutive evaluations below the held tier's threshold drop it one tier.
    pub consecutive_below_evaluations: u32,
}

/// The program's time zone as a fixed offset: calendar rules use local dates, and the
/// default zone (Asia/Shanghai) has no daylight saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeZone {
    pub name: String,
    pub utc_offset_minutes: i32,
}

/// Bounds on a quote's input, so that bad or absurd input is refused instead of
/// overflowing: every product the quote computes stays inside `i64`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_cart_lines: usize,
    pub max_quantity: i64,
    /// Bound on a unit price, the shipping fee and the cart's subtotal.
    pub max_amount_fen: Fen,
    pub max_member_spend_fen: Fen,
    pub max_points_balance: i64,
    pub max_coupons: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompts {
    /// "¥X to the next tier", with `{tier}`, `{gap}` and `{perk}` placeholders.
    pub next_tier: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDiscountRules {
    pub member_day: MemberDay,
    /// Categories that get no member discount (生鲜, 特殊商品).
    pub excluded_categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDay {
    pub day_of_month: u32,
    pub percent_off: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRules {
    /// Fen of earn base per base point (100: 1 point per whole yuan).
    pub fen_per_point: Fen,
    pub campaigns: Vec<Campaign>,
    pub order_bonus: OrderBonus,
    /// Lifetime-spend milestones, increasing.
    pub milestones: Vec<Milestone>,
    pub checkin: Checkin,
    pub as_cash: PointsAsCash,
    pub expiry: Expiry,
}

/// A points campaign: from one local date to another (inclusive), every year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub name: Text,
    pub from: MonthDay,
    pub to: MonthDay,
    /// 200 = double points: the bonus is base × (rate − 100) / 100.
    pub rate_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBonus {
    pub min_earn_base_fen: Fen,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub lifetime_spend_fen: Fen,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    pub daily_points: i64,
    pub streak_days: u32,
    pub streak_bonus_points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsAsCash {
    /// 100 points = ¥1.
    pub points_per_yuan: i64,
    /// Points are used in whole steps of this many.
    pub step_points: i64,
    /// At most this percent of the amount left after member discount and coupon.
    pub max_percent_of_amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expiry {
    /// Points earned in year Y expire at the end of Y + this.
    pub years_after_earning_year: i32,
    /// The home screen warns about points expiring within this many days.
    pub warn_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstOrderAward {
    /// The awarded coupon's title in the wallet.
    pub title: Text,
    pub min_earn_base_fen: Fen,
    pub coupon: CouponKind,
    pub valid_days: i64,
}

/// Why a program definition was refused: the field, as a path, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid program: {field}: {message}")]
pub struct ProgramError {
    pub field: String,
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ProgramError {
    ProgramError {
        field: field.into(),
        message: message.into(),
    }
}

/// Checks `condition`, or fails naming `field`.
fn ensure(condition: bool, field: impl Into<String>, message: &str) -> Result<(), ProgramError> {
    if condition {
        Ok(())
    } else {
        Err(invalid(field, message))
    }
}

fn ensure_percent(value: i64, field: &str) -> Result<(), ProgramError> {
    ensure(
        (0..=100).contains(&value),
        field,
        "must be a percent from 0 to 100",
    )
}

impl Program {
    /// The default program shipped with the member center.
    pub fn default_program() -> Program {
        Program::from_json(DEFAULT_PROGRAM_JSON).expect("the shipped default program is valid")
    }

    /// Parses and validates a program definition. A JSON error names the line and column;
    /// a rule violation names the field.
    pub fn from_json(json: &str) -> Result<Program, ProgramError> {
        let program: Program =
            serde_json::from_str(json).map_err(|e| invalid("program", e.to_string()))?;
        program.validate()?;
        Ok(program)
    }

    pub fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            !self.version.trim().is_empty(),
            "version",
            "must not be empty",
        )?;
        ensure(
            self.time_zone.utc_offset_minutes.unsigned_abs() <= 14 * 60,
            "time_zone.utc_offset_minutes",
            "must be within ±14 hours",
        )?;
        self.validate_limits()?;
        self.validate_tiers()?;
        self.validate_points()?;
        self.validate_mall()
            .map_err(|(field, m)| invalid(field, m))?;
        self.validate_issuance()
            .map_err(|(field, m)| invalid(field, m))?;
        self.validate_invites()
            .map_err(|(field, m)| invalid(field, m))?;
        let md = &self.member_discount.member_day;
        ensure(
            (1..=28).contains(&md.day_of_month),
            "member_discount.member_day.day_of_month",
            "must be 1 to 28 so that every month has it",
        )?;
        ensure_percent(md.percent_off, "member_discount.member_day.percent_off")?;
        let award = &self.first_order_award;
        ensure(
            award.min_earn_base_fen >= 0,
            "first_order_award.min_earn_base_fen",
            "must not be negative",
        )?;
        ensure(
            award.valid_days > 0,
            "first_order_award.valid_days",
            "must be positive",
        )?;
        award
            .coupon
            .validate()
            .map_err(|m| invalid("first_order_award.coupon", m))?;
        let downgrade = &self.membership.downgrade;
        ensure(
            (1..=28).contains(&downgrade.evaluation_day_of_month),
            "membership.downgrade.evaluation_day_of_month",
            "must be 1 to 28 so that every month has it",
        )?;
        ensure(
            downgrade.consecutive_below_evaluations >= 1,
            "membership.downgrade.consecutive_below_evaluations",
            "must be at least 1",
        )?;
        ensure(
            !self.membership.privacy_notice_version.trim().is_empty(),
            "membership.privacy_notice_version",
            "must not be empty",
        )?;
        for (name, text) in [
            ("zh", &self.prompts.next_tier.zh),
            ("en", &self.prompts.next_tier.en),
        ] {
            ensure(
                text.contains("{tier}") && text.contains("{gap}"),
                format!("prompts.next_tier.{name}"),
                "must contain {tier} and {gap}",
            )?;
        }
        Ok(())
    }

    fn validate_limits(&self) -> Result<(), ProgramError> {
        let l = &self.limits;
        ensure(
            l.max_cart_lines > 0,
            "limits.max_cart_lines",
            "must be positive",
        )?;
        ensure(l.max_coupons > 0, "limits.max_coupons", "must be positive")?;
        ensure(
            l.max_quantity > 0,
            "limits.max_quantity",
            "must be positive",
        )?;
        // Bounds chosen so that amount × 100 (a percent) × lines cannot overflow i64.
        ensure(
            l.max_amount_fen > 0 && l.max_amount_fen <= 1_000_000_000_000,
            "limits.max_amount_fen",
            "must be from 1 to 10^12",
        )?;
        ensure(
            l.max_member_spend_fen > 0 && l.max_member_spend_fen <= 1_000_000_000_000_000,
            "limits.max_member_spend_fen",
            "must be from 1 to 10^15",
        )?;
        ensure(
            l.max_points_balance > 0 && l.max_points_balance <= 1_000_000_000_000_000,
            "limits.max_points_balance",
            "must be from 1 to 10^15",
        )
    }

    fn validate_tiers(&self) -> Result<(), ProgramError> {
        ensure(
            !self.tiers.is_empty(),
            "tiers",
            "must list at least one tier",
        )?;
        for (i, tier) in self.tiers.iter().enumerate() {
            let at = |f: &str| format!("tiers[{i}].{f}");
            ensure(
                !tier.id.as_str().is_empty()
                    && tier.id.as_str().chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    }),
                at("id"),
                "must be lowercase letters, digits, '-' or '_'",
            )?;
            ensure(
                !self.tiers[..i].iter().any(|t| t.id == tier.id),
                at("id"),
                "is used by another tier",
            )?;
            if i == 0 {
                ensure(
                    tier.threshold_fen == 0,
                    at("threshold_fen"),
                    "the first tier's must be 0",
                )?;
            } else {
                ensure(
                    tier.threshold_fen > self.tiers[i - 1].threshold_fen,
                    at("threshold_fen"),
                    "must be greater than the tier below's",
                )?;
            }
            ensure(
                (0..=1000).contains(&tier.points_rate_percent),
                at("points_rate_percent"),
                "must be from 0 to 1000",
            )?;
            ensure_percent(
                tier.birthday_month_discount_percent,
                &at("birthday_month_discount_percent"),
            )?;
            ensure(
                tier.color.len() == 7
                    && tier.color.starts_with('#')
                    && tier.color[1..].chars().all(|c| c.is_ascii_hexdigit()),
                at("color"),
                "must be a colour like #c8972b",
            )?;
        }
        Ok(())
    }

    fn validate_points(&self) -> Result<(), ProgramError> {
        let p = &self.points;
        ensure(
            p.fen_per_point > 0,
            "points.fen_per_point",
            "must be positive",
        )?;
        for (i, c) in p.campaigns.iter().enumerate() {
            let at = |f: &str| format!("points.campaigns[{i}].{f}");
            c.from.validate().map_err(|m| invalid(at("from"), m))?;
            c.to.validate().map_err(|m| invalid(at("to"), m))?;
            ensure(
                c.from <= c.to,
                at("to"),
                "must not be before `from` (same year)",
            )?;
            ensure(
                (100..=1000).contains(&c.rate_percent),
                at("rate_percent"),
                "must be from 100 to 1000",
            )?;
        }
        ensure(
            p.order_bonus.min_earn_base_fen >= 0 && p.order_bonus.points >= 0,
            "points.order_bonus",
            "must not be negative",
        )?;
        for (i, m) in p.milestones.iter().enumerate() {
            let at = format!("points.milestones[{i}]");
            ensure(
                m.points >= 0,
                format!("{at}.points"),
                "must not be negative",
            )?;
            let above_previous = match i {
                0 => m.lifetime_spend_fen > 0,
                _ => m.lifetime_spend_fen > p.milestones[i - 1].lifetime_spend_fen,
            };
            ensure(
                above_previous,
                format!("{at}.lifetime_spend_fen"),
                "must be positive and increase",
            )?;
        }
        let cash = &p.as_cash;
        ensure(
            cash.points_per_yuan > 0,
            "points.as_cash.points_per_yuan",
            "must be positive",
        )?;
        ensure(
            cash.step_points > 0 && cash.step_points % cash.points_per_yuan == 0,
            "points.as_cash.step_points",
            "must be a positive multiple of points_per_yuan (whole yuan per step)",
        )?;
        ensure_percent(
            cash.max_percent_of_amount,
            "points.as_cash.max_percent_of_amount",
        )?;
        ensure(
            p.checkin.daily_points >= 0 && p.checkin.streak_bonus_points >= 0,
            "points.checkin",
            "points must not be negative",
        )?;
        ensure(
            p.checkin.streak_days > 0,
            "points.checkin.streak_days",
            "must be positive",
        )?;
        ensure(
            p.expiry.years_after_earning_year >= 0,
            "points.expiry.years_after_earning_year",
            "must not be negative",
        )?;
        ensure(
            p.expiry.warn_days > 0,
            "points.expiry.warn_days",
            "must be positive",
        )
    }

    /// The tier with this id.
    pub fn tier(&self, id: &TierId) -> Option<&Tier> {
        self.tiers.iter().find(|t| &t.id == id)
    }

    /// The rank of a tier in tier order (0 = lowest), or none for an unknown id.
    pub fn tier_rank(&self, id: &TierId) -> Option<usize> {
        self.tiers.iter().position(|t| &t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Program, ProgramError> {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT_PROGRAM_JSON).unwrap();
        edit(&mut v);
        Program::from_json(&v.to_string())
    }

    #[test]
    fn default_program_is_valid() {
        let p = Program::default_program();
        assert_eq!(p.tiers.len(), 4);
        assert_eq!(p.tiers[2].threshold_fen, 200000);
    }

    #[test]
    fn decreasing_threshold_names_the_field() {
        let err = with(|v| v["tiers"][2]["threshold_fen"] = 100.into()).unwrap_err();
        assert_eq!(err.field, "tiers[2].threshold_fen");
        assert!(err.to_string().contains("tiers[2].threshold_fen"));
    }

    #[test]
    fn bad_values_are_refused_by_field() {
        // (the field the error must name, the JSON pointer to break, the bad value)
        let cases = [
            ("tiers[0].threshold_fen", "/tiers/0/threshold_fen", json!(5)),
            ("tiers[1].id", "/tiers/1/id", json!("regular")),
            ("tiers[3].color", "/tiers/3/color", json!("blue")),
            (
                "tiers[1].birthday_month_discount_percent",
                "/tiers/1/birthday_month_discount_percent",
                json!(101),
            ),
            (
                "member_discount.member_day.day_of_month",
                "/member_discount/member_day/day_of_month",
                json!(31),
            ),
            (
                "points.campaigns[0].from",
                "/points/campaigns/0/from/month",
                json!(13),
            ),
            (
                "points.milestones[1].lifetime_spend_fen",
                "/points/milestones/1/lifetime_spend_fen",
                json!(1),
            ),
            (
                "points.as_cash.step_points",
                "/points/as_cash/step_points",
                json!(150),
            ),
            (
                "prompts.next_tier.en",
                "/prompts/next_tier/en",
                json!("next tier"),
            ),
            ("tiers", "/tiers", json!([])),
        ];
        for (field, pointer, value) in cases {
            let err = with(|v| *v.pointer_mut(pointer).expect(pointer) = value).expect_err(field);
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn unknown_or_missing_fields_are_refused() {
        let err = with(|v| v["surprise"] = 1.into()).unwrap_err();
        assert!(err.message.contains("surprise"), "{err}");
        let err = with(|v| {
            v["points"].as_object_mut().unwrap().remove("checkin");
        })
        .unwrap_err();
        assert!(err.message.contains("checkin"), "{err}");
    }
}
