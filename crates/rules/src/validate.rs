//! The one shape of "this program definition is wrong": the field, as a path from the
//! program's root, and what is wrong with it. Each settings struct validates itself with
//! paths relative to itself; the struct that holds it adds its own name with
//! [`ProgramError::within`], so the error reaching the operator names the whole path.

/// Why a program definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid program: {field}: {message}")]
pub struct ProgramError {
    pub field: String,
    pub message: String,
}

impl ProgramError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> ProgramError {
        ProgramError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error seen from the struct that holds the failing one: `id` inside
    /// `tiers[2]` becomes `tiers[2].id`, and `[2].id` inside `tiers` becomes `tiers[2].id`.
    pub fn within(mut self, parent: &str) -> ProgramError {
        self.field = match self.field.as_str() {
            "" => parent.to_owned(),
            f if f.starts_with('[') => format!("{parent}{f}"),
            f => format!("{parent}.{f}"),
        };
        self
    }
}

/// Checks `condition`, or fails naming `field`.
pub(crate) fn ensure(
    condition: bool,
    field: impl Into<String>,
    message: &str,
) -> Result<(), ProgramError> {
    if condition {
        Ok(())
    } else {
        Err(ProgramError::new(field, message))
    }
}

pub(crate) fn ensure_percent(value: i64, field: &str) -> Result<(), ProgramError> {
    ensure(
        (0..=100).contains(&value),
        field,
        "must be a percent from 0 to 100",
    )
}

/// A day of the month that every month has.
pub(crate) fn ensure_day_of_month(day: u32, field: &str) -> Result<(), ProgramError> {
    ensure(
        (1..=28).contains(&day),
        field,
        "must be 1 to 28 so that every month has it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_prefixes_fields_and_indexes() {
        let e = ProgramError::new("id", "bad").within("[2]").within("tiers");
        assert_eq!(e.field, "tiers[2].id");
        assert_eq!(ProgramError::new("", "bad").within("tiers").field, "tiers");
    }
}
