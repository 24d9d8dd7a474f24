use leptos::prelude::*;

use crate::components::TopBar;
use crate::words::text::{message, tr, Key};

/// A whole screen that waits: the app's data, or a screen's code being fetched.
pub fn loading_screen(what: Key) -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        // `aria-busy`: what comes is not there yet (a host app waits for it before it
        // sizes its frame, `web/host.js`).
        <main class="page" aria-busy="true">
            <div class="card loading" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{message(what)}</p>
            </div>
        </main>
    }
}

/// A whole screen that could not be shown (a network problem): what failed, the error
/// code for tests and support, and a retry.
pub fn failed_screen(what: Key, code: String, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        <main class="page">
            <div class="card notice notice--error" role="alert" data-error-code=code>
                <p class="notice__title">{message(what)}</p>
                <p class="notice__detail">{tr!(app.load_failed_detail)}</p>
                <button type="button" class="button button--primary" on:click=move |_| retry()>
                    {tr!(app.retry)}
                </button>
            </div>
        </main>
    }
}
