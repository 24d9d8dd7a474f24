//! Local dates of the program's time zone. The clock is never read here: callers pass
//! "now" as an instant with an offset, and the rules look at its local date.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::validate::{ensure, ProgramError};

/// A day of the year without the year (for yearly campaigns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn of(date: NaiveDate) -> MonthDay {
        MonthDay {
            month: date.month(),
            day: date.day(),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        // 2024 is a leap year, so Feb 29 counts as a real day.
        ensure(
            NaiveDate::from_ymd_opt(2024, self.month, self.day).is_some(),
            "",
            "must be a real month and day",
        )
    }
}

/// The program's time zone as a fixed offset: calendar rules use local dates, and the
/// default zone (Asia/Shanghai) has no daylight saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeZone {
    pub name: String,
    pub utc_offset_minutes: i32,
}

impl TimeZone {
    /// The zone as a chrono offset.
    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60).expect("validated: within ±14 hours")
    }

    /// Local 00:00 of a date: where local days, years and evaluation dates begin.
    pub fn local_midnight(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        date.and_time(NaiveTime::MIN)
            .and_local_timezone(self.offset())
            .single()
            .expect("a fixed offset has exactly one local midnight")
    }

    /// The local date of an instant.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        instant.with_timezone(&self.offset()).date_naive()
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            self.utc_offset_minutes.unsigned_abs() <= 14 * 60,
            "utc_offset_minutes",
            "must be within ±14 hours",
        )
    }
}

/// Parses an RFC 3339 instant; one without an offset is refused (its local date is unknown).
pub fn parse_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}
