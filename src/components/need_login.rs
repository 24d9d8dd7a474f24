use leptos::prelude::*;

use crate::route::{follow, Route};
use crate::text::tr;

/// For member screens opened logged out: a way to the login.
pub fn need_login() -> impl IntoView {
    view! {
        <section class="card notice" data-testid="need-login">
            <p>{tr!(login.need_login)}</p>
            <a href=Route::Login.path() class="button button--primary" data-testid="nav-login" on:click=follow(Route::Login)>
                {tr!(login.nav_login)}
            </a>
        </section>
    }
}
