//! The program as the app holds it, in the two parts the server serves
//! (`contract::program`). The first screen reads only the tiers, their prompts and the
//! time zone ([`HomeProgram`], `GET /api/program/home`). The other screens' part
//! ([`ScreensProgram`]: the quote's rules, check-in, invites, the staff menu…) is fetched
//! once the home is up and idle, or at once when the app starts on another screen, and
//! parsed once, by the screens' own modules (`pages::lazy`).
//!
//! Why parse it there: its parsers would be kilobytes of the first screen's download.
//! This module keeps the text; [`ScreensPart::parsed`] takes the parser as an argument,
//! so the only parser there is is the one `pages::lazy` passes, in the screens' modules.

use std::sync::{Arc, OnceLock};

use crate::data::api::{self, ApiError};

pub use contract::program::{HomeProgram, ScreensProgram};

/// The program's answers: the home's part parsed, the screens' part kept as text (once
/// fetched) and parsed once, on demand.
#[derive(Debug, Clone)]
pub struct ProgramAnswer {
    pub home: Arc<HomeProgram>,
    pub screens: Arc<ScreensPart>,
}

/// `GET /api/program/screens`' answer. A failed fetch leaves it empty: the next ask
/// fetches.
#[derive(Debug, Default)]
pub struct ScreensPart {
    text: async_once_cell::OnceCell<Arc<str>>,
    parsed: OnceLock<Arc<ScreensProgram>>,
}

impl ProgramAnswer {
    /// The program: the home's part alone (`screens: false`), or the screens' part when
    /// the app starts on a screen that reads it (the home's part is read from it); either
    /// way the home's part parsed now, the screens' when a screen needs it.
    pub async fn fetch(screens: bool) -> Result<ProgramAnswer, ApiError> {
        let (status, body) = api::program_text(screens).await?;
        let answer = if screens {
            ProgramAnswer::with_screens(body)
        } else {
            ProgramAnswer::home(&body)
        };
        answer.map_err(|e| api::bad_response(status, e.to_string()))
    }

    /// From `GET /api/program/home`'s answer; the screens' part is fetched when asked for.
    pub fn home(json: &str) -> Result<ProgramAnswer, serde_json::Error> {
        Ok(ProgramAnswer {
            home: Arc::new(serde_json::from_str(json)?),
            screens: Arc::default(),
        })
    }

    /// From `GET /api/program/screens`' answer: the home's part read from it, the text
    /// kept.
    pub fn with_screens(json: String) -> Result<ProgramAnswer, serde_json::Error> {
        Ok(ProgramAnswer {
            home: Arc::new(serde_json::from_str(&json)?),
            screens: Arc::new(ScreensPart {
                text: async_once_cell::OnceCell::new_with(json.into()),
                parsed: OnceLock::new(),
            }),
        })
    }
}

impl ScreensPart {
    /// The text, fetched the first time (one request however many ask at once), then
    /// kept.
    pub async fn fetch(&self) -> Result<(), ApiError> {
        self.text
            .get_or_try_init(async { Ok::<_, ApiError>(api::program_text(true).await?.1.into()) })
            .await
            .map(|_| ())
    }

    /// The screens' part, parsed by `parse` the first time it is asked for, from the text
    /// [`ScreensPart::fetch`] brought (a screen's loader waits for it). An error means
    /// the server's program is not what this build of the app reads (an old app against
    /// a newer server): a reload fetches the app that matches.
    pub fn parsed(
        &self,
        parse: impl FnOnce(&str) -> Result<ScreensProgram, serde_json::Error>,
    ) -> Result<Arc<ScreensProgram>, serde_json::Error> {
        if let Some(program) = self.parsed.get() {
            return Ok(program.clone());
        }
        let program = Arc::new(parse(self.text.get().map_or("", |text| &**text))?);
        Ok(self.parsed.get_or_init(|| program).clone())
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
    use rules::Program;

    fn parse(text: &str) -> Result<ScreensProgram, serde_json::Error> {
        serde_json::from_str(text)
    }

    fn screens_answer() -> ProgramAnswer {
        let program = Program::default_program();
        ProgramAnswer::with_screens(serde_json::to_string(&ScreensProgram::of(&program)).unwrap())
            .unwrap()
    }

    #[test]
    fn the_home_part_is_the_programs_own() {
        let home = HomeProgram::of(&Program::default_program());
        assert_eq!(*screens_answer().home, home);
        let part = ProgramAnswer::home(&serde_json::to_string(&home).unwrap()).unwrap();
        assert_eq!(part, screens_answer());
    }

    #[test]
    fn the_screens_part_is_parsed_once() {
        let answer = screens_answer();
        let first = answer.screens.parsed(parse).unwrap();
        assert_eq!(*first, ScreensProgram::of(&Program::default_program()));
        let again = answer.screens.parsed(|_| panic!("parsed twice")).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        // Clones share the parsed program.
        assert!(Arc::ptr_eq(
            &first,
            &answer.clone().screens.parsed(parse).unwrap()
        ));
    }

    #[test]
    fn without_the_screens_part_or_with_an_unreadable_one_it_is_an_error_not_a_panic() {
        let home = HomeProgram::of(&Program::default_program());
        let part = ProgramAnswer::home(&serde_json::to_string(&home).unwrap()).unwrap();
        assert!(part.screens.parsed(parse).is_err());
        let mut json =
            serde_json::to_value(ScreensProgram::of(&Program::default_program())).unwrap();
        json["points"] = serde_json::json!("not points");
        let answer = ProgramAnswer::with_screens(json.to_string()).unwrap();
        assert!(answer.screens.parsed(parse).is_err());
    }
}
