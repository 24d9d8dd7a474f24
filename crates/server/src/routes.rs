//! The HTTP routes, one module per resource, each with its own `router()`.

pub mod admin;
pub mod auth;
pub mod demo;
pub mod events;
pub mod host_bridge;
pub mod invites;
pub mod mall;
pub mod me;
pub mod orders;
pub mod program;
pub mod quote;
pub mod reminders;
pub mod sales;
pub mod staff;
pub mod static_files;

use axum::Router;

use crate::error;
use crate::AppState;

/// Everything under `/api`. Unknown paths and wrong methods answer our JSON error body,
/// never the app's index.html or axum's empty default.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .merge(program::router())
        .merge(quote::router())
        .merge(demo::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(orders::router())
        .merge(mall::router())
        .merge(invites::router())
        .merge(staff::router())
        .merge(admin::router())
        .merge(events::router())
        .merge(reminders::router())
        .merge(sales::router())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
}
