//! Handing a link to something outside the app: its absolute form, and the clipboard.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::components::Toast;
use crate::text::{lang, Key};

/// A path of this site (`/?invite=…`, `/api/calendar/…`) as a full URL
/// (`https://host/path`, `https://host/member/path` under a base path).
pub fn absolute(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{}{path}", crate::route::base())
}

/// Copies `text`; says `copied` in a toast, or sets `failed` (a web-view may refuse the
/// clipboard: the screen then says to copy by hand).
pub fn copy(text: String, copied: Key, failed: RwSignal<bool>) {
    let toast = expect_context::<Toast>();
    let locale = lang();
    leptos::task::spawn_local(async move {
        let done = JsFuture::from(window().navigator().clipboard().write_text(&text)).await;
        failed.set(done.is_err());
        if done.is_ok() {
            toast.show(copied(locale.get_untracked()).to_owned());
        }
    });
}
