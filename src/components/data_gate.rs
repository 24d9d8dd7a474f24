use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::{failed_screen, loading_screen, Remount};
use crate::data::api::ApiError;
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;

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
        Phase::Loading => EitherOf3::A(loading_screen(|l| td_string!(l, app.loading))),
        Phase::Failed(err) => EitherOf3::B(failed_screen(
            |l| td_string!(l, app.load_failed),
            err.code.as_str().to_owned(),
            move || state.load(),
        )),
        Phase::Ready(data) => EitherOf3::C(children(data)),
    };
    view! { <Remount each=phase key children=show /> }
}
