//! The operators' dashboard's arithmetic (issue 40), shared by the server that answers it
//! and the console that draws it: a figure beside the previous period's, a share, and the
//! trend's buckets chosen from the range's length.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The change from `previous` to `current` in whole percent, rounded toward zero; none
/// when there was nothing before to compare with (a 0 is no base, never a division).
pub fn change_percent(current: i64, previous: i64) -> Option<i64> {
    if previous == 0 {
        return None;
    }
    let change = (i128::from(current) - i128::from(previous)) * 100 / i128::from(previous).abs();
    i64::try_from(change).ok()
}

/// `part` of `whole` in basis points (1/100 of a percent), rounded down; none for a whole
/// of 0 (nothing reported, nothing issued).
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    i64::try_from(i128::from(part) * 10_000 / i128::from(whole)).ok()
}

/// A trend's bucket: a day up to 31 days, a week up to 92, a month beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Day,
    Week,
    Month,
}

/// Days from `from` to `to`, both included.
pub fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days() + 1
}

pub fn bucket_for(from: NaiveDate, to: NaiveDate) -> Bucket {
    match days(from, to) {
        ..=31 => Bucket::Day,
        32..=92 => Bucket::Week,
        _ => Bucket::Month,
    }
}

/// The range's buckets in order, each `(first, last)` day, clipped to the range: days;
/// weeks from Monday; calendar months.
pub fn buckets(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let bucket = bucket_for(from, to);
    let mut out = vec![];
    let mut start = from;
    while start <= to {
        let end = match bucket {
            Bucket::Day => start,
            Bucket::Week => {
                let to_sunday = 6 - u64::from(start.weekday().num_days_from_monday());
                start + Days::new(to_sunday)
            }
            Bucket::Month => {
                let next = if start.month() == 12 {
                    NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
                };
                next.and_then(|n| n.pred_opt()).unwrap_or(to)
            }
        };
        let end = end.min(to);
        out.push((start, end));
        match end.succ_opt() {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

/// The period of the same length just before `from`..`to`.
pub fn previous(from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let length = Days::new(u64::try_from(days(from, to)).ok()?);
    Some((from.checked_sub_days(length)?, to.checked_sub_days(length)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_change_against_nothing_is_none_not_infinite() {
        assert_eq!(change_percent(5, 0), None);
        assert_eq!(change_percent(0, 0), None);
        assert_eq!(change_percent(150, 100), Some(50));
        assert_eq!(change_percent(50, 100), Some(-50));
        assert_eq!(change_percent(1, 3), Some(-66), "toward zero");
        assert_eq!(
            change_percent(-50, -100),
            Some(50),
            "against a negative base"
        );
        assert_eq!(change_percent(i64::MAX, 1), None, "beyond i64: none");
    }

    #[test]
    fn a_share_of_nothing_is_none() {
        assert_eq!(share_bp(1, 0), None);
        assert_eq!(share_bp(1, 3), Some(3333));
        assert_eq!(share_bp(3, 3), Some(10_000));
        assert_eq!(share_bp(i64::MAX, i64::MAX), Some(10_000));
    }

    #[test]
    fn the_bucket_follows_the_range() {
        assert_eq!(bucket_for(d("2027-03-01"), d("2027-03-31")), Bucket::Day);
        assert_eq!(bucket_for(d("2027-03-01"), d("2027-04-01")), Bucket::Week);
        assert_eq!(
            bucket_for(d("2027-01-01"), d("2027-04-02")),
            Bucket::Week,
            "92 days"
        );
        assert_eq!(bucket_for(d("2027-01-01"), d("2027-04-03")), Bucket::Month);
        assert_eq!(buckets(d("2027-03-01"), d("2027-03-03")).len(), 3);
        // 2027-03-03 is a Wednesday: its week ends on Sunday the 7th.
        let weeks = buckets(d("2027-03-03"), d("2027-04-10"));
        assert_eq!(weeks[0], (d("2027-03-03"), d("2027-03-07")));
        assert_eq!(weeks[1], (d("2027-03-08"), d("2027-03-14")));
        assert_eq!(*weeks.last().unwrap(), (d("2027-04-05"), d("2027-04-10")));
        let months = buckets(d("2026-11-15"), d("2027-12-31"));
        assert_eq!(months[0], (d("2026-11-15"), d("2026-11-30")));
        assert_eq!(months[1], (d("2026-12-01"), d("2026-12-31")));
        assert_eq!(months[3], (d("2027-02-01"), d("2027-02-28")));
        assert_eq!(months.len(), 14);
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        assert_eq!(
            previous(d("2027-03-01"), d("2027-03-31")),
            Some((d("2027-01-29"), d("2027-02-28")))
        );
        assert_eq!(
            previous(d("2027-03-10"), d("2027-03-10")),
            Some((d("2027-03-09"), d("2027-03-09")))
        );
    }
}
