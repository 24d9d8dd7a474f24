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
    /// The program and the demo members: `None` until the first answer.
    pub data: RwSignal<Option<Result<Loaded, ApiError>>>,
    /// The demo member shown, by id (until login exists); remembered in localStorage.
    pub persona: RwSignal<Option<String>>,
}

impl AppState {
    /// The state, with the data being fetched.
    ///
    /// A signal set by a spawned task rather than a `LocalResource`: the resource's
    /// async-derived machinery was a visible share of the wasm for one fetch at start.
    pub fn new() -> AppState {
        let state = AppState {
            data: RwSignal::new(None),
            persona: RwSignal::new(storage::persona()),
        };
        state.load();
        state
    }

    /// Fetches the data (again, after a failure); what is shown stays until the answer.
    pub fn load(self) {
        let data = self.data;
        leptos::task::spawn_local(async move {
            let loaded = fetch().await;
            data.try_set(Some(loaded));
        });
    }

    pub fn choose_persona(&self, id: String) {
        storage::set_persona(&id);
        self.persona.set(Some(id));
    }
}

async fn fetch() -> Result<Loaded, ApiError> {
    let program = api::program().await?;
    let members = api::demo_members().await?;
    Ok(Loaded {
        program: Arc::new(program),
        members: Arc::new(members),
    })
}
