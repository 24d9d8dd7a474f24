//! The app-wide state: the program and the demo members (fetched once), and which member
//! is shown. Read with `expect_context::<AppState>()`.

use std::sync::Arc;

use leptos::prelude::*;
use rules::Program;

use crate::api::{self, ApiError, DemoMember};
use crate::storage;

/// What the screens need from the server before they can show anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub program: Arc<Program>,
    pub members: Arc<Vec<DemoMember>>,
}

impl Loaded {
    /// The chosen member, or the first one when the choice is unknown.
    pub fn member(&self, id: Option<&str>) -> Option<DemoMember> {
        self.members
            .iter()
            .find(|m| Some(m.id.as_str()) == id)
            .or_else(|| self.members.first())
            .cloned()
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub data: LocalResource<Result<Loaded, ApiError>>,
    /// The demo member shown, by id (until login exists); remembered in localStorage.
    pub persona: RwSignal<Option<String>>,
}

impl AppState {
    pub fn new() -> AppState {
        let data = LocalResource::new(|| async {
            let program = api::program().await?;
            let members = api::demo_members().await?;
            Ok(Loaded {
                program: Arc::new(program),
                members: Arc::new(members),
            })
        });
        AppState {
            data,
            persona: RwSignal::new(storage::persona()),
        }
    }

    pub fn choose_persona(&self, id: String) {
        storage::set_persona(&id);
        self.persona.set(Some(id));
    }
}
