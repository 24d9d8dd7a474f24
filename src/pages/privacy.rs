use std::sync::Arc;

use leptos::prelude::*;

use crate::components::TopBar;
use crate::data::program::ScreensProgram;
use crate::i18n::*;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang, tr};

/// The privacy notice the login consents to, with the program's notice version.
#[component]
pub fn Privacy(program: Arc<ScreensProgram>) -> impl IntoView {
    let locale = lang();
    let version = dyn_text(move || {
        fill(
            td_string!(locale.get(), privacy.version),
            &[("version", &program.membership.privacy_notice_version)],
        )
    });
    view! {
        <TopBar back=true>{tr!(privacy.title)}</TopBar>
        <main class="page page--privacy">
            <article class="card prose" data-testid="privacy">
                <p>{tr!(privacy.p1)}</p>
                <p>{tr!(privacy.p2)}</p>
                <p>{tr!(privacy.p3)}</p>
                <p>{tr!(privacy.p4)}</p>
                <p class="hint" data-testid="privacy-version">{version}</p>
            </article>
        </main>
    }
}
