//! The operators' console's requests (`/api/admin/*`, docs/api.md). Only the console's
//! module (`pages::admin`, split from the first screen) calls them, so they travel with it.

use gloo_net::http::Method;

use super::api::{decode, get_json, json, send_with, ApiError};
pub use contract::admin::{
    Adjusted, ApiKeyCreated, ApiKeys, AuditEntry, AuditPage, CampaignBucket, CampaignMonitor,
    ChurnMember, ChurnPage, Dashboard, GrantBatch, Kpi, MemberFound, MemberPage, Part, TrendPoint,
    User, Users,
};
pub use contract::auth::Role;
pub use contract::staff::{StoreInfo, Stores};

/// A query string of the pairs whose value is not empty, each value URI-encoded.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        out.push_str(&String::from(js_sys::encode_uri_component(value)));
    }
    out
}

pub async fn dashboard(from: &str, to: &str) -> Result<Dashboard, ApiError> {
    get_json(&format!(
        "/admin/dashboard{}",
        query(&[("from", from), ("to", to)])
    ))
    .await
}

pub async fn campaign(from: &str, to: &str) -> Result<CampaignMonitor, ApiError> {
    get_json(&format!(
        "/admin/campaign{}",
        query(&[("from", from), ("to", to)])
    ))
    .await
}

/// A member by full phone number (audited by the server).
pub async fn lookup(phone: &str) -> Result<MemberFound, ApiError> {
    let body = contract::admin::MemberLookup {
        phone: phone.to_owned(),
    };
    post("/admin/members/lookup", json(&body), None).await
}

pub async fn member(id: &str) -> Result<MemberPage, ApiError> {
    get_json(&format!("/admin/members/{id}")).await
}

/// Points added (positive) or taken (negative) with a reason; `key` the same for every
/// retry of one adjustment.
pub async fn adjust(id: &str, points: i64, reason: &str, key: &str) -> Result<Adjusted, ApiError> {
    let body = contract::admin::AdjustRequest {
        points: rules::Points(points),
        reason: reason.to_owned(),
    };
    post(
        &format!("/admin/members/{id}/points"),
        json(&body),
        Some(key),
    )
    .await
}

/// The churn list's filters as a query (`after` for the next page; JSON or CSV alike).
pub fn churn_query(tier: &str, store: &str, after: &str) -> String {
    query(&[("tier", tier), ("store", store), ("after", after)])
}

pub async fn churn(query: &str) -> Result<ChurnPage, ApiError> {
    get_json(&format!("/admin/churn{query}")).await
}

/// A coupon of the staff menu to the whole churn list (as filtered), one `key` per batch.
pub async fn churn_grant(
    request: &contract::admin::ChurnGrantRequest,
    key: &str,
) -> Result<GrantBatch, ApiError> {
    post("/admin/churn/grants", json(request), Some(key)).await
}

pub async fn grant_progress(id: &str) -> Result<GrantBatch, ApiError> {
    get_json(&format!("/admin/churn/grants/{id}")).await
}

pub async fn audit(query: &str) -> Result<AuditPage, ApiError> {
    get_json(&format!("/admin/audit{query}")).await
}

pub async fn users() -> Result<Users, ApiError> {
    get_json("/admin/users").await
}

/// Gives the account of `phone` a role (and a store, for staff); `member` takes it away.
pub async fn set_role(phone: &str, role: Role, store: &str) -> Result<User, ApiError> {
    let body = contract::admin::UserRequest {
        phone: phone.to_owned(),
        role,
        store: (!store.is_empty()).then(|| store.to_owned()),
    };
    post("/admin/users", json(&body), None).await
}

pub async fn stores() -> Result<Stores, ApiError> {
    get_json("/admin/stores").await
}

/// Creates the store `code` or renames it.
pub async fn save_store(code: &str, name: &str) -> Result<StoreInfo, ApiError> {
    let body = contract::admin::StoreRequest {
        name: name.to_owned(),
    };
    let path = format!("/admin/stores/{}", js_sys::encode_uri_component(code));
    decode(send_with(Method::PUT, &path, json(&body), None).await?)
}

pub async fn api_keys() -> Result<ApiKeys, ApiError> {
    get_json("/admin/api-keys").await
}

pub async fn create_api_key(name: &str) -> Result<ApiKeyCreated, ApiError> {
    let body = contract::admin::ApiKeyRequest {
        name: name.to_owned(),
    };
    post("/admin/api-keys", json(&body), None).await
}

pub async fn revoke_api_key(id: &str) -> Result<(), ApiError> {
    let path = format!("/admin/api-keys/{}", js_sys::encode_uri_component(id));
    send_with(Method::DELETE, &path, None, None)
        .await
        .map(|_| ())
}

async fn post<T: serde::de::DeserializeOwned>(
    path: &str,
    body: Option<String>,
    key: Option<&str>,
) -> Result<T, ApiError> {
    let header = key.map(|k| ("Idempotency-Key", k));
    decode(send_with(Method::POST, path, body, header).await?)
}
