use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::TopBar;
use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TopBar>{t!(i18n, app.title)}</TopBar>
        <main class="page">
            <section class="card notice">
                <p>{t!(i18n, app.not_found)}</p>
                <A href="/" attr:class="button button--primary">
                    {t!(i18n, app.go_home)}
                </A>
            </section>
        </main>
    }
}
