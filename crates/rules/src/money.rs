//! Money in integer fen (分) and its display. ¥1 = 100 fen; no floating point anywhere.

pub use crate::units::Fen;

/// `floor(amount × percent / 100)` for non-negative amounts: "rounded down" to the fen.
pub fn percent_of(amount: Fen, percent: i64) -> Fen {
    amount.percent(percent)
}

/// The one way a sum of money is shown: `¥` and the yuan grouped by thousands with two
/// decimals, to the fen and never rounded — `¥3,200.00`, `¥99.50`, `-¥3.20`. Round sums get
/// their decimals too, so that two amounts side by side never read in two styles.
pub fn format_yuan(fen: Fen) -> String {
    let sign = if fen.is_negative() { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!(
        "{sign}¥{}.{:02}",
        group_thousands((abs / 100) as i64),
        abs % 100
    )
}

/// A coupon's face, as Chinese shoppers read it on every coupon: whole yuan without
/// decimals (`30`, `1,000`), otherwise to the fen (`12.50`); no currency sign, which the
/// face's wording places (`¥30`, `满100可用`). For coupon faces only: every other sum is
/// `format_yuan`'s.
pub fn coupon_face(fen: Fen) -> String {
    let abs = fen.unsigned_abs();
    let sign = if fen.is_negative() { "-" } else { "" };
    let yuan = group_thousands((abs / 100) as i64);
    match abs % 100 {
        0 => format!("{sign}{yuan}"),
        cents => format!("{sign}{yuan}.{cents:02}"),
    }
}

/// Groups an integer's digits by thousands: `-1234567` → `-1,234,567`. For points and
/// amounts alike, so the app and the prompts group numbers the same way.
pub fn group_thousands(n: impl Into<i64>) -> String {
    group_digits(n.into())
}

fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Parses what a person types as yuan (`123`, `123.4`, `123.45`, `¥1,234.50`) into fen.
/// More than two decimals, signs or other characters are refused rather than rounded.
pub fn parse_yuan(text: &str) -> Option<Fen> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac).map(Fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coupon_face_drops_the_decimals_of_whole_yuan_only() {
        assert_eq!(coupon_face(Fen(3000)), "30");
        assert_eq!(coupon_face(Fen(1250)), "12.50");
        assert_eq!(coupon_face(Fen(1205)), "12.05");
        assert_eq!(coupon_face(Fen(100_000)), "1,000");
        assert_eq!(coupon_face(Fen(5)), "0.05");
        assert_eq!(coupon_face(Fen(0)), "0");
    }

    #[test]
    fn formats_to_the_fen() {
        assert_eq!(format_yuan(Fen(12345)), "¥123.45");
        assert_eq!(format_yuan(Fen(9950)), "¥99.50");
        assert_eq!(format_yuan(Fen(10000)), "¥100.00");
        assert_eq!(format_yuan(Fen(320000)), "¥3,200.00");
        assert_eq!(format_yuan(Fen(123456789)), "¥1,234,567.89");
        assert_eq!(format_yuan(Fen(-320)), "-¥3.20");
        assert_eq!(format_yuan(Fen(0)), "¥0.00");
        assert_eq!(format_yuan(Fen(5)), "¥0.05");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(12345), "12,345");
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(group_thousands(-1200), "-1,200");
        assert_eq!(group_thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn parses_typed_yuan() {
        assert_eq!(parse_yuan("123"), Some(Fen(12300)));
        assert_eq!(parse_yuan("123.4"), Some(Fen(12340)));
        assert_eq!(parse_yuan("¥1,234.05"), Some(Fen(123405)));
        assert_eq!(parse_yuan(".5"), Some(Fen(50)));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-1"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("99999999999999999999"), None);
    }

    #[test]
    fn percent_rounds_down() {
        assert_eq!(percent_of(Fen(59800), 10), Fen(5980));
        assert_eq!(percent_of(Fen(999), 5), Fen(49));
    }
}
