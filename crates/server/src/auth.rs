//! Who is asking: a member's session (an HttpOnly cookie for browsers, `Authorization:
//! Bearer` for web-views) or a shop's API key, as axum extractors; and the per-IP limits on
//! login.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::base_path::BasePath;
use crate::clock::ms;
use crate::crypto::sha256_hex;
use crate::db::auth as store;
use crate::error::ApiError;
use crate::read_now;
use crate::AppState;
use contract::ErrorCode;

pub const SESSION_COOKIE: &str = "mc_session";

/// The client's address: the socket's peer, or — when the peer is one of the trusted
/// reverse proxies (`--trusted-proxy`) — the address that proxy put in `X-Forwarded-For`.
/// The header is read from the right, past any trusted proxies: the first other address is
/// the one the nearest trusted proxy saw; what lies further left was written by the client
/// and proves nothing. From any other peer the header is ignored, so nobody picks their own
/// budget. Requests without a peer (in-process tests) count as 127.0.0.1.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted_proxies.contains(&ip) => continue,
            Ok(ip) => return ip,
            // Garbage in the chain: nothing left of it can be trusted; the proxy is the
            // client as far as the limits know.
            Err(_) => return peer,
        }
    }
    peer
}

/// The client's address as an extractor (see [`client_ip`]).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.trusted_proxies)))
    }
}

/// The `Authorization: Bearer …` token, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The session cookie's value, if any.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then_some(value)
        })
}

/// The session token of a request: bearer first (web-views), then the cookie.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    bearer(headers).or_else(|| session_cookie(headers))
}

/// `Set-Cookie` for a new session: HttpOnly (scripts never see it), Secure, SameSite=Lax,
/// and sent only under the site's `--base-path` (not to the rest of a host's site).
pub fn session_cookie_header(token: &str, ttl: Duration, base: &BasePath) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path={}; HttpOnly; Secure; SameSite=Lax; Max-Age={}",
        base.dir(),
        ttl.as_secs()
    ))
    .expect("a token is URL-safe base64 and a base path needs no escaping")
}

/// The same cookie, empty and expired: the browser drops it.
pub fn clear_session_cookie_header(base: &BasePath) -> HeaderValue {
    session_cookie_header("", Duration::ZERO, base)
}

/// A logged-in member (or staff, or admin: every account is a member too).
#[derive(Debug, Clone)]
pub struct AuthMember {
    pub id: String,
    pub role: contract::auth::Role,
}

impl FromRequestParts<AppState> for AuthMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        AuthMember::of_session(parts, state)
            .await?
            .ok_or_else(ApiError::unauthorized)
    }
}

impl AuthMember {
    /// The member of the request's live session; none without one.
    async fn of_session(parts: &Parts, state: &AppState) -> Result<Option<AuthMember>, ApiError> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(None);
        };
        let now = ms(&state.clock.now());
        let Some((id, role)) = store::session_member(&state.db, token, now).await? else {
            return Ok(None);
        };
        let role = contract::auth::Role::parse(&role)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored role `{role}`")))?;
        Ok(Some(AuthMember { id, role }))
    }
}

/// `Option<AuthMember>`: the member when the request has a live session; none for no
/// session or a stale one (a public read answers it as it answers anyone).
impl OptionalFromRequestParts<AppState> for AuthMember {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        AuthMember::of_session(parts, state).await
    }
}

/// A logged-in staff user or admin; anyone else gets 403 `forbidden`.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: String,
    pub role: contract::auth::Role,
}

impl FromRequestParts<AppState> for StaffMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AuthMember { id, role } =
            <AuthMember as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !role.is_staff() {
            return Err(forbidden("staff only"));
        }
        Ok(StaffMember { id, role })
    }
}

/// A logged-in admin; anyone else (staff included) gets 403 `forbidden`.
#[derive(Debug, Clone)]
pub struct AdminMember {
    pub id: String,
}

impl FromRequestParts<AppState> for AdminMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AuthMember { id, role } =
            <AuthMember as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if role != contract::auth::Role::Admin {
            return Err(forbidden("admin only"));
        }
        Ok(AdminMember { id })
    }
}

/// A logged-in analyst or admin: the operators' console's reads; anyone else gets 403
/// `forbidden`.
#[derive(Debug, Clone)]
pub struct ConsoleReader {
    pub id: String,
}

impl FromRequestParts<AppState> for ConsoleReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AuthMember { id, role } =
            <AuthMember as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !role.reads_console() {
            return Err(forbidden("analysts and admins only"));
        }
        Ok(ConsoleReader { id })
    }
}

fn forbidden(message: &'static str) -> ApiError {
    ApiError::reject(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
}

/// A shop, by its API key in `Authorization: Bearer mc_…`.
#[derive(Debug, Clone)]
pub struct ShopKey {
    pub id: String,
}

impl FromRequestParts<AppState> for ShopKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let refused = || {
            ApiError::reject(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidApiKey,
                "send a valid API key as `Authorization: Bearer <key>`",
            )
        };
        let key = bearer(&parts.headers).ok_or_else(refused)?;
        let reads = state.sqlite_reads.as_deref();
        let id = read_now!(reads, &state.db, |conn| store::api_key_id(conn, key))?
            .ok_or_else(refused)?;
        let now = ms(&state.clock.now());
        if state.shop_keys.maps().use_to_write(&id, now) {
            write_use(state, &id, now);
        }
        Ok(ShopKey { id })
    }
}

