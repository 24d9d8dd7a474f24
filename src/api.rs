//! The typed client of the member-center API. A non-2xx answer becomes the server's own
//! `{"error": {"code", "message"}}` body; a network failure or an unreadable body gets a
//! code of its own, so the UI can always say something precise.

use chrono::{DateTime, FixedOffset};
use gloo_net::http::{Method, RequestBuilder};
use rules::program::Text;
use rules::quote::MemberSnapshot;
use rules::Program;
use rules::{Coupon, CouponKind};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Where the API lives. The app may later be served under a base path.
const API_BASE: &str = "/api";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status, or 0 when no answer came back.
    pub status: u16,
    /// The server's snake_case code, or `network` / `bad_response`.
    pub code: String,
    pub message: String,
    /// Seconds from a `Retry-After` header (a 429's wait), 0 when none.
    pub retry_after: u32,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

/// A demo member of `GET /api/demo/members`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DemoMember {
    pub id: String,
    pub nickname: String,
    pub snapshot: MemberSnapshot,
}

#[derive(Deserialize)]
struct DemoMembers {
    members: Vec<DemoMember>,
}

pub async fn program() -> Result<Program, ApiError> {
    get_json("/program").await
}

/// The logged-in member, `GET /api/me` (401 when not logged in).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub id: String,
    pub nickname: String,
    pub phone_masked: Option<String>,
    pub birthday: Option<String>,
    /// The language the member chose (`zh`, `en`), on any device.
    pub locale: Option<String>,
    pub retention: Option<Retention>,
    pub points_balance: i64,
    pub points_expiring: Option<Expiring>,
    pub checkin: Checkin,
    pub snapshot: MemberSnapshot,
}

/// `GET /api/me/coupons`: the wallet, what expires first first.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Wallet {
    pub coupons: Vec<WalletCoupon>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WalletCoupon {
    pub id: String,
    pub kind: CouponKind,
    pub title: Text,
    /// How it was issued: `welcome`, `first_order`, `monthly`, `birthday`, `invite`,
    /// `mall`, `campaign`, `staff`.
    pub source: String,
    pub valid_from: DateTime<FixedOffset>,
    pub valid_until: DateTime<FixedOffset>,
    pub first_order_only: bool,
    /// `available`, `used` or `expired`, as of the answer.
    pub status: String,
}

impl WalletCoupon {
    /// The rules' view of it, to ask whether it fits a cart.
    pub fn rules_coupon(&self) -> Coupon {
        Coupon {
            id: self.id.clone(),
            kind: self.kind.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            first_order_only: self.first_order_only,
        }
    }
}

/// `GET /api/mall`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Catalog {
    pub points_balance: i64,
    pub items: Vec<CatalogItem>,
}

/// A mall item as the member sees it (the fields the screen shows).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CatalogItem {
    pub id: String,
    pub title: Text,
    pub points: i64,
    /// Units left to anyone; none: unlimited.
    pub remaining: Option<i64>,
    pub eligible: bool,
    /// Why not, when not eligible: `insufficient_points`, `out_of_stock`, …
    pub reason: Option<String>,
}

/// `POST /api/mall/redeem`'s answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Redeemed {
    pub points_balance_after: i64,
    /// The coupon put in the wallet, for a coupon item.
    pub coupon: Option<serde::de::IgnoredAny>,
}

/// What keeps the member's tier: `gap_fen` more spend by the date `by`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Retention {
    pub gap_fen: i64,
    pub by: String,
}

/// Points that expire soon; `at` is an RFC 3339 instant (its date is shown).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Expiring {
    pub points: i64,
    pub at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Checkin {
    pub checked_in_today: bool,
    pub streak_day: u32,
}

/// `POST /api/auth/otp`'s answer.
#[derive(Deserialize)]
pub struct CodeSent {
    pub resend_after_s: u32,
    pub dev_code: Option<String>,
}

/// `POST /api/me/checkin`'s answer.
#[derive(Deserialize)]
pub struct CheckedIn {
    pub streak_day: u32,
    pub points: i64,
    pub points_balance: i64,
}

/// One entry of the points ledger.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entry {
    pub kind: String,
    pub points: i64,
    pub balance_after: i64,
    pub at: String,
}

#[derive(Deserialize)]
pub struct EntryPage {
    pub entries: Vec<Entry>,
    pub next_cursor: Option<i64>,
}

/// A JSON string literal.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub async fn me() -> Result<Me, ApiError> {
    get_json("/me").await
}

pub async fn send_code(phone: &str) -> Result<CodeSent, ApiError> {
    let body = format!("{{\"phone\":{}}}", quoted(phone));
    decode(send(Method::POST, "/auth/otp", Some(body)).await?)
}

pub async fn login(phone: &str, code: &str, consent_version: &str) -> Result<(), ApiError> {
    let body = format!(
        "{{\"phone\":{},\"code\":{},\"consent_version\":{}}}",
        quoted(phone),
        quoted(code),
        quoted(consent_version)
    );
    send(Method::POST, "/auth/login", Some(body))
        .await
        .map(drop)
}

