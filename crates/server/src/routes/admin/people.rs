//! - `GET /api/admin/users`, `POST /api/admin/users`: accounts with a role beyond member;
//!   a role given to a phone (registering it if new), `member` to take it away;
//! - `GET /api/admin/stores`, `PUT /api/admin/stores/{code}`: create or rename;
//! - `GET /api/admin/api-keys`, `POST /api/admin/api-keys`, `DELETE /api/admin/api-keys/{id}`.
//!
//! Every change is audited (`workflows::people`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use contract::admin::{
    ApiKeyCreated, ApiKeyInfo, ApiKeyRequest, ApiKeys, StoreRequest, User, UserRequest, Users,
};
use contract::staff::{StoreInfo, Stores};

use crate::auth::{AdminMember, ConsoleReader};
use crate::clock::from_ms;
use crate::db::{people as stored, stores};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::workflows::people;
use crate::AppState;
use rules::phone::mask;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(set_role))
        .route("/admin/stores", get(list_stores))
        .route("/admin/stores/{code}", put(save_store))
        .route("/admin/api-keys", get(api_keys).post(create_api_key))
        .route("/admin/api-keys/{id}", delete(revoke_api_key))
}

async fn users(State(state): State<AppState>, _: ConsoleReader) -> Result<Json<Users>, ApiError> {
    let users = stored::list(&state.db)
        .await?
        .into_iter()
        .map(user)
        .collect();
    Ok(Json(Users { users }))
}

fn user(p: stored::Person) -> User {
    User {
        id: p.id,
        phone_masked: p.phone.as_deref().map(mask).unwrap_or_default(),
        nickname: p.nickname.unwrap_or_default(),
        role: p.role,
        store: p.store,
    }
}

async fn set_role(
    State(state): State<AppState>,
    admin: AdminMember,
    ApiJson(req): ApiJson<UserRequest>,
) -> Result<Json<User>, ApiError> {
    let now = state.clock.now();
    let program = &state.program.program;
    let id = people::set_role(&state.db, program, Some(&admin.id), &req, &now).await?;
    let person = stored::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("account {id} gone after its role")))?;
    Ok(Json(user(person)))
}

async fn list_stores(
    State(state): State<AppState>,
    _: ConsoleReader,
) -> Result<Json<Stores>, ApiError> {
    let stores = stores::list(&state.db).await?;
    Ok(Json(Stores { stores }))
}

async fn save_store(
    State(state): State<AppState>,
    admin: AdminMember,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<StoreRequest>,
) -> Result<Json<StoreInfo>, ApiError> {
    let now = state.clock.now();
    let saved = people::save_store(&state.db, Some(&admin.id), &code, &req.name, &now).await?;
    Ok(Json(saved))
}

async fn api_keys(
    State(state): State<AppState>,
    _: ConsoleReader,
) -> Result<Json<ApiKeys>, ApiError> {
    let offset = state.program.program.offset();
    let at = |ms: i64| from_ms(ms, offset);
    let keys = stored::api_keys(&state.db)
        .await?
        .into_iter()
        .map(|k| ApiKeyInfo {
            id: k.id,
            name: k.name,
            created_at: at(k.created_at_ms),
            last_used_at: k.last_used_at_ms.map(at),
            revoked_at: k.revoked_at_ms.map(at),
        })
        .collect();
    Ok(Json(ApiKeys { keys }))
}

async fn create_api_key(
    State(state): State<AppState>,
    admin: AdminMember,
    ApiJson(req): ApiJson<ApiKeyRequest>,
) -> Result<(StatusCode, Json<ApiKeyCreated>), ApiError> {
    let now = state.clock.now();
    let (id, key) = people::create_api_key(&state.db, Some(&admin.id), &req.name, &now).await?;
    let name = req.name.trim().to_owned();
    Ok((StatusCode::CREATED, Json(ApiKeyCreated { id, name, key })))
}

async fn revoke_api_key(
    State(state): State<AppState>,
    admin: AdminMember,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    people::revoke_api_key(&state.db, Some(&admin.id), &id, &now).await?;
    Ok(StatusCode::NO_CONTENT)
}
