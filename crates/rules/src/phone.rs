//! Mainland China mobile numbers (+86, 11 digits starting 13–19): the login identity. One
//! parser for the server (which stores E.164) and the app (which checks before sending),
//! so the app accepts exactly what the server does.

/// A valid number in E.164 (`+8613812341234`) from any common spelling:
/// `13812341234`, `+86 138 1234 1234`, `86-138-1234-1234`; None for anything else.
pub fn parse_mobile(text: &str) -> Option<String> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let national = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
        .unwrap_or(&digits);
    let b = national.as_bytes();
    let valid = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    valid.then(|| format!("+86{national}"))
}

/// The numbers both sides are tested on: (spelling, E.164 or None when refused).
pub const EXAMPLES: &[(&str, Option<&str>)] = &[
    ("13812341234", Some("+8613812341234")),
    ("+86 138 1234 1234", Some("+8613812341234")),
    ("86-138-1234-1234", Some("+8613812341234")),
    ("+8619912341234", Some("+8619912341234")),
    (" 139 0000 0001 ", Some("+8613900000001")),
    ("", None),
    ("1381234123", None),
    ("138123412345", None),
    ("12812341234", None),
    ("23812341234", None),
    ("1381234123a", None),
    ("+1 13812341234", None),
    ("+86 128 1234 1234", None),
    ("８６13812341234", None),
];

/// `138****1234`: how a phone is shown back (stored form in, masked national form out).
pub fn mask(e164: &str) -> String {
    let national = e164.strip_prefix("+86").unwrap_or(e164);
    if national.len() == 11 && national.is_ascii() {
        format!("{}****{}", &national[..3], &national[7..])
    } else {
        "****".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_mobiles_in_any_common_spelling() {
        for (text, expected) in EXAMPLES {
            assert_eq!(parse_mobile(text).as_deref(), *expected, "{text:?}");
        }
    }

    #[test]
    fn masked_keeps_the_first_three_and_last_four() {
        assert_eq!(mask("+8613812341234"), "138****1234");
        assert_eq!(mask("13812341234"), "138****1234");
        assert_eq!(mask("+861381234"), "****");
    }
}
