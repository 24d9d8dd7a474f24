//! The typed client of the member-center API. A non-2xx answer becomes the server's own
//! `{"error": {"code", "message"}}` body; a network failure or an unreadable body gets a
//! code of its own, so the UI can always say something precise.

use contract::error::ErrorBody;
pub use contract::ErrorCode;
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

// The API's bodies, as the contract defines them for the server and the app alike.
pub use contract::auth::CodeSent;
pub use contract::coupons::{CouponStatus, Wallet, WalletCoupon};
pub use contract::demo::DemoMember;
pub use contract::events::{EventsPage, FeedLink, NextEvent};
pub use contract::invites::Progress as Invite;
pub use contract::mall::{Catalog, CatalogItem, Redeemed};
pub use contract::me::{Arrived, CheckedIn, Expiring, Reminders, Summary as Me, Update};
pub use contract::orders::{OrdersPage as OrderPage, PastOrder, PastRefund};
pub use contract::points::{Direction, Entry, PointsPage as EntryPage, PointsPlan, Subject};
pub use contract::staff::{Counter, Granted, MemberCard};

/// Where the API lives: relative to the page's `<base href>`, so under the server's
/// `--base-path` too.
const API_BASE: &str = "api";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status, or 0 when no answer came back.
    pub status: u16,
    /// The server's code, or the app's own `network` / `bad_response`.
    pub code: ErrorCode,
    pub message: String,
    /// Seconds from a `Retry-After` header (a 429's wait), 0 when none.
    pub retry_after: u32,
    /// A wrong login code: the tries it still allows.
    pub tries_left: Option<i64>,
}

