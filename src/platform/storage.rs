//! What the app remembers between visits, in the browser's localStorage (the preview's
//! draft: the tab's sessionStorage). Every failure (storage disabled in a web-view,
//! private mode, quota) just means "not remembered".

use web_sys::Storage;

const LANG_KEY: &str = "mc.lang";
const PERSONA_KEY: &str = "mc.persona";
const INVITE_KEY: &str = "mc.invite";
const PREVIEW_KEY: &str = "mc.preview";
const JOIN_STORE_KEY: &str = "mc.join-store";
/// Written by the page's first script (`cargo xtask build`), not by the app.
const LOGIN_LINK_KEY: &str = "mc.login-link";
/// The session as a token where cookies are blocked (`session`); the first script writes
/// it too, after a host's login link.
const SESSION_KEY: &str = "mc.session";

fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The tab's storage: kept across reloads, gone with the tab.
fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn get(area: Option<Storage>, key: &str) -> Option<String> {
    area?.get_item(key).ok().flatten()
}

fn set(area: Option<Storage>, key: &str, value: &str) {
    if let Some(storage) = area {
        let _ = storage.set_item(key, value);
    }
}

fn remove(area: Option<Storage>, key: &str) {
    if let Some(storage) = area {
        let _ = storage.remove_item(key);
    }
}

pub fn lang() -> Option<String> {
    get(local_storage(), LANG_KEY)
}

pub fn set_lang(lang: &str) {
    set(local_storage(), LANG_KEY, lang);
}

pub fn persona() -> Option<String> {
    get(local_storage(), PERSONA_KEY)
}

pub fn set_persona(id: &str) {
    set(local_storage(), PERSONA_KEY, id);
}

/// The invite code of the link the shopper arrived by (`/?invite=CODE`), kept until
/// their login accepts it.
pub fn invite() -> Option<String> {
    get(local_storage(), INVITE_KEY)
}

pub fn set_invite(code: &str) {
    set(local_storage(), INVITE_KEY, code);
}

pub fn clear_invite() {
    remove(local_storage(), INVITE_KEY);
}

/// The store of the join QR code the shopper came by (`/join?store=SH001`), sent with
/// their login (which registers them) and then forgotten.
pub fn join_store() -> Option<String> {
    get(local_storage(), JOIN_STORE_KEY)
}

pub fn set_join_store(code: &str) {
    set(local_storage(), JOIN_STORE_KEY, code);
}

pub fn clear_join_store() {
    remove(local_storage(), JOIN_STORE_KEY);
}

/// A host's login link waiting for the new member's consent (the exchange answered
/// `consent_required`), for this tab only; its code works for 60 s anyway.
pub fn login_link() -> Option<String> {
    get(session_storage(), LOGIN_LINK_KEY)
}

pub fn clear_login_link() {
    remove(session_storage(), LOGIN_LINK_KEY);
}

/// The session token of a web-view that blocks cookies, for this tab only.
pub fn session_token() -> Option<String> {
    get(session_storage(), SESSION_KEY)
}

pub fn set_session_token(token: &str) {
    set(session_storage(), SESSION_KEY, token);
}

pub fn clear_session_token() {
    remove(session_storage(), SESSION_KEY);
}

/// The preview's draft (JSON), for this tab only: a what-if cart is not worth keeping
/// once the tab is closed, nor for the next person on a shared phone.
pub fn preview() -> Option<String> {
    get(session_storage(), PREVIEW_KEY)
}

pub fn set_preview(json: &str) {
    set(session_storage(), PREVIEW_KEY, json);
}

pub fn clear_preview() {
    remove(session_storage(), PREVIEW_KEY);
}
