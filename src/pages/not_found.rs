use leptos::prelude::*;

use crate::components::TopBar;
use crate::platform::route::{follow, Route};
use crate::words::text::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <TopBar>{tr!(app.title)}</TopBar>
        <main class="page">
            <section class="card notice">
                <p>{tr!(app.not_found)}</p>
                <a href=Route::Home.href() class="button button--primary" on:click=follow(Route::Home)>
                    {tr!(app.go_home)}
                </a>
            </section>
        </main>
    }
}
