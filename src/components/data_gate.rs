use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{Remount, TopBar};
use crate::state::{AppState, Loaded};
use crate::text::tr;

/// Where the app's data is: loading, failed, or there.
#[derive(Clone)]
enum Phase {
    Loading,
    Failed(ApiError),
    Ready(Loaded),
}

/// Shows its children once the program and the member (or the demo members) are loaded;
/// until then a loading screen, and if the server can't be reached a message with a
/// retry button. Used once, around all screens.
#[component]
pub fn DataGate<F, V>(children: F) -> impl IntoView
where
    F: Fn(Loaded) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let state = expect_context::<AppState>();
    let phase = move || {
        Some(match state.data.get() {
            None => Phase::Loading,
            Some(Err(err)) => Phase::Failed(err),
            Some(Ok(data)) => Phase::Ready(data),
        })
    };
    let key = |phase: &Phase| match phase {
        Phase::Loading => 0,
        Phase::Failed(_) => 1,
        Phase::Ready(_) => 2,
    };
    let show = move |phase: Phase| match phase {
        Phase::Loading => EitherOf3::A(view! {
            <TopBar>{tr!(app.title)}</TopBar>
            <main class="page">
                <div class="card loading" role="status" aria-live="polite">
                    <span class="spinner" aria-hidden="true"></span>
                    <p>{tr!(app.loading)}</p>
                </div>
            </main>
        }),
        Phase::Failed(err) => EitherOf3::B(view! {
            <TopBar>{tr!(app.title)}</TopBar>
            <main class="page">
                <div class="card notice notice--error" role="alert" data-error-code=err.code>
                    <p class="notice__title">{tr!(app.load_failed)}</p>
                    <p class="notice__detail">{tr!(app.load_failed_detail)}</p>
                    <button type="button" class="button button--primary" on:click=move |_| state.load()>
                        {tr!(app.retry)}
                    </button>
                </div>
            </main>
        }),
        Phase::Ready(data) => EitherOf3::C(children(data)),
    };
    view! { <Remount each=phase key children=show /> }
}
