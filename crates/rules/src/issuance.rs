//! Coupons issued by rule (PROGRAM.md §4): welcome and first-order at registration, the
//! monthly coupon for a tier and up on a day of the month, the birthday coupon on the
//! birthday, and the coupon a first order earns. What and when is decided here; storage
//! keys each issuance so it happens once.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::birthday::Birthday;
use crate::coupon::{CouponKind, CouponTemplate};
use crate::money::Fen;
use crate::text::Text;
use crate::tier::{TierId, Tiers};
use crate::validate::{ensure, ensure_day_of_month, ProgramError};

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

/// The coupon an order earns when it is the member's first and large enough (the quote
/// shows it; the server issues it with the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstOrderAward {
    /// The awarded coupon's title in the wallet.
    pub title: Text,
    pub min_earn_base_fen: Fen,
    pub coupon: CouponKind,
    pub valid_days: i64,
}

impl Issuance {
    /// Whether local date `date` is the monthly coupon's day (for the tiers that get it):
    /// the issuance's day and the calendar's.
    pub fn is_monthly_day(&self, date: NaiveDate) -> bool {
        date.day() == self.monthly.day_of_month
    }

    /// Whether a member of `tier` gets the monthly coupon on local date `date`.
    pub fn monthly_due(&self, tiers: &Tiers, tier: &TierId, date: NaiveDate) -> bool {
        self.is_monthly_day(date) && tiers.at_least(tier, &self.monthly.min_tier)
    }

    /// The next local date after `today` a member of `tier` gets the monthly coupon; none
    /// for a tier below the monthly's.
    pub fn next_monthly(
        &self,
        tiers: &Tiers,
        tier: &TierId,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        if !tiers.at_least(tier, &self.monthly.min_tier) {
            return None;
        }
        let day = self.monthly.day_of_month;
        let this_month = today.with_day(day)?;
        if this_month > today {
            return Some(this_month);
        }
        today
            .with_day(1)?
            .checked_add_months(chrono::Months::new(1))?
            .with_day(day)
    }

    pub(crate) fn validate(&self, tiers: &Tiers) -> Result<(), ProgramError> {
        self.validate_staff()?;
        for (name, template) in [
            ("welcome", &self.welcome.coupon),
            ("first_order", &self.first_order.coupon),
            ("monthly", &self.monthly.coupon),
            ("birthday", &self.birthday.coupon),
        ] {
            template
                .validate()
                .map_err(|e| e.within(&format!("{name}.coupon")))?;
        }
        ensure(
            tiers.by_id(&self.monthly.min_tier).is_some(),
            "monthly.min_tier",
            "must be a tier of the program",
        )?;
        ensure_day_of_month(self.monthly.day_of_month, "monthly.day_of_month")
    }

    fn validate_staff(&self) -> Result<(), ProgramError> {
        for (n, g) in self.staff.iter().enumerate() {
            let at = |f: &str| format!("staff[{n}].{f}");
            ensure(
                !g.id.is_empty() && !self.staff[..n].iter().any(|o| o.id == g.id),
                at("id"),
                "must be non-empty and unique",
            )?;
            g.coupon.validate().map_err(|e| e.within(&at("coupon")))?;
        }
        Ok(())
    }
}

impl FirstOrderAward {
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            !self.min_earn_base_fen.is_negative(),
            "min_earn_base_fen",
            "must not be negative",
        )?;
        ensure(self.valid_days > 0, "valid_days", "must be positive")?;
        self.coupon.validate().map_err(|e| e.within("coupon"))
    }
}

/// Whether `date` is the member's birthday for the birthday coupon. A Feb 29 birthday is
/// celebrated on Feb 28 in years without a Feb 29 (once a year, never skipped).
pub fn birthday_due(birthday: Birthday, date: NaiveDate) -> bool {
    let (month, day) = (birthday.month(), birthday.day());
    if (month, day) == (date.month(), date.day()) {
        return true;
    }
    let leap = NaiveDate::from_ymd_opt(date.year(), 2, 29).is_some();
    (month, day) == (2, 29) && !leap && (date.month(), date.day()) == (2, 28)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_monthly_coupon_comes_on_its_day_after_today_for_its_tiers() {
        let program = crate::Program::default_program();
        let (issuance, tiers) = (&program.coupon_issuance, &program.tiers);
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let silver = TierId::from("silver");
        let next = |today: &str| issuance.next_monthly(tiers, &silver, day(today));
        assert_eq!(next("2026-12-07"), Some(day("2027-01-01")));
        assert_eq!(
            next("2026-12-01"),
            Some(day("2027-01-01")),
            "today's is given"
        );
        assert_eq!(next("2026-11-30"), Some(day("2026-12-01")));
        assert_eq!(
            issuance.next_monthly(tiers, &TierId::from("regular"), day("2026-12-07")),
            None
        );
    }
    use crate::program::Program;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monthly_for_silver_and_up_on_the_first() {
        let p = Program::default_program();
        let first = date("2027-03-01");
        assert!(!p
            .coupon_issuance
            .monthly_due(&p.tiers, &TierId::from("regular"), first));
        assert!(p
            .coupon_issuance
            .monthly_due(&p.tiers, &TierId::from("silver"), first));
        assert!(p
            .coupon_issuance
            .monthly_due(&p.tiers, &TierId::from("diamond"), first));
        assert!(!p.coupon_issuance.monthly_due(
            &p.tiers,
            &TierId::from("gold"),
            date("2027-03-02")
        ));
        assert!(!p
            .coupon_issuance
            .monthly_due(&p.tiers, &TierId::from("unknown"), first));
    }

    #[test]
    fn feb_29_birthdays_on_feb_28_in_common_years() {
        let born = |text: &str| Birthday::born(date(text));
        let leapling = born("2000-02-29");
        assert!(birthday_due(leapling, date("2027-02-28")));
        assert!(!birthday_due(leapling, date("2027-03-01")));
        assert!(birthday_due(leapling, date("2028-02-29")));
        assert!(!birthday_due(leapling, date("2028-02-28")));
        let ordinary = born("1990-07-14");
        assert!(birthday_due(ordinary, date("2027-07-14")));
        assert!(!birthday_due(ordinary, date("2027-07-15")));
        // The year is not needed: the day comes round all the same.
        let yearless: Birthday = "--02-29".parse().unwrap();
        assert!(birthday_due(yearless, date("2027-02-28")));
        assert!(birthday_due(yearless, date("2028-02-29")));
    }
}
