//! The program as the app reads it, in two parts: what the first screen shows
//! (`GET /api/program/home`, [`HomeProgram`]) and what the other screens read
//! (`GET /api/program/screens`, [`ScreensProgram`]). Both are projections of the whole
//! program (`GET /api/program`, `rules::Program`), which the app never reads: the mall's
//! catalog, the rule grants and the events come from their own endpoints, with the
//! member's state.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::calendar::TimeZone;
use rules::discount::MemberDiscountRules;
use rules::invites::Invites;
use rules::issuance::{FirstOrderAward, StaffGrant};
use rules::limits::Limits;
use rules::membership::Membership;
use rules::points::PointsRules;
use rules::tier::{Prompts, Tiers};
use rules::{Pricing, Program};
use serde::{Deserialize, Serialize};

/// The tiers, their prompts and the time zone, as in the whole program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeProgram {
    pub time_zone: TimeZone,
    /// In tier order, lowest first (validated by the server, which serves its program).
    pub tiers: Tiers,
    pub prompts: Prompts,
}

impl HomeProgram {
    pub fn of(program: &Program) -> HomeProgram {
        HomeProgram {
            time_zone: program.time_zone.clone(),
            tiers: program.tiers.clone(),
            prompts: program.prompts.clone(),
        }
    }

    /// The local date of an instant in the program's time zone.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        self.time_zone.local_date(instant)
    }
}

/// What the screens after home read: the quote's parts (the preview prices with them),
/// the check-in and points-as-cash rules, the invites, the privacy notice's version and
/// the staff's coupon menu; the home's part again, so a screen needs only this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreensProgram {
    pub version: String,
    pub time_zone: TimeZone,
    pub limits: Limits,
    pub tiers: Tiers,
    pub prompts: Prompts,
    pub member_discount: MemberDiscountRules,
    pub points: PointsRules,
    pub first_order_award: FirstOrderAward,
    pub membership: Membership,
    pub invites: Invites,
    /// `coupon_issuance.staff`: what staff may grant by hand.
    pub staff_menu: Vec<StaffGrant>,
}

impl ScreensProgram {
    pub fn of(program: &Program) -> ScreensProgram {
        ScreensProgram {
            version: program.version.clone(),
            time_zone: program.time_zone.clone(),
            limits: program.limits.clone(),
            tiers: program.tiers.clone(),
            prompts: program.prompts.clone(),
            member_discount: program.member_discount.clone(),
            points: program.points.clone(),
            first_order_award: program.first_order_award.clone(),
            membership: program.membership.clone(),
            invites: program.invites.clone(),
            staff_menu: program.coupon_issuance.staff.clone(),
        }
    }

    /// The program's time zone as a chrono offset.
    pub fn offset(&self) -> FixedOffset {
        self.time_zone.offset()
    }

    /// The local date of an instant in the program's time zone.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        self.time_zone.local_date(instant)
    }
}

/// The preview prices with the very parts the server's order does.
impl<'a> From<&'a ScreensProgram> for Pricing<'a> {
    fn from(program: &'a ScreensProgram) -> Pricing<'a> {
        Pricing {
            time_zone: &program.time_zone,
            limits: &program.limits,
            tiers: &program.tiers,
            member_discount: &program.member_discount,
            points: &program.points,
            first_order_award: &program.first_order_award,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The projection reads as the whole program's own fields (the app reads the home's
    /// part from either answer).
    #[test]
    fn the_home_part_reads_from_the_whole_program_too() {
        let program = Program::default_program();
        let home = HomeProgram::of(&program);
        let from_whole: HomeProgram =
            serde_json::from_str(&serde_json::to_string(&program).unwrap()).unwrap();
        assert_eq!(from_whole, home);
        let from_part: HomeProgram =
            serde_json::from_str(&serde_json::to_string(&home).unwrap()).unwrap();
        assert_eq!(from_part, home);
    }

    /// The screens' part, as the browser reads it off the wire, prices every worked
    /// example exactly as the server's whole program does.
    #[test]
    fn the_screens_part_prices_as_the_whole_program() {
        let program = Program::default_program();
        let wire = serde_json::to_string(&ScreensProgram::of(&program)).unwrap();
        let screens: ScreensProgram = serde_json::from_str(&wire).unwrap();
        assert_eq!(screens, ScreensProgram::of(&program));
        assert_eq!(screens.staff_menu, program.coupon_issuance.staff);
        let home: HomeProgram = serde_json::from_str(&wire).unwrap();
        assert_eq!(home, HomeProgram::of(&program));

        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../rules/tests/vectors/quote.json")).unwrap();
        let cases = vectors["cases"].as_array().unwrap();
        assert!(cases.len() >= 49);
        for case in cases {
            let Ok(input) = serde_json::from_value::<rules::QuoteInput>(case["input"].clone())
            else {
                continue;
            };
            assert_eq!(
                rules::quote(&screens, &input),
                rules::quote(&program, &input),
                "{}",
                case["name"]
            );
        }
    }
}
