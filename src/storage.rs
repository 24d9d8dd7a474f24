//! What the app remembers between visits, in the browser's localStorage. Every failure
//! (storage disabled in a web-view, private mode, quota) just means "not remembered".

const LANG_KEY: &str = "mc.lang";
const PERSONA_KEY: &str = "mc.persona";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
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
