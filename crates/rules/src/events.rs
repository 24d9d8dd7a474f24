//! The event calendar's own settings (PROGRAM.md §6): what the calendar calls each event,
//! the weekly flash sale, early access to new-product launches, and the launches.
//!
//! When member day, the points campaigns, the monthly coupon and the birthday come round
//! is not here: those events read the settings of the rules they announce (the member
//! discount, the points campaigns, coupon issuance, points expiry), so the calendar and
//! the quote cannot disagree. `occurrences` puts the two together.

use chrono::{DateTime, FixedOffset, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::tier::{TierId, Tiers};
use crate::validate::{ensure, ProgramError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Titles of the events whose dates other settings decide.
    pub titles: EventTitles,
    pub flash_sale: FlashSale,
    pub early_access: EarlyAccess,
    /// New-product launches, each with early access before it.
    pub launches: Vec<Launch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTitles {
    pub member_day: Text,
    pub monthly_coupon: Text,
    pub birthday: Text,
    pub birthday_month: Text,
    pub points_expiry: Text,
}

/// A sale every week on one weekday, from one local time to another the same day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlashSale {
    pub id: String,
    pub title: Text,
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Members of `min_tier` and up may buy a launch from `days_before` days before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyAccess {
    pub title: Text,
    pub days_before: i64,
    pub min_tier: TierId,
}

impl EarlyAccess {
    /// When early access to `launch` begins (for the tiers that have it).
    pub fn opens(&self, launch: &Launch) -> DateTime<FixedOffset> {
        launch.launch_at - chrono::Duration::days(self.days_before)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Launch {
    /// Stable: the shop names a launch by it, and calendar entries are keyed by it.
    pub id: String,
    pub name: Text,
    #[serde(deserialize_with = "crate::rfc3339::instant")]
    pub launch_at: DateTime<FixedOffset>,
}

impl Events {
    pub fn launch(&self, id: &str) -> Option<&Launch> {
        self.launches.iter().find(|l| l.id == id)
    }

    pub(crate) fn validate(&self, tiers: &Tiers) -> Result<(), ProgramError> {
        let sale = &self.flash_sale;
        ensure(
            sale.start < sale.end,
            "flash_sale.end",
            "must be after start, the same day",
        )?;
        ensure(
            !sale.id.trim().is_empty(),
            "flash_sale.id",
            "must not be empty",
        )?;
        let access = &self.early_access;
        ensure(
            (0..=365).contains(&access.days_before),
            "early_access.days_before",
            "must be 0 to 365",
        )?;
        ensure(
            tiers.rank(&access.min_tier).is_some(),
            "early_access.min_tier",
            "must be a tier of the program",
        )?;
        for (i, launch) in self.launches.iter().enumerate() {
            let ok = !launch.id.trim().is_empty()
                && launch
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            ensure(
                ok,
                format!("launches[{i}].id"),
                "must be letters, digits and dashes",
            )?;
            let unique = self.launches[..i].iter().all(|l| l.id != launch.id);
            ensure(unique, format!("launches[{i}].id"), "must be unique")?;
        }
        Ok(())
    }
}
