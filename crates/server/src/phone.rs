//! Mainland China mobile numbers (+86, 11 digits starting 13–19): the login identity.

use crate::error::ApiError;

/// A valid mainland mobile number, kept in E.164 (`+8613812341234`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13812341234`, `+86 138 1234 1234`, `86-138-1234-1234`; refuses anything
    /// else with 422 `invalid_phone`.
    pub fn parse(text: &str) -> Result<Phone, ApiError> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let national = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
            .unwrap_or(&digits);
        let b = national.as_bytes();
        let valid = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if valid {
            Ok(Phone(format!("+86{national}")))
        } else {
            Err(ApiError::invalid(
                "invalid_phone",
                "a mainland China mobile number has 11 digits and starts with 13 to 19",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
        for ok in [
            "13812341234",
            "+86 138 1234 1234",
            "86-138-1234-1234",
            "+8619912341234",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Phone::parse("13812341234").unwrap().as_str(),
            "+8613812341234"
        );
        for bad in [
            "",
            "1381234123",
            "138123412345",
            "12812341234",
            "23812341234",
            "1381234123a",
            "+1 13812341234",
        ] {
            assert_eq!(
                Phone::parse(bad).unwrap_err().code(),
                "invalid_phone",
                "{bad}"
            );
        }
    }

    #[test]
    fn masked_keeps_the_first_three_and_last_four() {
        assert_eq!(mask("+8613812341234"), "138****1234");
    }
}
