use leptos::prelude::*;

use crate::platform::route::{current_route, follow_login, login_path};
use crate::words::text::tr;

/// For member screens opened logged out: a way to the login, which comes back here.
pub fn need_login() -> impl IntoView {
    let here = current_route();
    view! {
        <section class="card notice" data-testid="need-login">
            <p>{tr!(login.need_login)}</p>
            <a href=login_path(here) class="button button--primary" data-testid="nav-login" on:click=follow_login(here)>
                {tr!(login.nav_login)}
            </a>
        </section>
    }
}
