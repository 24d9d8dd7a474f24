//! The member discount's settings (PROGRAM.md §3): member day, and the categories no member
//! discount applies to. The quote picks the larger of member day and the birthday month.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validate::{ensure_day_of_month, ensure_percent, ProgramError};

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

impl MemberDiscountRules {
    /// Whether local date `date` is member day (the quote's discount, the calendar's day).
    pub fn is_member_day(&self, date: NaiveDate) -> bool {
        date.day() == self.member_day.day_of_month
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure_day_of_month(self.member_day.day_of_month, "member_day.day_of_month")?;
        ensure_percent(self.member_day.percent_off, "member_day.percent_off")
    }
}
