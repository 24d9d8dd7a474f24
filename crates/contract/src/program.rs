//! `GET /api/program/home`: the part of the program the first screen shows. The whole
//! program (`GET /api/program`, `rules::Program`) is about three times its size on the
//! wire; the app fetches it once the home is up, or at once when it starts on another
//! screen.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::calendar::TimeZone;
use rules::tier::{Prompts, Tiers};
use rules::Program;
use serde::{Deserialize, Serialize};

/// The tiers, their prompts and the time zone, as in the whole program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeProgram {
    pub time_zone: TimeZone,
    /// In tier order, lowest first (validated by the server, which serves its program).
    pub tiers: Tiers,
    pub prompts: Prompts,
}

impl HomeProgram {
    pub fn of(program: &Program) -> HomeProgram {
        HomeProgram {
            time_zone: program.time_zone.clone(),
            tiers: program.tiers.clone(),
            prompts: program.prompts.clone(),
        }
    }

    /// The local date of an instant in the program's time zone.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        self.time_zone.local_date(instant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The projection reads as the whole program's own fields (the app reads the home's
    /// part from either answer).
    #[test]
    fn the_home_part_reads_from_the_whole_program_too() {
        let program = Program::default_program();
        let home = HomeProgram::of(&program);
        let from_whole: HomeProgram =
            serde_json::from_str(&serde_json::to_string(&program).unwrap()).unwrap();
        assert_eq!(from_whole, home);
        let from_part: HomeProgram =
            serde_json::from_str(&serde_json::to_string(&home).unwrap()).unwrap();
        assert_eq!(from_part, home);
    }
}
