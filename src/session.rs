//! Where the member's session lives. Normally in the HttpOnly cookie the server sets, which
//! the app never sees. A web-view that blocks cookies (the page's first script found that
//! a cookie it wrote could not be read back: `self.mcNoCookie`) gets it as a token
//! instead (issue 15): kept in memory and in the tab's sessionStorage,
//! and sent as `Authorization: Bearer`, which the server accepts like the cookie. The
//! page's first script puts a host login link's token there too (`mc.session`, and
//! `self.mcSession` where storage is blocked as well).

use std::cell::RefCell;

use leptos::prelude::window;
use wasm_bindgen::JsValue;

thread_local! {
    static TOKEN: RefCell<Option<String>> = RefCell::new(
        crate::storage::session_token().or_else(|| global("mcSession")?.as_string()),
    );
}

fn global(name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &JsValue::from_str(name)).ok()
}

/// The browser will not keep the session cookie: ask logins for a token instead.
pub fn cookies_blocked() -> bool {
    global("mcNoCookie").and_then(|blocked| blocked.as_bool()) == Some(true)
}

/// The token to send, when the session is not in a cookie.
pub fn token() -> Option<String> {
    TOKEN.with(|token| token.borrow().clone())
}

/// After a login: the token the server answered, if it was asked for one.
pub fn keep(token: Option<String>) {
    if let Some(token) = &token {
        crate::storage::set_session_token(token);
    }
    TOKEN.with(|kept| *kept.borrow_mut() = token);
}

/// After a logout or the account's deletion.
pub fn forget() {
    crate::storage::clear_session_token();
    let _ = js_sys::Reflect::delete_property(&window(), &JsValue::from_str("mcSession"));
    TOKEN.with(|kept| kept.borrow_mut().take());
}
