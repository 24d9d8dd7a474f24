//! How the console writes its figures: counts and points with thousands separators, fen
//! as yuan, basis points as percents, a change with its sign. Integers throughout.

/// What a figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Points,
    Fen,
    /// Basis points of a share (1234 = 12.34 %).
    Bp,
}

impl Unit {
    /// As the screen shows it: `1,234`, `¥1,234.56`, `12.34%`.
    pub fn show(self, value: i64) -> String {
        match self {
            Unit::Count | Unit::Points => rules::money::group_thousands(value),
            Unit::Fen => rules::money::format_yuan(rules::Fen(value)),
            Unit::Bp => percent(value),
        }
    }

    /// As a CSV cell: no separators, no currency sign (`1234.56`), so a spreadsheet reads
    /// a number.
    pub fn plain(self, value: i64) -> String {
        match self {
            Unit::Count | Unit::Points => value.to_string(),
            Unit::Fen => crate::words::display::yuan_number(rules::Fen(value)),
            Unit::Bp => percent(value),
        }
    }
}

/// Basis points as a percent with two decimals.
pub fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}%",
        bp.unsigned_abs() / 100,
        bp.unsigned_abs() % 100
    )
}

/// A change in whole percent with its sign (`+12%`, `−5%`, `0%`); none when the previous
/// period had nothing to compare with.
pub fn change(percent: Option<i64>) -> Option<String> {
    percent.map(|p| match p {
        p if p > 0 => format!("+{p}%"),
        p if p < 0 => format!("\u{2212}{}%", p.unsigned_abs()),
        _ => "0%".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_an_operator_expects() {
        assert_eq!(Unit::Count.show(0), "0");
        assert_eq!(Unit::Count.show(999), "999");
        assert_eq!(Unit::Count.show(1_000), "1,000");
        assert_eq!(Unit::Count.show(-1_234_567), "-1,234,567");
        assert_eq!(Unit::Fen.show(123_456_789), "¥1,234,567.89");
        assert_eq!(Unit::Fen.show(-5), "-¥0.05");
        assert_eq!(Unit::Fen.plain(123_456_789), "1234567.89");
        assert_eq!(Unit::Bp.show(1_234), "12.34%");
        assert_eq!(Unit::Bp.show(5), "0.05%");
        assert_eq!(Unit::Points.plain(12_000), "12000");
    }

    #[test]
    fn a_change_has_its_sign_and_none_without_a_previous_figure() {
        assert_eq!(change(Some(12)).as_deref(), Some("+12%"));
        assert_eq!(change(Some(-5)).as_deref(), Some("\u{2212}5%"));
        assert_eq!(change(Some(0)).as_deref(), Some("0%"));
        assert_eq!(change(None), None);
    }
}
