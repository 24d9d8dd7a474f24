//! Coupons issued by rule (PROGRAM.md §4): welcome and first-order at registration, the
//! monthly coupon for a tier and up on a day of the month, the birthday coupon on the
//! birthday. What and when is decided here; storage keys each issuance so it happens once.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::mall::CouponTemplate;
use crate::program::{Program, Text};
use crate::tier::TierId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuance {
    pub welcome: Grant,
    pub first_order: Grant,
    pub monthly: MonthlyGrant,
    pub birthday: Grant,
    /// What staff may grant by hand (each grant audited): a menu, so that every amount
    /// stays program data.
    pub staff: Vec<StaffGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffGrant {
    pub id: String,
    pub title: Text,
    pub coupon: CouponTemplate,
}

/// A coupon given by a rule: its title in the wallet and the coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub title: Text,
    pub coupon: CouponTemplate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyGrant {
    pub title: Text,
    pub coupon: CouponTemplate,
    /// This tier and the ones above get it.
    pub min_tier: TierId,
    /// Issued on this local day of every month (1 to 28, so every month has it).
    pub day_of_month: u32,
}

impl Program {
    /// Whether a member of `tier` gets the monthly coupon on local date `date`.
    pub fn monthly_coupon_due(&self, tier: &TierId, date: NaiveDate) -> bool {
        let m = &self.coupon_issuance.monthly;
        let held = self.tier_rank(tier);
        date.day() == m.day_of_month && held.is_some() && held >= self.tier_rank(&m.min_tier)
    }

    /// Whether `date` is the member's birthday for the birthday coupon. A Feb 29 birthday
    /// is celebrated on Feb 28 in years without a Feb 29 (once a year, never skipped).
    pub fn birthday_coupon_due(&self, birthday: NaiveDate, date: NaiveDate) -> bool {
        let (month, day) = (birthday.month(), birthday.day());
        if (month, day) == (date.month(), date.day()) {
            return true;
        }
        let leap = NaiveDate::from_ymd_opt(date.year(), 2, 29).is_some();
        (month, day) == (2, 29) && !leap && (date.month(), date.day()) == (2, 28)
    }

    pub(crate) fn validate_issuance(&self) -> Result<(), (String, &'static str)> {
        let i = &self.coupon_issuance;
        for (name, template) in [
            ("welcome", &i.welcome.coupon),
            ("first_order", &i.first_order.coupon),
            ("monthly", &i.monthly.coupon),
            ("birthday", &i.birthday.coupon),
        ] {
            let at = |f: &str| format!("coupon_issuance.{name}.coupon.{f}");
            template.kind.validate().map_err(|m| (at("kind"), m))?;
            if template.valid_days <= 0 {
                return Err((at("valid_days"), "must be positive"));
            }
        }
        for (n, g) in i.staff.iter().enumerate() {
            let at = |f: &str| format!("coupon_issuance.staff[{n}].{f}");
            if g.id.is_empty() || i.staff[..n].iter().any(|o| o.id == g.id) {
                return Err((at("id"), "must be non-empty and unique"));
            }
            g.coupon
                .kind
                .validate()
                .map_err(|m| (at("coupon.kind"), m))?;
            if g.coupon.valid_days <= 0 {
                return Err((at("coupon.valid_days"), "must be positive"));
            }
        }
        if self.tier(&i.monthly.min_tier).is_none() {
            return Err((
                "coupon_issuance.monthly.min_tier".into(),
                "must be a tier of the program",
            ));
        }
        if !(1..=28).contains(&i.monthly.day_of_month) {
            return Err((
                "coupon_issuance.monthly.day_of_month".into(),
                "must be 1 to 28 so that every month has it",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monthly_for_silver_and_up_on_the_first() {
        let p = Program::default_program();
        let first = date("2027-03-01");
        assert!(!p.monthly_coupon_due(&TierId::from("regular"), first));
        assert!(p.monthly_coupon_due(&TierId::from("silver"), first));
        assert!(p.monthly_coupon_due(&TierId::from("diamond"), first));
        assert!(!p.monthly_coupon_due(&TierId::from("gold"), date("2027-03-02")));
        assert!(!p.monthly_coupon_due(&TierId::from("unknown"), first));
    }

    #[test]
    fn feb_29_birthdays_on_feb_28_in_common_years() {
        let p = Program::default_program();
        let leapling = date("2000-02-29");
        assert!(p.birthday_coupon_due(leapling, date("2027-02-28")));
        assert!(!p.birthday_coupon_due(leapling, date("2027-03-01")));
        assert!(p.birthday_coupon_due(leapling, date("2028-02-29")));
        assert!(!p.birthday_coupon_due(leapling, date("2028-02-28")));
        let ordinary = date("1990-07-14");
        assert!(p.birthday_coupon_due(ordinary, date("2027-07-14")));
        assert!(!p.birthday_coupon_due(ordinary, date("2027-07-15")));
    }
}
