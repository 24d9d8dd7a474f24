//! What the app knows and how it gets it: the API's client, the program, the app-wide
//! state, and the preview's editor model.

pub mod api;
pub mod console;
pub mod preview_model;
pub mod program;
pub mod state;