impl ApiError {
    /// An error without an answer from the server (status 0): found before sending, or
    /// the network's.
    pub fn local(code: ErrorCode) -> ApiError {
        ApiError {
            status: 0,
            code,
            message: String::new(),
            retry_after: 0,
            tries_left: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

/// `GET /api/program/screens`' text (`screens`), or `GET /api/program/home`'s: the status
/// and the text, which `program::ProgramAnswer` parses.
pub async fn program_text(screens: bool) -> Result<(u16, String), ApiError> {
    let path = if screens {
        "/program/screens"
    } else {
        "/program/home"
    };
    send(Method::GET, path, None).await
}

/// A request body as JSON.
pub(crate) fn json<T: Serialize>(body: &T) -> Option<String> {
    serde_json::to_string(body).ok()
}

pub async fn me() -> Result<Me, ApiError> {
    get_json("/me").await
}

/// A login code for `phone`, its message in `locale` (the app's language).
pub async fn send_code(phone: &str, locale: &str) -> Result<CodeSent, ApiError> {
    let body = contract::auth::CodeRequest {
        phone: phone.to_owned(),
        locale: Some(locale.to_owned()),
    };
    decode(send(Method::POST, "/auth/otp", json(&body)).await?)
}

pub async fn login(phone: &str, code: &str, consent_version: &str) -> Result<(), ApiError> {
    let body = contract::auth::LoginRequest {
        phone: phone.to_owned(),
        code: code.to_owned(),
        consent_version: Some(consent_version.to_owned()),
        store: crate::platform::storage::join_store(),
        bearer: crate::platform::session::cookies_blocked(),
    };
    keep_session(send(Method::POST, "/auth/login", json(&body)).await?);
    // Recorded if this login registered them; either way it has been used.
    crate::platform::storage::clear_join_store();
    Ok(())
}

/// A host's login link for a new member, with the consent given in the app (the page's
/// first script tried it without and was told `consent_required`).
pub async fn exchange(code: &str, consent_version: &str) -> Result<(), ApiError> {
    let body = contract::auth::ExchangeRequest {
        code: code.to_owned(),
        consent_version: Some(consent_version.to_owned()),
        bearer: crate::platform::session::cookies_blocked(),
    };
    keep_session(send(Method::POST, "/auth/exchange", json(&body)).await?);
    Ok(())
}

/// A login's answer carries the session's token when it was asked for one (cookies
/// blocked); only that field is read.
fn keep_session(answer: (u16, String)) {
    #[derive(serde::Deserialize)]
    struct Token {
        token: Option<String>,
    }
    if let Ok(Token { token: Some(token) }) = serde_json::from_str(&answer.1) {
        crate::platform::session::keep(&token);
    }
}

pub async fn logout() -> Result<(), ApiError> {
    let done = send(Method::POST, "/auth/logout", None).await.map(drop);
    crate::platform::session::forget();
    done
}

pub async fn delete_me() -> Result<(), ApiError> {
    send(Method::DELETE, "/me", None).await?;
    crate::platform::session::forget();
    Ok(())
}

/// `PATCH /api/me {"locale": …}` for the language switch on every screen.
pub async fn save_locale(locale: &'static str) -> Result<(), ApiError> {
    let update = Update {
        locale: Some(locale.to_owned()),
        ..Update::default()
    };
    update_me(&update).await
}

/// `PATCH /api/me`: the fields `update` sets.
pub async fn update_me(update: &Update) -> Result<(), ApiError> {
    send(Method::PATCH, "/me", json(update)).await.map(drop)
}

/// `GET /api/me/reminders`: the texts the member asked for.
pub async fn reminders() -> Result<Reminders, ApiError> {
    decode(send(Method::GET, "/me/reminders", None).await?)
}

/// `PUT /api/me/reminders`: on or off, at once.
pub async fn choose_reminders(choice: Reminders) -> Result<Reminders, ApiError> {
    decode(send(Method::PUT, "/me/reminders", json(&choice)).await?)
}

/// The member was shown their new tier (the celebration sheet).
pub async fn celebrated(tier: &rules::TierId) -> Result<(), ApiError> {
    let body = contract::me::Celebrated { tier: tier.clone() };
    send(Method::POST, "/me/celebrated", json(&body))
        .await
        .map(drop)
}

/// The coupons that arrived up to `until_ms` were announced.
pub async fn gifts_seen(until_ms: i64) -> Result<(), ApiError> {
    let body = contract::me::GiftsSeen { until_ms };
    send(Method::POST, "/me/gifts-seen", json(&body))
        .await
        .map(drop)
}

pub async fn checkin() -> Result<CheckedIn, ApiError> {
    decode(send(Method::POST, "/me/checkin", None).await?)
}

/// A page of the ledger, newest first: the credits, the debits, or (`None`) both.
pub async fn points(kind: Option<Direction>, cursor: Option<i64>) -> Result<EntryPage, ApiError> {
    let mut path = String::from("/me/points?limit=20");
    if let Some(kind) = kind {
        path += "&kind=";
        path += kind.as_str();
    }
    if let Some(c) = cursor {
        path += &format!("&cursor={c}");
    }
    get_json(&path).await
}

/// A page of the member's orders, newest paid first, from the one after the order
/// `cursor` (the page before's `next_cursor`). Order ids are URL-safe (letters, digits,
/// `-_.:`), so the cursor goes into the query as it is.
pub async fn orders(cursor: Option<&str>) -> Result<OrderPage, ApiError> {
    let mut path = String::from("/me/orders?limit=20");
    if let Some(c) = cursor {
        path += "&cursor=";
        path += c;
    }
    get_json(&path).await
}

/// The points planner: the member's points by expiry date, with what each lot buys.
pub async fn points_plan() -> Result<PointsPlan, ApiError> {
    get_json("/me/points/plan").await
}

pub async fn demo_members() -> Result<Vec<DemoMember>, ApiError> {
    get_json::<contract::demo::DemoMembers>("/demo/members")
        .await
        .map(|m| m.members)
}

/// Where `path` of the API is, for a request or a link.
pub fn address(path: &str) -> String {
    format!("{API_BASE}{path}")
}

/// A file of the member's (the data export, the events' `.ics`), as text.
pub async fn text(path: &str) -> Result<String, ApiError> {
    send(Method::GET, path, None).await.map(|(_, body)| body)
}

/// `GET {API_BASE}{path}`, the answer read as JSON. Generic only in the decoding: the
/// request is made by one non-generic function for every type.
pub(crate) async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(send(Method::GET, path, None).await?)
}

pub async fn invite() -> Result<Invite, ApiError> {
    decode(send(Method::GET, "/me/invite", None).await?)
}

/// Accepts the invite of the link the shopper arrived by, after their first login.
pub async fn accept_invite(code: &str) -> Result<(), ApiError> {
    let body = contract::invites::AcceptRequest {
        code: code.to_owned(),
    };
    send(Method::POST, "/invites/accept", json(&body))
        .await
        .map(drop)
}

/// The event calendar from `from` to `to` (local dates, both included): the member's
/// own with their session, else the public one.
pub async fn events(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<EventsPage, ApiError> {
    get_json(&format!("/events?from={from}&to={to}")).await
}

/// What a join or invite link shows before the login (codes as links carry them:
/// letters, digits, `-`, `_`, nothing to escape).
pub async fn join_context(
    store: Option<String>,
    invite: Option<String>,
) -> Result<contract::join::JoinContext, ApiError> {
    let mut query = vec![];
    if let Some(store) = store {
        query.push(format!("store={store}"));
    }
    if let Some(invite) = invite {
        query.push(format!("invite={invite}"));
    }
    get_json(&format!("/join-context?{}", query.join("&"))).await
}

/// Home's next events the member may join.
pub async fn next_events() -> Result<contract::events::NextEvents, ApiError> {
    get_json("/me/next-events").await
}

/// A new private calendar feed link (the old one stops working).
pub async fn new_feed() -> Result<FeedLink, ApiError> {
    decode(send(Method::POST, "/me/calendar-feed", None).await?)
}

pub async fn revoke_feed() -> Result<(), ApiError> {
    send(Method::DELETE, "/me/calendar-feed", None)
        .await
        .map(drop)
}

/// The wallet's coupons of one status; all of them for `None`.
pub async fn coupons(status: Option<CouponStatus>) -> Result<Wallet, ApiError> {
    let path = match status {
        Some(status) => format!("/me/coupons?status={}", status.as_str()),
        None => "/me/coupons".to_owned(),
    };
    decode(send(Method::GET, &path, None).await?)
}

/// The points mall for the logged-in member, each item with whether they may redeem it.
pub async fn mall() -> Result<Catalog, ApiError> {
    decode(send(Method::GET, "/mall", None).await?)
}

/// Redeems one unit of an item. `key` is the same for every retry of one redemption, so
/// the server applies it once.
pub async fn redeem(item_id: &str, key: &str) -> Result<Redeemed, ApiError> {
    let body = contract::mall::RedeemRequest {
        item_id: item_id.to_owned(),
    };
    decode(
        send_with(
            Method::POST,
            "/mall/redeem",
            json(&body),
            Some(("Idempotency-Key", key)),
        )
        .await?,
    )
}

/// A fresh random key for one write that may be retried (a redemption, a grant): 128
/// bits from the browser's CSPRNG, in hex (`getRandomValues` also works outside secure
/// contexts, unlike `randomUUID`).
pub fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(crypto) = leptos::prelude::window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The counter's store, join link and today's joins (staff and admin).
pub async fn staff_counter() -> Result<Counter, ApiError> {
    get_json("/staff/counter").await
}

/// A member by full phone number, as staff may see them (audited by the server).
pub async fn staff_lookup(phone: &str) -> Result<MemberCard, ApiError> {
    let body = contract::staff::LookupRequest {
        phone: phone.to_owned(),
    };
    decode(send(Method::POST, "/staff/lookup", json(&body)).await?)
}

/// A coupon from the program's staff menu for a member, with a reason; `key` the same
/// for every retry of one grant.
pub async fn staff_grant(
    member_id: &str,
    grant_id: &str,
    reason: &str,
    key: &str,
) -> Result<Granted, ApiError> {
    let body = contract::staff::GrantRequest {
        member_id: Some(member_id.to_owned()),
        phone: None,
        grant_id: grant_id.to_owned(),
        reason: reason.to_owned(),
    };
    let sent = send_with(
        Method::POST,
        "/staff/coupons",
        json(&body),
        Some(("Idempotency-Key", key)),
    );
    decode(sent.await?)
}

pub(crate) fn decode<T: DeserializeOwned>((status, body): (u16, String)) -> Result<T, ApiError> {
    serde_json::from_str(&body).map_err(|e| bad_response(status, e.to_string()))
}

/// An answer the app could not read as the contract says.
pub fn bad_response(status: u16, message: String) -> ApiError {
    ApiError {
        status,
        code: ErrorCode::BadResponse,
        message,
        retry_after: 0,
        tries_left: None,
    }
}

/// `{method} {API_BASE}{path}` with `fetch` (the session cookie goes along, same
/// origin; or the session's token, where cookies are blocked), a JSON body if any: a 2xx answer's status and body (empty for 204), or the
/// error.
async fn send(method: Method, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
    send_with(method, path, body, None).await
}

/// [`send`] with one more request header (`Idempotency-Key`).
pub(crate) async fn send_with(
    method: Method,
    path: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> Result<(u16, String), ApiError> {
    let network = |e: gloo_net::Error| ApiError {
        message: e.to_string(),
        ..ApiError::local(ErrorCode::Network)
    };
    let mut request = RequestBuilder::new(&address(path))
        .method(method)
        .header("Accept", "application/json");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    if let Some(token) = crate::platform::session::token() {
        request = request.header("Authorization", &format!("Bearer {token}"));
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
                    tries_left: body.error.tries_left,
                },
                _ => bad_response(status, response.status_text()),
            },
        );
    }
    let body = body.ok_or_else(|| bad_response(status, "unreadable body".into()))?;
    Ok((status, body))
}
