//! A member's birthday: a month and a day, and the year only when the member gave it. The
//! program uses the month (the birthday month's discount, its calendar days) and the day
//! (the birthday coupon); the year is the member's to give or not.
//!
//! On the wire and in storage it is ISO 8601's text: `1990-07-14`, or `--07-14` without
//! the year. Read without chrono's parser, so the browser reads it in a few bytes.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A month and day (Feb 29 included), with the year when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Birthday {
    year: Option<i32>,
    month: u32,
    day: u32,
}

/// Text that is not a birthday: not `YYYY-MM-DD` or `--MM-DD`, or no such day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a birthday is written 1990-07-14, or --07-14 without the year")]
pub struct BirthdayError;

impl Birthday {
    /// The birthday on `month`/`day`, of `year` when given; `None` for a day that does not
    /// exist (Feb 29 of a common year, Apr 31). Without a year, Feb 29 exists.
    pub fn new(year: Option<i32>, month: u32, day: u32) -> Option<Birthday> {
        // A leap year stands in for an unknown one, so Feb 29 is a day.
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
        Some(Birthday { year, month, day })
    }

    /// The birthday of someone born on `date`.
    pub fn born(date: NaiveDate) -> Birthday {
        Birthday {
            year: Some(date.year()),
            month: date.month(),
            day: date.day(),
        }
    }

    pub fn year(self) -> Option<i32> {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    /// The date of birth, when the year is known.
    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }
}

impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(year) => write!(f, "{year:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

impl FromStr for Birthday {
    type Err = BirthdayError;

    fn from_str(s: &str) -> Result<Birthday, BirthdayError> {
        let digits = |part: &str| -> Result<u32, BirthdayError> {
            match part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()) {
                true => part.parse().map_err(|_| BirthdayError),
                false => Err(BirthdayError),
            }
        };
        let (year, rest) = match s.strip_prefix("--") {
            Some(rest) => (None, rest),
            None => {
                let (year, rest) = s.split_once('-').ok_or(BirthdayError)?;
                if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(BirthdayError);
                }
                (Some(year.parse().map_err(|_| BirthdayError)?), rest)
            }
        };
        let (month, day) = rest.split_once('-').ok_or(BirthdayError)?;
        Birthday::new(year, digits(month)?, digits(day)?).ok_or(BirthdayError)
    }
}

impl Serialize for Birthday {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Birthday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Birthday, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_the_year() {
        for text in [
            "1990-07-14",
            "--07-14",
            "--02-29",
            "2000-02-29",
            "0999-01-01",
        ] {
            let b: Birthday = text.parse().unwrap();
            assert_eq!(b.to_string(), text);
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(serde_json::from_str::<Birthday>(&json).unwrap(), b);
        }
        let b: Birthday = "--07-14".parse().unwrap();
        assert_eq!((b.year(), b.month(), b.day()), (None, 7, 14));
        assert_eq!(b.date(), None);
        assert_eq!(
            Birthday::born(NaiveDate::from_ymd_opt(1990, 7, 14).unwrap()).to_string(),
            "1990-07-14"
        );
    }

    #[test]
    fn no_such_day_and_no_other_spelling() {
        for text in [
            "1991-02-29",
            "--02-30",
            "--13-01",
            "--00-10",
            "1990-7-14",
            "90-07-14",
            "--7-14",
            "1990-07-14T00:00:00Z",
            "",
            "-07-14",
            "--07-14-",
            "1990/07/14",
            "+1990-07-14",
        ] {
            assert_eq!(text.parse::<Birthday>(), Err(BirthdayError), "{text:?}");
        }
        assert!(serde_json::from_str::<Birthday>("\"1991-02-29\"").is_err());
    }
}
