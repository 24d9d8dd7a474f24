//! Where the member's session lives. Normally in the HttpOnly cookie the server sets, which
//! the app never sees. A web-view that blocks cookies (the page's first script found that
//! a cookie it wrote could not be read back: `self.mcNoCookie`) gets it as a token
//! instead (issue 15): kept in memory and in the tab's sessionStorage,
//! and sent as `Authorization: Bearer`, which the server accepts like the cookie. The
//! page's first script puts a host login link's token there too (`mc.session`, and
//! `self.mcSession` where storage is blocked as well).

use leptos::prelude::window;
use wasm_bindgen::JsValue;

/// The page's memory of the token: a global, which the page's first script sets too.
const IN_MEMORY: &str = "mcSession";
/// The page's memory of a host's login link waiting for consent, set by the first script.
const LINK_IN_MEMORY: &str = "mcLoginLink";

fn global(name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &JsValue::from_str(name)).ok()
}

fn forget_global(name: &str) {
    let _ = js_sys::Reflect::delete_property(&window(), &JsValue::from_str(name));
}

/// The browser will not keep the session cookie: ask logins for a token instead.
pub fn cookies_blocked() -> bool {
    global("mcNoCookie").and_then(|blocked| blocked.as_bool()) == Some(true)
}

/// The token to send, when the session is not in a cookie.
pub fn token() -> Option<String> {
    crate::platform::storage::session_token().or_else(|| global(IN_MEMORY)?.as_string())
}

/// After a login: the token the server answered (it was asked for one).
pub fn keep(token: &str) {
    let _ = js_sys::Reflect::set(&window(), &IN_MEMORY.into(), &token.into());
    crate::platform::storage::set_session_token(token);
}

/// After a logout or the account's deletion.
pub fn forget() {
    forget_global(IN_MEMORY);
    crate::platform::storage::clear_session_token();
}

/// A host's login link waiting for the new member's consent (the exchange answered
/// `consent_required`): the page's first script keeps its code in the tab's storage,
/// and in the page's memory for a browser that blocks storage with the cookies.
pub fn pending_login_link() -> Option<String> {
    crate::platform::storage::login_link().or_else(|| global(LINK_IN_MEMORY)?.as_string())
}

/// The link's code is spent (or refused).
pub fn forget_login_link() {
    forget_global(LINK_IN_MEMORY);
    crate::platform::storage::clear_login_link();
}
