use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::components::{Loader, TopBar};
use crate::data::api;
use crate::data::api::ErrorCode;
use crate::data::program::ScreensProgram;
use crate::data::state::AppState;
use crate::i18n::*;
use crate::platform::route::{after_login, follow, navigator, Route};
use crate::words::labels::{error_name, error_of, fill};
use crate::words::text::{dyn_text, flag, lang, tr};

/// A number the server accepts (the rules' one parser, `rules::phone`).
fn valid_phone(phone: &str) -> bool {
    rules::phone::parse_mobile(phone).is_some()
}

mod join_context;
mod link_consent;

use join_context::JoinContext;
use link_consent::LinkConsent;

/// Login with phone + one-time code; the consent to the privacy notice is required. A
/// host's login link that still needs the new member's consent asks only for that.
#[component]
pub fn Login(program: Arc<ScreensProgram>) -> impl IntoView {
    let link = RwSignal::new(crate::platform::session::pending_login_link());
    let form = move || match link.get() {
        Some(code) => leptos::either::Either::Left(
            view! { <LinkConsent program=program.clone() code link /> },
        ),
        None => leptos::either::Either::Right(view! { <LoginForm program=program.clone() /> }),
    };
    view! {
        <TopBar back=true>{tr!(login.title)}</TopBar>
        <main class="page page--login">{form}</main>
    }
}

/// "I have read and agree to the Privacy Policy", a link to it, and the box.
fn consent_field(consent: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="consent">
            <input type="checkbox" data-testid="login-consent" checked=consent.get_untracked()
                on:change=move |ev| consent.set(event_target_checked(&ev)) />
            <span>
                {tr!(login.consent_before)}
                <a href=Route::Privacy.href() data-testid="privacy-link" on:click=follow(Route::Privacy)>
                    {tr!(login.privacy_link)}
                </a>
            </span>
        </label>
    }
}

/// The form's state. Signals of types the app already has (`Option<String>`, `i64`,
/// `bool`): each new signal type compiles its own copy of the reactive machinery (wasm
/// size).
#[derive(Clone, Copy)]
struct Form {
    phone: RwSignal<Option<String>>,
    code: RwSignal<Option<String>>,
    consent: RwSignal<bool>,
    /// The requests: the error code shown, busy.
    requests: Loader,
    /// The seconds until a new code may be asked for.
    wait: RwSignal<i64>,
    /// After a wrong code: the tries it still allows (-1: not known).
    tries_left: RwSignal<i64>,
    /// The code, shown in demo mode (the server returns it; there is no SMS gateway).
    dev_code: RwSignal<Option<String>>,
}

/// What the form held when its screen went away (the privacy notice opened from the
/// consent line, then back): the tab's memory, for the app's lifetime in this page. Not
/// in storage: a one-time code is not worth writing down, and a web-view may block
/// storage anyway.
#[derive(Clone, Default)]
struct Kept {
    phone: Option<String>,
    code: Option<String>,
    consent: bool,
    /// When a new code may be asked for (`Date.now()`, ms): the countdown goes on.
    resend_at_ms: f64,
    dev_code: Option<String>,
}

thread_local! {
    static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
}

impl Form {
    /// A form with what was kept.
    fn restored() -> Form {
        let kept = KEPT.with(|k| k.borrow().clone());
        let wait = ((kept.resend_at_ms - js_sys::Date::now()) / 1000.0)
            .ceil()
            .max(0.0);
        Form {
            phone: RwSignal::new(kept.phone),
            code: RwSignal::new(kept.code),
            consent: RwSignal::new(kept.consent),
            requests: Loader::new(),
            wait: RwSignal::new(wait as i64),
            tries_left: RwSignal::new(-1),
            dev_code: RwSignal::new(kept.dev_code),
        }
    }

    /// Keeps what the form holds now, whenever it changes, for the next time it opens.
    fn keep(self) {
        Effect::new(move || {
            let kept = Kept {
                phone: self.phone.get(),
                code: self.code.get(),
                consent: self.consent.get(),
                resend_at_ms: js_sys::Date::now() + self.wait.get() as f64 * 1000.0,
                dev_code: self.dev_code.get(),
            };
            KEPT.with(|k| *k.borrow_mut() = kept);
        });
    }

    /// After a login: nothing of it is kept.
    fn forget() {
        KEPT.with(|k| *k.borrow_mut() = Kept::default());
    }

    /// The phone number typed, trimmed.
    fn number(self) -> String {
        self.phone
            .get_untracked()
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// After a refusal that says when to try again, the countdown starts; after a wrong
    /// code, the tries left are kept for the message.
    fn note_wait(self, e: &api::ApiError) {
        if e.retry_after > 0 {
            self.wait.set(e.retry_after.into());
        }
        self.tries_left.set(e.tries_left.unwrap_or(-1));
    }
}

/// What is wrong with the form before it is sent (an error code), if anything.
fn form_problem(number: &str, digits: &str, consent: bool) -> Option<ErrorCode> {
    if !valid_phone(number) {
        Some(ErrorCode::InvalidPhone)
    } else if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(ErrorCode::InvalidCode)
    } else if !consent {
        Some(ErrorCode::ConsentRequired)
    } else {
        None
    }
}

