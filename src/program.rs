//! The program as the app holds it. The first screen reads only the tiers, their prompts
//! and the time zone ([`HomeProgram`], `GET /api/program/home`). The whole [`Program`]
//! (points, discounts, first-order award, invites, limits, the staff menu…) is fetched
//! once the home is up and idle, or at once when the app starts on another screen, and
//! parsed once by the screens that need it.
//!
//! Why: the whole program's parsers were about 10 kB brotli of the first screen's
//! download, and its answer is three times the home's part on the wire. Called only from
//! the screens' modules (`pages::lazy`), [`ProgramAnswer::full`] and everything only it
//! reaches move out of the main module with them (wasm-split).

use std::sync::{Arc, OnceLock};

use rules::Program;

use crate::api::{self, ApiError};

pub use contract::program::HomeProgram;

/// The program's answers: the home's part parsed, the whole kept as text (once fetched)
/// and parsed once, on demand.
#[derive(Debug, Clone)]
pub struct ProgramAnswer {
    pub home: Arc<HomeProgram>,
    whole: Arc<Whole>,
}

#[derive(Debug, Default)]
struct Whole {
    /// `GET /api/program`'s text. A failed fetch leaves it empty: the next ask fetches.
    text: async_once_cell::OnceCell<Arc<str>>,
    parsed: OnceLock<Arc<Program>>,
}

impl ProgramAnswer {
    /// The program: the home's part alone (`whole: false`), or the whole program when the
    /// app starts on a screen that reads it; either way the home's part parsed now, the
    /// whole when a screen needs it.
    pub async fn fetch(whole: bool) -> Result<ProgramAnswer, ApiError> {
        let (status, body) = api::program_text(whole).await?;
        let answer = if whole {
            ProgramAnswer::whole(body)
        } else {
            ProgramAnswer::home(&body)
        };
        answer.map_err(|e| api::bad_response(status, e.to_string()))
    }

    /// From `GET /api/program/home`'s answer; the whole is fetched when asked for.
    pub fn home(json: &str) -> Result<ProgramAnswer, serde_json::Error> {
        Ok(ProgramAnswer {
            home: Arc::new(serde_json::from_str(json)?),
            whole: Arc::default(),
        })
    }

    /// From `GET /api/program`'s answer (the app started on a screen that reads it): the
    /// home's part read from it, the text kept.
    pub fn whole(json: String) -> Result<ProgramAnswer, serde_json::Error> {
        Ok(ProgramAnswer {
            home: Arc::new(serde_json::from_str(&json)?),
            whole: Arc::new(Whole {
                text: async_once_cell::OnceCell::new_with(json.into()),
                parsed: OnceLock::new(),
            }),
        })
    }

    /// The whole program's text: fetched the first time (one request however many ask at
    /// once), then kept.
    pub async fn fetch_whole(&self) -> Result<(), ApiError> {
        self.whole
            .text
            .get_or_try_init(async { Ok::<_, ApiError>(api::program_text(true).await?.1.into()) })
            .await
            .map(|_| ())
    }

    /// The whole program, parsed the first time it is asked for, from the text
    /// [`ProgramAnswer::fetch_whole`] brought (a screen's loader waits for it). An error
    /// means the server's program is not what this build of the app reads (an old app
    /// against a newer server): a reload fetches the app that matches.
    pub fn full(&self) -> Result<Arc<Program>, serde_json::Error> {
        if let Some(program) = self.whole.parsed.get() {
            return Ok(program.clone());
        }
        let text = self.whole.text.get().map_or("", |text| &**text);
        let program = Arc::new(serde_json::from_str::<Program>(text)?);
        Ok(self.whole.parsed.get_or_init(|| program).clone())
    }
}

/// The same answer when the home's part is (a fetch again after login gets a new one).
impl PartialEq for ProgramAnswer {
    fn eq(&self, other: &ProgramAnswer) -> bool {
        self.home == other.home
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole_answer() -> ProgramAnswer {
        ProgramAnswer::whole(rules::program::DEFAULT_PROGRAM_JSON.to_owned()).unwrap()
    }

    #[test]
    fn the_home_part_is_the_programs_own() {
        let program = Program::default_program();
        let home = HomeProgram::of(&program);
        assert_eq!(*whole_answer().home, home);
        let part = ProgramAnswer::home(&serde_json::to_string(&home).unwrap()).unwrap();
        assert_eq!(part, whole_answer());
    }

    #[test]
    fn the_whole_program_is_parsed_once() {
        let answer = whole_answer();
        let first = answer.full().unwrap();
        assert_eq!(*first, Program::default_program());
        assert!(Arc::ptr_eq(&first, &answer.full().unwrap()));
        // Clones share the parsed program.
        assert!(Arc::ptr_eq(&first, &answer.clone().full().unwrap()));
    }

    #[test]
    fn without_the_whole_or_with_an_unreadable_one_full_is_an_error_not_a_panic() {
        let home = HomeProgram::of(&Program::default_program());
        let part = ProgramAnswer::home(&serde_json::to_string(&home).unwrap()).unwrap();
        assert!(part.full().is_err());
        let mut json: serde_json::Value =
            serde_json::from_str(rules::program::DEFAULT_PROGRAM_JSON).unwrap();
        json["points"] = serde_json::json!("not points");
        let answer = ProgramAnswer::whole(json.to_string()).unwrap();
        assert!(answer.full().is_err());
    }
}
