//! A host's login link for a member who is new here and whose host did not pass their
//! consent: the exchange answered `consent_required`, so the page's first script kept
//! the code for the tab and opened this screen. Agreeing signs them in with that same
//! code (it works for 60 s from when the host made it); a spent one leaves the phone
//! form, with a message saying so.

use std::sync::Arc;

use leptos::prelude::*;

use super::consent_field;
use crate::components::{Loader, Toast};
use crate::data::api;
use crate::data::program::ScreensProgram;
use crate::data::state::AppState;
use crate::platform::route::{after_login, navigator};
use crate::platform::session;
use crate::words::labels::error_of;
use crate::words::text::{dyn_text, flag, lang, tr};

#[component]
pub fn LinkConsent(
    program: Arc<ScreensProgram>,
    /// The link's code.
    code: String,
    /// The code waiting, set to `None` here once it is spent (the phone form then shows).
    link: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let toast = expect_context::<Toast>();
    let version = program.membership.privacy_notice_version.clone();
    let consent = RwSignal::new(false);
    let requests = Loader::new();
    let Loader { error, busy, .. } = requests;
    let navigate = navigator();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !consent.get_untracked() {
            error.set(Some(api::ErrorCode::ConsentRequired));
            return;
        }
        let (code, version) = (code.clone(), version.clone());
        let request = async move {
            let answer = api::exchange(&code, &version).await;
            if let Err(e) = &answer {
                if e.code == api::ErrorCode::LoginLinkInvalid {
                    session::forget_login_link();
                    toast.show(error_of(locale.get_untracked(), Some(e.code)).into());
                    link.set(None);
                }
            }
            answer
        };
        requests.run(request, move |()| {
            session::forget_login_link();
            state.reload_after_login(locale);
            navigate(after_login());
        });
    };
    let error_text = dyn_text(move || error_of(locale.get(), error.get()).to_owned());
    view! {
        <p class="intro" data-testid="link-consent">{tr!(login.link_intro)}</p>
        <form class="card form" on:submit=submit novalidate=true>
            {consent_field(consent)}
            <p class="field-msg field-msg--error" role="alert" data-testid="login-error"
                hidden=flag(move || error.with(Option::is_none))>
                {error_text}
            </p>
            <button type="submit" class="button button--primary" data-testid="link-continue" disabled=busy>
                {tr!(login.link_continue)}
            </button>
        </form>
    }
}
