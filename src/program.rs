//! The program as the app holds it: `GET /api/program`'s answer, of which the first
//! screen reads only the tiers, their prompts and the time zone ([`HomeProgram`]). The
//! whole [`Program`] (points, discounts, first-order award, invites, limits, the staff
//! menu…) is parsed from the same text when a screen that needs it opens.
//!
//! Why: the whole program's parsers were about 10 kB brotli of the first screen's
//! download. Called only from the screens' modules (`lazy_screens`), [`ProgramAnswer::full`]
//! and everything only it reaches move out of the main module with them (wasm-split).

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::calendar::TimeZone;
use rules::tier::{Prompts, Tiers};
use rules::Program;
use serde::Deserialize;

/// The part of the program the home shows, read from the whole program's JSON (its
/// other fields are read past). Also all that the screens showing only tiers need.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HomeProgram {
    pub time_zone: TimeZone,
    /// In tier order, lowest first (validated by the server, which serves its program).
    pub tiers: Tiers,
    pub prompts: Prompts,
}

impl HomeProgram {
    /// The local date of an instant in the program's time zone.
    pub fn local_date(&self, instant: &DateTime<FixedOffset>) -> NaiveDate {
        self.time_zone.local_date(instant)
    }
}

/// `GET /api/program`'s answer: the home's part parsed, the whole kept as text and
/// parsed once, on demand.
#[derive(Debug, Clone)]
pub struct ProgramAnswer {
    pub home: Arc<HomeProgram>,
    json: Arc<str>,
    full: Arc<OnceLock<Arc<Program>>>,
}

impl ProgramAnswer {
    pub fn parse(json: String) -> Result<ProgramAnswer, serde_json::Error> {
        let home = serde_json::from_str(&json)?;
        Ok(ProgramAnswer {
            home: Arc::new(home),
            json: json.into(),
            full: Arc::default(),
        })
    }

    /// The whole program, parsed the first time it is asked for. An error means the
    /// server's program is not what this build of the app reads (an old app against a
    /// newer server): a reload fetches the app that matches.
    pub fn full(&self) -> Result<Arc<Program>, serde_json::Error> {
        if let Some(program) = self.full.get() {
            return Ok(program.clone());
        }
        let program = Arc::new(serde_json::from_str::<Program>(&self.json)?);
        Ok(self.full.get_or_init(|| program).clone())
    }
}

/// The same answer (a fetch again after login gets a new one, equal if the text is).
impl PartialEq for ProgramAnswer {
    fn eq(&self, other: &ProgramAnswer) -> bool {
        self.json == other.json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_answer() -> ProgramAnswer {
        ProgramAnswer::parse(rules::program::DEFAULT_PROGRAM_JSON.to_owned()).unwrap()
    }

    #[test]
    fn the_home_part_is_the_programs_own() {
        let answer = default_answer();
        let program = Program::default_program();
        assert_eq!(answer.home.tiers, program.tiers);
        assert_eq!(answer.home.prompts, program.prompts);
        assert_eq!(answer.home.time_zone.offset(), program.offset());
    }

    #[test]
    fn the_whole_program_is_parsed_once() {
        let answer = default_answer();
        let first = answer.full().unwrap();
        assert_eq!(*first, Program::default_program());
        assert!(Arc::ptr_eq(&first, &answer.full().unwrap()));
        // Clones share the parsed program.
        assert!(Arc::ptr_eq(&first, &answer.clone().full().unwrap()));
    }

    #[test]
    fn an_unreadable_whole_is_an_error_not_a_panic() {
        let mut json: serde_json::Value =
            serde_json::from_str(rules::program::DEFAULT_PROGRAM_JSON).unwrap();
        json["points"] = serde_json::json!("not points");
        let answer = ProgramAnswer::parse(json.to_string()).unwrap();
        assert!(answer.full().is_err());
    }
}