/// A shop by its API key, as [`ShopKey`], read from the database only the first time it
/// is seen (and after a refusal): the order route's. The order's checks read the key
/// again by its id (`workflows::orders::admit`; on SQLite in the order's transaction): a
/// key revoked since records nothing and is refused there. (A read per order on a connection other
/// than the writer's was a fifth of an order's work on the request threads.)
pub struct RememberedShopKey {
    pub id: String,
    key_sha256: String,
}

/// The shops' keys found valid, by their SHA-256 (a few shops, so a small map), and when
/// each key's last use was last written down.
#[derive(Default)]
pub struct RememberedShopKeys(Mutex<ShopKeyMaps>);

#[derive(Default)]
struct ShopKeyMaps {
    ids: HashMap<String, String>,
    use_written_ms: HashMap<String, i64>,
}

/// Beyond this many keys the map starts over (only valid keys are remembered; this only
/// bounds it).
const REMEMBERED_KEYS: usize = 64;

/// A key's last use is written down at most this often (the console shows it to the
/// minute), off the request's path.
const USE_WRITTEN_EVERY_MS: i64 = 60_000;

impl RememberedShopKeys {
    fn maps(&self) -> std::sync::MutexGuard<'_, ShopKeyMaps> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// After the key was refused: the next request reads it again.
    pub fn forget(&self, key: &RememberedShopKey) {
        self.maps().ids.remove(&key.key_sha256);
    }
}

impl ShopKeyMaps {
    /// Whether the use of `id` at `now_ms` is to be written down (and notes it is).
    fn use_to_write(&mut self, id: &str, now_ms: i64) -> bool {
        let due = self
            .use_written_ms
            .get(id)
            .is_none_or(|at| now_ms - at >= USE_WRITTEN_EVERY_MS);
        if due {
            if self.use_written_ms.len() >= REMEMBERED_KEYS {
                self.use_written_ms.clear();
            }
            self.use_written_ms.insert(id.to_owned(), now_ms);
        }
        due
    }
}

/// Writes a key's use down in the background: the request does not wait for it, and a
/// failure costs only the "last used" figure.
fn write_use(state: &AppState, id: &str, now_ms: i64) {
    let (db, id) = (state.db.clone(), id.to_owned());
    tokio::spawn(async move {
        if let Err(e) = crate::db::people::touch_api_key(&db, &id, now_ms).await {
            tracing::warn!(error = %e, key = %id, "could not note the API key's use");
        }
    });
}

impl FromRequestParts<AppState> for RememberedShopKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = bearer(&parts.headers).unwrap_or_default();
        let key_sha256 = sha256_hex(&[key.as_bytes()]);
        let now = ms(&state.clock.now());
        let remembered = {
            let mut maps = state.shop_keys.maps();
            let id = maps.ids.get(&key_sha256).cloned();
            id.map(|id| {
                let write = maps.use_to_write(&id, now);
                (id, write)
            })
        };
        let id = match remembered {
            Some((id, write)) => {
                if write {
                    write_use(state, &id, now);
                }
                id
            }
            None => {
                // `ShopKey` writes the use down.
                let ShopKey { id } = ShopKey::from_request_parts(parts, state).await?;
                let mut maps = state.shop_keys.maps();
                if maps.ids.len() >= REMEMBERED_KEYS {
                    maps.ids.clear();
                }
                maps.ids.insert(key_sha256.clone(), id.clone());
                id
            }
        };
        Ok(RememberedShopKey { id, key_sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_bearer_or_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(session_token(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; mc_session=abc; b=2"),
        );
        assert_eq!(session_token(&h), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer xyz"),
        );
        assert_eq!(session_token(&h), Some("xyz"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(session_token(&h), Some("abc"));
    }

    #[test]
    fn the_forwarded_client_counts_only_behind_a_trusted_proxy() {
        let parts = |peer: &str, forwarded: Option<&str>| {
            let mut req = axum::http::Request::builder();
            if let Some(f) = forwarded {
                req = req.header("x-forwarded-for", f);
            }
            let (mut parts, ()) = req.body(()).unwrap().into_parts();
            let peer: SocketAddr = format!("{peer}:1234").parse().unwrap();
            parts.extensions.insert(ConnectInfo(peer));
            parts
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        let cases = [
            ("10.0.0.1", Some("198.51.100.7"), "198.51.100.7"),
            ("10.0.0.1", Some("1.2.3.4, 198.51.100.7"), "198.51.100.7"),
            ("10.0.0.1", Some("198.51.100.7, 10.0.0.2"), "198.51.100.7"),
            ("10.0.0.1", Some("nonsense"), "10.0.0.1"),
            ("10.0.0.1", None, "10.0.0.1"),
            ("192.0.2.5", Some("198.51.100.7"), "192.0.2.5"),
        ];
        for (peer, forwarded, expected) in cases {
            assert_eq!(
                client_ip(&parts(peer, forwarded), &proxies),
                ip(expected),
                "{peer} {forwarded:?}"
            );
        }
    }
}
