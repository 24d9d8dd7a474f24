//! The month grid's arithmetic (Vant Calendar's grammar: weeks start on Monday, whole
//! weeks, the neighbouring months' days filling the first and last), and which
//! occurrences fall on a local day. Pure, so it is unit-tested natively.

use crate::data::program::ScreensProgram;
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate};
use rules::occurrences::Occurrence;

/// The first day of `date`'s month.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The first of the month `n` months after (or before, negative) `month`.
pub fn shift(month: NaiveDate, n: i32) -> NaiveDate {
    let months = Months::new(n.unsigned_abs());
    let moved = if n >= 0 {
        month.checked_add_months(months)
    } else {
        month.checked_sub_months(months)
    };
    month_of(moved.unwrap_or(month))
}

/// The days shown for `month`: from the Monday on or before its first day to the Sunday
/// on or after its last, 28 to 42 days.
pub fn days(month: NaiveDate) -> Vec<NaiveDate> {
    let first = month_of(month);
    let start = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let last = shift(first, 1).pred_opt().unwrap_or(first);
    let end = last + Days::new(u64::from(6 - last.weekday().num_days_from_monday()));
    start.iter_days().take_while(|d| *d <= end).collect()
}

/// Whether an occurrence overlaps local day `date`.
pub fn on_day(program: &ScreensProgram, occurrence: &Occurrence, date: NaiveDate) -> bool {
    let begins = program.time_zone.local_midnight(date);
    let Some(next) = date.succ_opt() else {
        return false;
    };
    occurrence.start < program.time_zone.local_midnight(next) && occurrence.end > begins
}

/// An occurrence's days in the program's zone: the first and the last (an all-day
/// event's end is the midnight after its last day).
pub fn local_days(program: &ScreensProgram, o: &Occurrence) -> (NaiveDate, NaiveDate) {
    let first = program.local_date(&o.start);
    let before_end: DateTime<FixedOffset> = o.end - chrono::Duration::seconds(1);
    (first, program.local_date(&before_end).max(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_is_whole_weeks_from_monday() {
        // December 2026 begins on a Tuesday and ends on a Thursday.
        let dec = days(date("2026-12-17"));
        assert_eq!(dec.first(), Some(&date("2026-11-30")));
        assert_eq!(dec.last(), Some(&date("2027-01-03")));
        assert_eq!(dec.len(), 35);
        // February 2027 begins on a Monday and ends on a Sunday: exactly four weeks.
        let feb = days(date("2027-02-01"));
        assert_eq!((feb[0], feb.len()), (date("2027-02-01"), 28));
        // May 2027 begins on a Saturday: six weeks.
        assert_eq!(days(date("2027-05-01")).len(), 42);
    }

    #[test]
    fn months_move_across_years() {
        assert_eq!(shift(date("2026-12-01"), 1), date("2027-01-01"));
        assert_eq!(shift(date("2027-01-01"), -1), date("2026-12-01"));
        assert_eq!(shift(date("2027-03-31"), -1), date("2027-02-01"));
    }

    #[test]
    fn an_occurrence_is_on_the_local_days_it_overlaps() {
        let whole = rules::Program::default_program();
        let program = ScreensProgram::of(&whole);
        let all = rules::occurrences::calendar(
            &whole,
            None,
            rules::occurrences::DateRange {
                from: date("2027-06-01"),
                to: date("2027-06-30"),
            },
        );
        let c618 = all
            .occurrences
            .iter()
            .find(|o| o.event == "campaign-618")
            .unwrap();
        assert!(on_day(&program, c618, date("2027-06-18")));
        assert!(!on_day(&program, c618, date("2027-06-19")));
        assert!(!on_day(&program, c618, date("2027-05-31")));
        assert_eq!(
            local_days(&program, c618),
            (date("2027-06-01"), date("2027-06-18"))
        );
        let sale = all
            .occurrences
            .iter()
            .find(|o| o.event == "flash-sale")
            .unwrap();
        let friday = program.local_date(&sale.start);
        assert!(on_day(&program, sale, friday));
        assert_eq!(local_days(&program, sale), (friday, friday));
    }
}