#[component]
fn LoginForm(program: Arc<ScreensProgram>) -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    let version = program.membership.privacy_notice_version.clone();
    let form = Form::restored();
    form.keep();
    let Loader { error, busy, .. } = form.requests;
    let navigate = navigator();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = form.number();
        let digits = form
            .code
            .get_untracked()
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(problem) = form_problem(&number, &digits, form.consent.get_untracked()) {
            error.set(Some(problem));
            return;
        }
        error.set(None);
        let version = version.clone();
        let request = async move {
            api::login(&number, &digits, &version)
                .await
                .inspect_err(|e| form.note_wait(e))
        };
        form.requests.run(request, move |()| {
            Form::forget();
            state.reload_after_login(locale);
            navigate(after_login());
        });
    };
    let error_code = dyn_text(move || error_name(error.get()).to_owned());
    let error_text = dyn_text(move || {
        error
            .get()
            .map(|code| {
                let (wait, tries) = (form.wait.get(), form.tries_left.get());
                let l = locale.get();
                // What to do next, with the numbers that say when: the tries a wrong code
                // leaves, the seconds a lock lasts (counting down with the code button).
                let text = match code {
                    ErrorCode::CodeInvalid if tries > 0 => td_string!(l, login.code_invalid_tries),
                    ErrorCode::CodeInvalid if tries == 0 => {
                        error_of(l, Some(ErrorCode::TooManyAttempts))
                    }
                    ErrorCode::TooManyAttempts if wait > 0 => {
                        td_string!(l, login.too_many_attempts_wait)
                    }
                    _ => error_of(l, Some(code)),
                };
                fill(text, &[("s", &wait.to_string()), ("n", &tries.to_string())])
            })
            .unwrap_or_default()
    });
    view! {
        <JoinContext />
        <p class="intro">{tr!(login.intro)}</p>
        <form class="card form" on:submit=submit novalidate=true>
            <label class="field">
                <span class="field__label">{tr!(login.phone_label)}</span>
                <input class="input" data-testid="login-phone" type="tel" inputmode="numeric"
                    autocomplete="tel-national" maxlength="20" placeholder=tr!(login.phone_placeholder)
                    value=form.phone.get_untracked()
                    on:input=move |ev| form.phone.set(Some(event_target_value(&ev))) />
            </label>
            <CodeField form />
            {consent_field(form.consent)}
            <p class="field-msg field-msg--error" role="alert" data-testid="login-error" data-code=error_code
                hidden=flag(move || error.with(Option::is_none))>
                {error_text}
            </p>
            <button type="submit" class="button button--primary" data-testid="login-submit" disabled=busy>
                {tr!(login.submit)}
            </button>
        </form>
    }
}

/// The code field, the button that asks for a code (then counts down until another may
/// be asked for), and the code itself in demo mode.
#[component]
fn CodeField(form: Form) -> impl IntoView {
    let locale = lang();
    let Form { wait, dev_code, .. } = form;
    let Loader { error, busy, .. } = form.requests;
    if let Ok(timer) = set_interval_with_handle(
        move || {
            if wait.get_untracked() > 0 {
                wait.update(|w| *w -= 1);
            }
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || timer.clear());
    }
    let get_code = move |_| {
        let number = form.number();
        if !valid_phone(&number) {
            error.set(Some(ErrorCode::InvalidPhone));
            return;
        }
        error.set(None);
        let lang = locale.get_untracked().as_str();
        let request = async move {
            api::send_code(&number, lang)
                .await
                .inspect_err(|e| form.note_wait(e))
        };
        form.requests.run(request, move |sent| {
            wait.set(i64::try_from(sent.resend_after_s).unwrap_or(i64::MAX));
            dev_code.set(sent.dev_code);
        });
    };
    let code_button = dyn_text(move || match wait.get() {
        0 => td_string!(locale.get(), login.get_code).to_string(),
        s => fill(
            td_string!(locale.get(), login.resend_in),
            &[("s", &s.to_string())],
        ),
    });
    let dev = dyn_text(move || dev_code.get().unwrap_or_default());
    let dev_text = dyn_text(move || {
        fill(
            td_string!(locale.get(), login.dev_code),
            &[("code", &dev.get())],
        )
    });
    let code_disabled = flag(move || busy.get() || wait.get() > 0);
    view! {
        <label class="field">
            <span class="field__label">{tr!(login.code_label)}</span>
            <span class="code-row">
                <input class="input" data-testid="login-code" type="text" inputmode="numeric"
                    autocomplete="one-time-code" maxlength="6" placeholder=tr!(login.code_placeholder)
                    value=form.code.get_untracked()
                    on:input=move |ev| form.code.set(Some(event_target_value(&ev))) />
                <button type="button" class="button button--ghost" data-testid="get-code"
                    disabled=code_disabled on:click=get_code>
                    {code_button}
                </button>
            </span>
        </label>
        <p class="hint dev-code" data-testid="dev-code" data-value=dev hidden=flag(move || dev_code.with(Option::is_none))>
            {dev_text}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::{form_problem, valid_phone, ErrorCode};

    /// The app accepts exactly what the server accepts: the rules' shared list.
    #[test]
    fn the_numbers_the_server_accepts() {
        for (text, e164) in rules::phone::EXAMPLES {
            assert_eq!(valid_phone(text), e164.is_some(), "{text:?}");
        }
    }

    #[test]
    fn the_form_is_checked_in_order() {
        assert_eq!(
            form_problem("1380000000", "123456", true),
            Some(ErrorCode::InvalidPhone)
        );
        assert_eq!(
            form_problem("13800000001", "12345", true),
            Some(ErrorCode::InvalidCode)
        );
        assert_eq!(
            form_problem("13800000001", "12345a", true),
            Some(ErrorCode::InvalidCode)
        );
        assert_eq!(
            form_problem("13800000001", "123456", false),
            Some(ErrorCode::ConsentRequired)
        );
        assert_eq!(form_problem("13800000001", "123456", true), None);
    }
}
