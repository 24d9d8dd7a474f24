use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::TopBar;
use crate::text::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        <main class="page">
            <section class="card notice">
                <p>{tr!(app.not_found)}</p>
                <A href="/" attr:class="button button--primary">
                    {tr!(app.go_home)}
                </A>
            </section>
        </main>
    }
}