pub async fn logout() -> Result<(), ApiError> {
    send(Method::POST, "/auth/logout", None).await.map(drop)
}

pub async fn delete_me() -> Result<(), ApiError> {
    send(Method::DELETE, "/me", None).await.map(drop)
}

/// `PATCH /api/me` with one field (`birthday`, `locale`).
pub async fn update_me(field: &str, value: &str) -> Result<(), ApiError> {
    let body = format!("{{{}:{}}}", quoted(field), quoted(value));
    send(Method::PATCH, "/me", Some(body)).await.map(drop)
}

pub async fn checkin() -> Result<CheckedIn, ApiError> {
    decode(send(Method::POST, "/me/checkin", None).await?)
}

/// A page of the ledger, newest first; `kind` is `earn`, `spend` or empty for all.
pub async fn points(kind: &str, cursor: Option<i64>) -> Result<EntryPage, ApiError> {
    let mut path = String::from("/me/points?limit=20");
    if !kind.is_empty() {
        path += "&kind=";
        path += kind;
    }
    if let Some(c) = cursor {
        path += &format!("&cursor={c}");
    }
    get_json(&path).await
}

pub async fn demo_members() -> Result<Vec<DemoMember>, ApiError> {
    get_json::<DemoMembers>("/demo/members")
        .await
        .map(|m| m.members)
}

/// `GET {API_BASE}{path}`, the answer read as JSON. Generic only in the decoding: the
/// request is made by one non-generic function for every type.
async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send(Method::GET, path, None).await?)
}

/// `GET /api/me/invite`: the member's invite code and this year's progress.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Invite {
    pub code: String,
    /// Relative to the app (`/?invite=CODE`).
    pub link: String,
    pub rewarded_this_year: i64,
    pub max_rewarded_per_year: i64,
    pub bonus_earned: bool,
    /// Rewarded invites still needed for this year's bonus (0 once earned).
    pub invites_to_bonus: i64,
}

pub async fn invite() -> Result<Invite, ApiError> {
    decode(send(Method::GET, "/me/invite", None).await?)
}

/// Accepts the invite of the link the shopper arrived by, after their first login.
pub async fn accept_invite(code: &str) -> Result<(), ApiError> {
    let body = format!("{{\"code\":{}}}", quoted(code));
    send(Method::POST, "/invites/accept", Some(body))
        .await
        .map(drop)
}

/// The wallet's coupons of one status (`available`, `used`, `expired`).
pub async fn coupons(status: &str) -> Result<Wallet, ApiError> {
    decode(send(Method::GET, &format!("/me/coupons?status={status}"), None).await?)
}

/// The points mall for the logged-in member, each item with whether they may redeem it.
pub async fn mall() -> Result<Catalog, ApiError> {
    decode(send(Method::GET, "/mall", None).await?)
}

/// Redeems one unit of an item. `key` is the same for every retry of one redemption, so
/// the server applies it once.
pub async fn redeem(item_id: &str, key: &str) -> Result<Redeemed, ApiError> {
    let body = format!("{{\"item_id\":{}}}", quoted(item_id));
    decode(
        send_with(
            Method::POST,
            "/mall/redeem",
            Some(body),
            Some(("Idempotency-Key", key)),
        )
        .await?,
    )
}

fn decode<T: DeserializeOwned>((status, body): (u16, String)) -> Result<T, ApiError> {
    serde_json::from_str(&body).map_err(|e| bad_response(status, e.to_string()))
}

fn bad_response(status: u16, message: String) -> ApiError {
    ApiError {
        status,
        code: "bad_response".into(),
        message,
        retry_after: 0,
    }
}

/// `{method} {API_BASE}{path}` with `fetch` (the session cookie goes along, same
/// origin), a JSON body if any: a 2xx answer's status and body (empty for 204), or the
/// error.
async fn send(method: Method, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
    send_with(method, path, body, None).await
}

/// [`send`] with one more request header (`Idempotency-Key`).
async fn send_with(
    method: Method,
    path: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<(u16, String), ApiError> {
    let network = |e: gloo_net::Error| ApiError {
        status: 0,
        code: "network".into(),
        message: e.to_string(),
        retry_after: 0,
    };
    let mut request = RequestBuilder::new(&format!("{API_BASE}{path}"))
        .method(method)
        .header("Accept", "application/json");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let request = match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    }
    .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    let status = response.status();
    // `None` when the body cannot be read.
    let body = response.text().await.ok();
    if !response.ok() {
        return Err(
            match body.as_deref().map(serde_json::from_str::<ErrorBody>) {
                Some(Ok(body)) => ApiError {
                    status,
                    code: body.error.code,
                    message: body.error.message,
                    retry_after: response
                        .headers()
                        .get("Retry-After")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0),
                },
                _ => bad_response(status, response.status_text()),
            },
        );
    }
    let body = body.ok_or_else(|| bad_response(status, "unreadable body".into()))?;
    Ok((status, body))
}
