//! Small pure helpers that turn the program's integers into what the screens show:
//! numbers for screen readers, CSS percentages and colours, dates. No floats anywhere.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

use crate::i18n::*;
use rules::money::Fen;

/// Yuan as a plain number for `aria-valuenow` and friends: `1876.55`, `5000.00`.
pub fn yuan_number(fen: Fen) -> String {
    let sign = if fen.is_negative() { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// What a member is called: the nickname they chose, or by the last four digits of their
/// phone in the screen's language (`会员1234`, `Member 1234`).
pub fn member_name(locale: Locale, nickname: &str, phone_masked: Option<&str>) -> String {
    if !nickname.is_empty() {
        return nickname.to_owned();
    }
    let phone = phone_masked.unwrap_or_default();
    let digits = phone
        .get(phone.len().saturating_sub(4)..)
        .unwrap_or_default();
    super::labels::fill(
        td_string!(locale, home.unnamed_member),
        &[("digits", digits)],
    )
    .trim()
    .to_owned()
}

/// Basis points (0..=10000) as a CSS percentage: `3333` → `33.33%`.
pub fn percent_css(basis_points: i64) -> String {
    let bp = basis_points.clamp(0, 10_000);
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Mixes a `#rrggbb` colour toward black (`toward_white = false`) or white by `percent`,
/// for the card's gradient: integer channels, so old web-views need no `color-mix()`.
pub fn mix(hex: &str, toward_white: bool, percent: u32) -> Option<String> {
    let hex = hex.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let target = if toward_white { 255 } else { 0 };
    let percent = percent.min(100);
    let mut out = String::from("#");
    for i in 0..3 {
        let c = u32::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()?;
        let mixed = (c * (100 - percent) + target * percent) / 100;
        out.push_str(&format!("{mixed:02x}"));
    }
    Some(out)
}

/// The date part of an RFC 3339 instant or a date: `2027-01-01`.
pub fn date_of(at: impl std::fmt::Display) -> String {
    let at = at.to_string();
    at.get(..10).unwrap_or(&at).to_string()
}

/// `6月18日` / `Jun 18`. Written out rather than with chrono's `format`: its strftime
/// machinery would be the first screen's (home's next events and notices use this).
pub fn short_date(locale: Locale, date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match locale {
        Locale::zh => format!("{}月{}日", date.month(), date.day()),
        Locale::en => format!("{} {}", MONTHS[date.month0() as usize], date.day()),
    }
}

/// The local time of an instant as a clock shows it: `20:00`, `09:05` (see `short_date`
/// for why not chrono's `format`).
pub fn clock_time(at: &DateTime<FixedOffset>) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// A coupon's last day of validity: the day before `valid_until` when that is a midnight
/// (the first instant it is no longer valid), shown as that day.
pub fn last_day(valid_until: &DateTime<FixedOffset>) -> String {
    last_date(valid_until).to_string()
}

/// `last_day`'s date.
pub fn last_date(valid_until: &DateTime<FixedOffset>) -> NaiveDate {
    (*valid_until - chrono::Duration::seconds(1)).date_naive()
}

/// A percent off in the Chinese 折 convention: 10% off → `9`, 15% off → `8.5`.
pub fn zhe(percent_off: i64) -> String {
    let rest = (100 - percent_off).clamp(0, 100);
    if rest % 10 == 0 {
        (rest / 10).to_string()
    } else {
        format!("{}.{}", rest / 10, rest % 10)
    }
}

/// A points rate in percent as a multiplier: `150` → `1.5`, `200` → `2`.
pub fn rate(percent: i64) -> String {
    let (whole, frac) = (percent / 100, percent % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_without_a_nickname_is_named_in_the_screens_language() {
        let phone = Some("138****1234");
        assert_eq!(member_name(Locale::zh, "", phone), "会员1234");
        assert_eq!(member_name(Locale::en, "", phone), "Member 1234");
        assert_eq!(member_name(Locale::en, "小满", phone), "小满");
        assert_eq!(member_name(Locale::en, "", None), "Member");
    }

    #[test]
    fn yuan_numbers_for_screen_readers() {
        assert_eq!(yuan_number(Fen(187655)), "1876.55");
        assert_eq!(yuan_number(Fen(500000)), "5000.00");
        assert_eq!(yuan_number(Fen(0)), "0.00");
        assert_eq!(yuan_number(Fen(5)), "0.05");
        assert_eq!(yuan_number(Fen(-320)), "-3.20");
    }

    #[test]
    fn css_percent_from_basis_points() {
        assert_eq!(percent_css(3333), "33.33%");
        assert_eq!(percent_css(10_000), "100.00%");
        assert_eq!(percent_css(5), "0.05%");
        assert_eq!(percent_css(-7), "0.00%");
        assert_eq!(percent_css(12_000), "100.00%");
    }

    #[test]
    fn colours_mix_by_integer_channels() {
        assert_eq!(mix("#c8972b", false, 0).as_deref(), Some("#c8972b"));
        assert_eq!(mix("#c8972b", false, 100).as_deref(), Some("#000000"));
        assert_eq!(mix("#c8972b", true, 100).as_deref(), Some("#ffffff"));
        assert_eq!(mix("#808080", false, 50).as_deref(), Some("#404040"));
        assert_eq!(mix("blue", false, 10), None);
        assert_eq!(mix("#12345", false, 10), None);
    }

    #[test]
    fn dates_of_instants() {
        assert_eq!(date_of("2027-01-01T00:00:00+08:00"), "2027-01-01");
        assert_eq!(date_of("2027-01-01"), "2027-01-01");
        assert_eq!(date_of("2027"), "2027");
    }

    #[test]
    fn short_dates_in_either_language() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(short_date(Locale::zh, date), "12月4日");
        assert_eq!(short_date(Locale::en, date), "Dec 4");
        for (text, zh, en) in [
            ("2027-01-09", "1月9日", "Jan 9"),
            ("2026-06-18", "6月18日", "Jun 18"),
        ] {
            let date: NaiveDate = text.parse().unwrap();
            assert_eq!(short_date(Locale::zh, date), zh);
            assert_eq!(short_date(Locale::en, date), en);
        }
        let at = DateTime::parse_from_rfc3339("2026-12-04T09:05:00+08:00").unwrap();
        assert_eq!(clock_time(&at), "09:05");
    }

    #[test]
    fn zhe_and_rates() {
        assert_eq!(zhe(10), "9");
        assert_eq!(zhe(15), "8.5");
        assert_eq!(zhe(5), "9.5");
        assert_eq!(rate(100), "1");
        assert_eq!(rate(120), "1.2");
        assert_eq!(rate(150), "1.5");
        assert_eq!(rate(200), "2");
        assert_eq!(rate(125), "1.25");
    }
}
