//! The member center app: client-side rendered Leptos, built by Trunk into `dist/`.

mod app;
#[cfg(test)]
mod checks;
mod components;
mod data;
mod pages;
mod platform;
mod words;

// `Locale`, `use_i18n`, `t!`… generated at compile time from `locales/*.json` and the
// `[package.metadata.leptos-i18n]` table of Cargo.toml. (leptos_i18n 0.6 prefers a
// build script; this macro does the same without one.)
#[allow(deprecated)]
mod locales {
    leptos_i18n::load_locales!();
}
use locales::i18n;

fn main() {
    // index.html shows a loading line while the wasm downloads; the app replaces it.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    remember_invite();
    remember_join();
    leptos::mount::mount_to_body(app::App);
}

/// An invite link (`/?invite=CODE`): the code is kept for the login that follows.
fn remember_invite() {
    let search = leptos::prelude::window()
        .location()
        .search()
        .unwrap_or_default();
    if let Some(code) = platform::route::invite_code(&search) {
        platform::storage::set_invite(code);
    }
}

/// A store's join link (`/join?store=SH001`, its QR code at the counter): the store is
/// kept for the login that registers the shopper, and the address becomes `/login`.
fn remember_join() {
    let window = leptos::prelude::window();
    let location = window.location();
    let pathname = location.pathname().unwrap_or_default();
    if platform::route::site_path(&pathname) != "/join" {
        return;
    }
    let search = location.search().unwrap_or_default();
    if let Some(code) = platform::route::join_store(&search) {
        platform::storage::set_join_store(code);
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(platform::route::Route::Login.href()),
        );
    }
}
