//! `GET /api/me/export`: everything stored about the member, as one JSON document.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::auth::AuthMember;
use crate::db::export;
use crate::error::ApiError;
use crate::AppState;

pub async fn get(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.clock.now();
    let document = export::document(&state.db, &state.program.program, &me.id, &now)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"member-data.json\"",
        )],
        axum::Json(document),
    ))
}
