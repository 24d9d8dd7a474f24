//! Mainland China mobile numbers (+86, 11 digits starting 13–19): the login identity.

use super::Refusal;

/// A valid mainland mobile number, kept in E.164 (`+8613812341234`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13812341234`, `+86 138 1234 1234`, `86-138-1234-1234`; refuses anything
    /// else ([`Refusal::InvalidPhone`]: 422 `invalid_phone`).
    pub fn parse(text: &str) -> Result<Phone, Refusal> {
        rules::phone::parse_mobile(text)
            .map(Phone)
            .ok_or(Refusal::InvalidPhone)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_parser_with_its_error_code() {
        for (text, expected) in rules::phone::EXAMPLES {
            match (Phone::parse(text), expected) {
                (Ok(phone), Some(e164)) => assert_eq!(phone.as_str(), *e164),
                (Err(e), None) => assert_eq!(e, Refusal::InvalidPhone),
                (got, _) => panic!("{text:?}: {got:?}"),
            }
        }
    }
}
