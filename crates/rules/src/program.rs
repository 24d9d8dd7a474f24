//! The program definition: every number of the loyalty program is data, loaded from a
//! file (the default ships in `program/default.json`), validated, and served to the app.
//!
//! `Program` only gathers the settings: each lives beside its concept (tiers in `tier`,
//! points in `points`, …), which validates it and holds its rules. The concept modules
//! never look at `Program`, so the crate's modules import no circle.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::TimeZone;
use crate::discount::MemberDiscountRules;
use crate::events::Events;
use crate::invites::Invites;
use crate::issuance::{FirstOrderAward, Issuance};
use crate::limits::Limits;
use crate::mall::Mall;
use crate::membership::Membership;
use crate::points::PointsRules;
use crate::quote::Pricing;
use crate::tier::{Prompts, Tiers};
pub use crate::validate::ProgramError;
use crate::validate::{ensure, ProgramError as Invalid};

/// The program as shipped: `program/default.json`, embedded so the server and tests need
/// no file to start. An operator's edited copy is loaded with [`Program::from_json`].
pub const DEFAULT_PROGRAM_JSON: &str = include_str!("../program/default.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub version: String,
    pub time_zone: TimeZone,
    pub limits: Limits,
    /// In tier order, lowest first; thresholds strictly increase and the first is 0.
    pub tiers: Tiers,
    pub prompts: Prompts,
    pub member_discount: MemberDiscountRules,
    pub points: PointsRules,
    pub first_order_award: FirstOrderAward,
    pub membership: Membership,
    /// The points mall's catalog (PROGRAM.md §5).
    pub mall: Mall,
    /// Coupons issued by rule (PROGRAM.md §4), and the staff's menu.
    pub coupon_issuance: Issuance,
    pub invites: Invites,
    /// The event calendar's own settings (PROGRAM.md §6).
    pub events: Events,
    /// The operators' console's numbers: the points adjustment's limit, churn risk.
    pub console: crate::console::ConsoleRules,
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
            serde_json::from_str(json).map_err(|e| Invalid::new("program", e.to_string()))?;
        program.validate()?;
        Ok(program)
    }

    /// Every section validates itself; the error names the field from the program's root.
    pub fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            !self.version.trim().is_empty(),
            "version",
            "must not be empty",
        )?;
        let within = |name: &'static str| move |e: Invalid| e.within(name);
        self.time_zone.validate().map_err(within("time_zone"))?;
        self.limits.validate().map_err(within("limits"))?;
        self.tiers.validate().map_err(within("tiers"))?;
        self.points.validate().map_err(within("points"))?;
        self.console.validate().map_err(within("console"))?;
        self.mall
            .validate(&self.tiers, self.limits.max_points_balance)
            .map_err(within("mall"))?;
        self.coupon_issuance
            .validate(&self.tiers)
            .map_err(within("coupon_issuance"))?;
        self.invites.validate().map_err(within("invites"))?;
        self.events
            .validate(&self.tiers)
            .map_err(within("events"))?;
        self.member_discount
            .validate()
            .map_err(within("member_discount"))?;
        self.first_order_award
            .validate()
            .map_err(within("first_order_award"))?;
        self.membership.validate().map_err(within("membership"))?;
        self.prompts.validate().map_err(within("prompts"))
    }

    /// The program's time zone as a chrono offset.
    pub fn offset(&self) -> FixedOffset {
        self.time_zone.offset()
    }

    /// The parts an order's price reads.
    pub fn pricing(&self) -> Pricing<'_> {
        Pricing {
            time_zone: &self.time_zone,
            limits: &self.limits,
            tiers: &self.tiers,
            member_discount: &self.member_discount,
            points: &self.points,
            first_order_award: &self.first_order_award,
        }
    }

    /// Local 00:00 of a date in the program's time zone.
    pub fn local_midnight(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        self.time_zone.local_midnight(date)
    }

    /// The local date of an instant in the program's time zone.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        self.time_zone.local_date(instant)
    }
}

impl<'a> From<&'a Program> for Pricing<'a> {
    fn from(program: &'a Program) -> Pricing<'a> {
        program.pricing()
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
        assert_eq!(p.tiers[2].threshold_fen, crate::Fen(200000));
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
