//! The operators' console's API (issue 40), under `/api/admin`: analysts and admins read
//! (`ConsoleReader`), only admins change (`AdminMember`); staff and members get 403
//! `forbidden`, and a request without a session 401.
//! - `dashboard`: the program's figures for a range beside the period before;
//! - `people`: accounts with a role, stores, the shops' API keys;
//! - `members`: a member found by phone, their page, points adjusted;
//! - `churn`: members at risk of churning, and a coupon granted to the whole list;
//! - `audit`: the audit log, filtered, as pages of JSON or as CSV.

mod audit;
mod churn;
mod dashboard;
mod lists;
mod members;
mod people;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(people::router())
        .merge(members::router())
        .merge(churn::router())
        .merge(dashboard::router())
        .merge(audit::router())
}
