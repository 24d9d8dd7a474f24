use leptos::prelude::*;

use crate::state::{AppState, Loaded};
use crate::text::tr;

/// Shows its children once the program and the members are loaded; until then a
/// loading state, and if the server can't be reached a message with a retry button.
#[component]
pub fn DataGate<F, V>(children: F) -> impl IntoView
where
    F: Fn(Loaded) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let state = expect_context::<AppState>();
    move || {
        match state.data.get() {
        None => view! {
            <div class="card loading" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{tr!(app.loading)}</p>
            </div>
        }
        .into_any(),
        Some(Err(err)) => view! {
            <div class="card notice notice--error" role="alert" data-error-code=err.code.clone()>
                <p class="notice__title">{tr!(app.load_failed)}</p>
                <p class="notice__detail">{tr!(app.load_failed_detail)}</p>
                <button type="button" class="button button--primary" on:click=move |_| state.data.refetch()>
                    {tr!(app.retry)}
                </button>
            </div>
        }
        .into_any(),
        Some(Ok(data)) => children(data).into_any(),
    }
    }
}
