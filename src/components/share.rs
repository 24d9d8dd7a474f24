//! Handing a link to something outside the app: its absolute form, and the clipboard.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::components::Toast;
use crate::words::text::{lang, Key};

/// A path of this site (`/?invite=…`, `/api/calendar/…`) as a full URL
/// (`https://host/path`, `https://host/member/path` under a base path).
pub fn absolute(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{}{path}", crate::platform::route::base())
}

/// Whether the app runs in a WeChat-style mini-program's web-view (as `web/host.js`
/// tells): there "use this coupon" opens the host's own page, elsewhere the app's
/// calculator.
pub fn in_mini_program() -> bool {
    let environment = js_sys::Reflect::get(&window(), &"__wxjs_environment".into())
        .ok()
        .and_then(|v| v.as_string());
    environment.as_deref() == Some("miniprogram")
        || (window().navigator().user_agent())
            .is_ok_and(|agent| agent.to_ascii_lowercase().contains("miniprogram"))
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
