//! What the app remembers between visits, in the browser's localStorage. Every failure
//! (storage disabled in a web-view, private mode, quota) just means "not remembered".

const LANG_KEY: &str = "mc.lang";
const PERSONA_KEY: &str = "mc.persona";
const INVITE_KEY: &str = "mc.invite";
const PREVIEW_KEY: &str = "mc.preview";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The tab's storage: kept across reloads, gone with the tab.
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

fn set(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn lang() -> Option<String> {
    get(LANG_KEY)
}

pub fn set_lang(lang: &str) {
    set(LANG_KEY, lang);
}

pub fn persona() -> Option<String> {
    get(PERSONA_KEY)
}

pub fn set_persona(id: &str) {
    set(PERSONA_KEY, id);
}

/// The invite code of the link the shopper arrived by (`/?invite=CODE`), kept until
/// their login accepts it.
pub fn invite() -> Option<String> {
    get(INVITE_KEY)
}

pub fn set_invite(code: &str) {
    set(INVITE_KEY, code);
}

pub fn clear_invite() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(INVITE_KEY);
    }
}

/// The preview's draft (JSON), for this tab only: a what-if cart is not worth keeping
/// once the tab is closed, nor for the next person on a shared phone.
pub fn preview() -> Option<String> {
    session_storage()?.get_item(PREVIEW_KEY).ok().flatten()
}

pub fn set_preview(json: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(PREVIEW_KEY, json);
    }
}

pub fn clear_preview() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(PREVIEW_KEY);
    }
}
