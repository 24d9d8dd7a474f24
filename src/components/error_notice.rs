use leptos::prelude::*;

use crate::data::api::ErrorCode;
use crate::words::labels::{error_name, error_of};
use crate::words::text::{dyn_text, flag, lang, tr};

/// What went wrong with a screen's request, in the member's language, and a way on: the
/// retry runs `retry` again (a load, or a reload after a refused action, so the screen
/// shows what is true now). Hidden while there is no error; `data-code` carries the
/// error's wire name for tests and support.
pub fn error_notice(
    testid: &'static str,
    error: RwSignal<Option<ErrorCode>>,
    retry: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let locale = lang();
    let code = dyn_text(move || error_name(error.get()).to_owned());
    let text = dyn_text(move || error_of(locale.get(), error.get()).to_string());
    view! {
        <div class="card notice notice--error" role="alert" data-testid=testid data-code=code
            hidden=flag(move || error.with(Option::is_none))>
            <p>{text}</p>
            <button type="button" class="button button--ghost" data-testid=format!("{testid}-retry")
                on:click=move |_| {
                    error.set(None);
                    retry();
                }>
                {tr!(app.retry)}
            </button>
        </div>
    }
}
