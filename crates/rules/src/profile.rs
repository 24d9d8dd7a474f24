//! A member's profile as people write it: the nickname's length is counted as a person
//! counts characters (grapheme clusters: 👨‍👩‍👧 or é written as e + ◌́ is one), so the app's
//! counter, its check before saving and the server's check agree, and nothing is ever cut
//! in the middle of a character.

use unicode_segmentation::UnicodeSegmentation;

/// The most characters a nickname has.
pub const NICKNAME_MAX_CHARS: usize = 20;

/// Why a nickname is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NicknameProblem {
    #[error("a nickname has at least one character")]
    Empty,
    #[error("a nickname has at most {NICKNAME_MAX_CHARS} characters")]
    TooLong,
    #[error("a nickname has no control characters")]
    ControlCharacter,
}

/// The nickname's length in characters as a person counts them, spaces around it aside.
pub fn nickname_length(text: &str) -> usize {
    text.trim().graphemes(true).count()
}

/// The nickname to store (trimmed), or why it is refused.
pub fn check_nickname(text: &str) -> Result<&str, NicknameProblem> {
    let nickname = text.trim();
    match nickname_length(nickname) {
        0 => Err(NicknameProblem::Empty),
        n if n > NICKNAME_MAX_CHARS => Err(NicknameProblem::TooLong),
        _ if nickname.chars().any(char::is_control) => Err(NicknameProblem::ControlCharacter),
        _ => Ok(nickname),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_as_people_count_them() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(nickname_length(family), 1);
        assert_eq!(nickname_length("e\u{301}"), 1);
        assert_eq!(nickname_length("  小明  "), 2);
        assert_eq!(
            check_nickname(&family.repeat(20)),
            Ok(family.repeat(20).as_str())
        );
        assert_eq!(
            check_nickname(&family.repeat(21)),
            Err(NicknameProblem::TooLong)
        );
        assert_eq!(check_nickname("   "), Err(NicknameProblem::Empty));
        assert_eq!(
            check_nickname("a\u{7}b"),
            Err(NicknameProblem::ControlCharacter)
        );
    }
}
