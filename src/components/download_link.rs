use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::Toast;
use crate::data::api;
use crate::words::labels::error_text;
use crate::words::text::lang;

/// How long the file's address stays valid after the download began: the browser has
/// read the bytes by then.
const KEEP_URL: std::time::Duration = std::time::Duration::from_secs(30);

/// A link that downloads one of the member's files from the API (`path` under `api/`).
/// With the session in a cookie the browser fetches it itself. Where cookies are blocked
/// (a host's frame or web-view: the session is a token, sent as a header, which a link
/// cannot carry) the server would answer 401, so the app fetches the file with the token
/// and hands the browser its bytes. `on_click` runs either way (a toast saying where the
/// file went).
#[component]
pub fn DownloadLink(
    path: &'static str,
    filename: &'static str,
    mime: &'static str,
    class: &'static str,
    testid: &'static str,
    #[prop(optional, into)] on_click: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let toast = expect_context::<Toast>();
    let locale = lang();
    let click = move |ev: leptos::ev::MouseEvent| {
        if let Some(on_click) = on_click {
            on_click.run(());
        }
        if crate::platform::session::token().is_none() {
            return;
        }
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let failed = match api::text(path).await {
                Ok(body) => save_file(&body, filename, mime)
                    .err()
                    .map(|_| api::ErrorCode::Network),
                Err(e) => Some(e.code),
            };
            if let Some(code) = failed {
                toast.show(error_text(locale.get_untracked(), code).to_owned());
            }
        });
    };
    view! {
        <a class=class href=api::address(path) download=filename data-testid=testid on:click=click>
            {children()}
        </a>
    }
}

/// Hands `body` to the browser as a download named `filename`.
pub fn save_file(body: &str, filename: &str, mime: &str) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(body));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        KEEP_URL,
    );
    Ok(())
}
