//! `GET /api/demo/members`: the demo personas and their snapshots, for the persona switcher.
//! Only in demo mode; otherwise the path does not exist (404), so nothing leaks.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
pub use contract::demo::DemoMembers;

use crate::error::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/demo/members", get(members))
}

async fn members(State(state): State<AppState>) -> Result<Json<DemoMembers>, ApiError> {
    if !state.demo {
        return Err(ApiError::NotFound);
    }
    let now = state.clock.now();
    let members = crate::reads::demo::demo_members(&state.db, &state.program.program, &now).await?;
    Ok(Json(DemoMembers { members }))
}
