use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::{choose_language, need_login, DownloadLink, Loader, Toast, TopBar};
use crate::data::api::{self, ApiError, ErrorCode, Me, Reminders, Update};
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::platform::route::{follow, navigator, Route};
use crate::words::display::member_name;
use crate::words::labels::{error_name, error_of};
use crate::words::text::{dyn_text, flag, lang, tr};
use rules::profile::{check_nickname, nickname_length, NICKNAME_MAX_CHARS};

mod birthday;

use birthday::{birthday_words, BirthdayEditor};

/// What the profile's buttons do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    SaveNickname,
    SaveBirthday,
    Delete,
    Logout,
}

/// The member's profile: nickname, phone, birthday (set once), language, data export,
/// account deletion (confirmed first) and logout.
#[component]
pub fn Profile(data: Loaded) -> impl IntoView {
    let content = match data.me {
        Some(me) => Either::Left(view! { <ProfileContent me /> }),
        None => Either::Right(need_login()),
    };
    view! {
        <TopBar back=true>{tr!(profile.title)}</TopBar>
        <main class="page page--profile">{content}</main>
    }
}

/// The fields that are edited here, and what the server has of them (updated on save:
/// this screen is not rebuilt when the data reloads).
#[derive(Clone, Copy)]
struct Fields {
    nickname: RwSignal<String>,
    saved_nickname: RwSignal<String>,
    /// The birthday chosen, not yet saved.
    birthday: RwSignal<Option<String>>,
    saved_birthday: RwSignal<Option<String>>,
}

#[component]
fn ProfileContent(me: Arc<Me>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let requests = Loader::new();
    let busy = requests.busy;
    let fields = Fields {
        nickname: RwSignal::new(me.nickname.clone().unwrap_or_default()),
        saved_nickname: RwSignal::new(me.nickname.clone().unwrap_or_default()),
        birthday: RwSignal::new(None),
        saved_birthday: RwSignal::new(me.birthday.map(|d| d.to_string())),
    };
    let navigate = navigator();
    let toast = expect_context::<Toast>();
    let locale = lang();
    // Runs an account action: a field saved (the data reloaded by `then`), or the
    // account deleted or logged out (`then` leaves, back home); on failure its message.
    let act = move |action: Action, then: fn(AppState)| {
        requests.error.set(None);
        let value = match action {
            Action::SaveNickname => fields.nickname.get_untracked(),
            _ => fields.birthday.get_untracked().unwrap_or_default(),
        };
        let request = async move {
            match action {
                Action::SaveNickname => {
                    let update = Update {
                        nickname: Some(value.clone()),
                        ..Update::default()
                    };
                    api::update_me(&update).await
                }
                Action::SaveBirthday => {
                    let birthday = value
                        .parse::<rules::Birthday>()
                        .map_err(|_| ApiError::local(ErrorCode::InvalidBirthday))?;
                    let update = Update {
                        birthday: Some(birthday),
                        ..Update::default()
                    };
                    api::update_me(&update).await
                }
                Action::Delete => api::delete_me().await,
                Action::Logout => api::logout().await,
            }
            .map(|()| value)
        };
        requests.run(request, move |saved| {
            match action {
                Action::SaveBirthday => fields.saved_birthday.set(Some(saved)),
                Action::SaveNickname => fields.saved_nickname.set(saved.trim().to_owned()),
                Action::Delete | Action::Logout => {}
            }
            match action {
                Action::SaveNickname | Action::SaveBirthday => {
                    toast.show(td_string!(locale.get_untracked(), profile.saved).to_owned());
                    then(state);
                }
                Action::Delete | Action::Logout => {
                    then(state);
                    navigate(Route::Home);
                }
            }
        });
    };
    // Logging out is the screen's last, quiet action, and asks first.
    let confirming = RwSignal::new(false);
    // Staff reach the store counter from here (home stays the shoppers').
    let counter = me.role.is_staff().then(|| {
        view! {
            <a href=Route::Staff.href() class="button button--primary" data-testid="nav-staff" on:click=follow(Route::Staff)>
                {tr!(staff.nav)}
            </a>
        }
    });
    view! {
        {counter}
        <ProfileDetails phone=me.phone_masked.clone().unwrap_or_default() fields requests act />
        <LanguageChoice />
        <ExpiryTexts />
        <AccountData busy act />
        <button type="button" class="button button--ghost" data-testid="logout"
            hidden=confirming on:click=move |_| confirming.set(true)>
            {tr!(profile.logout)}
        </button>
        <div class="confirm" role="alertdialog" aria-labelledby="logout-question" hidden=flag(move || !confirming.get())>
            <p id="logout-question">{tr!(profile.logout_question)}</p>
            <button type="button" class="button button--primary" data-testid="logout-confirm"
                disabled=busy on:click=move |_| act(Action::Logout, AppState::leave)>
                {tr!(profile.logout)}
            </button>
            <button type="button" class="button button--ghost" on:click=move |_| confirming.set(false)>
                {tr!(profile.cancel)}
            </button>
        </div>
    }
}

/// Nickname, masked phone and birthday (set once), with the error of the last action.
#[component]
fn ProfileDetails<A>(phone: String, fields: Fields, requests: Loader, act: A) -> impl IntoView
where
    A: Fn(Action, fn(AppState)) + Copy + Send + Sync + 'static,
{
    let locale = lang();
    let Fields {
        nickname,
        saved_nickname,
        birthday,
        saved_birthday,
    } = fields;
    let Loader { error, busy, .. } = requests;
    let birthday_field = move || match saved_birthday.get() {
        Some(text) => {
            let words = text
                .parse::<rules::Birthday>()
                .ok()
                .map(|b| dyn_text(move || birthday_words(locale.get(), b)));
            Either::Left(view! {
                <dd data-testid="profile-birthday" data-value=text>{words}</dd>
            })
        }
        None => Either::Right(view! { <BirthdayEditor birthday busy act /> }),
    };
    // What the member is called until they choose (`会员1234`).
    let unnamed = {
        let phone = phone.clone();
        move || member_name(locale.get(), "", Some(&phone))
    };
    // Counted as people count characters, the server's rule: nothing is cut while typing.
    // Left as it was (none chosen yet, the field empty) is not an error.
    let nickname_wrong = move || {
        nickname.with(|n| saved_nickname.with(|s| n.trim() != s && check_nickname(n).is_err()))
    };
    view! {
        <section class="card">
            <dl class="rows profile">
                <div class="row row--wrap">
                    <dt>{tr!(profile.nickname)}</dt>
                    <dd class="inline-edit">
                        <input class="input" type="text" data-testid="profile-nickname"
                            aria-label=tr!(profile.nickname) placeholder=unnamed
                            aria-describedby="nickname-count nickname-error"
                            aria-invalid=dyn_text(move || nickname_wrong().to_string())
                            prop:value=nickname.get_untracked()
                            on:input=move |ev| nickname.set(event_target_value(&ev)) />
                        <button type="button" class="button button--ghost" data-testid="profile-nickname-save"
                            disabled=flag(move || busy.get() || nickname_wrong() || nickname.with(|n| saved_nickname.with(|s| n.trim() == s)))
                            on:click=move |_| act(Action::SaveNickname, |s| s.load())>
                            {tr!(profile.nickname_save)}
                        </button>
                        <span id="nickname-count" class="field-count" data-testid="profile-nickname-count"
                            class:field-count--over=nickname_wrong>
                            {dyn_text(move || format!("{}/{NICKNAME_MAX_CHARS}", nickname.with(|n| nickname_length(n))))}
                        </span>
                        <span id="nickname-error" class="field-msg field-msg--error" data-testid="profile-nickname-error"
                            hidden=flag(move || !nickname_wrong())>
                            {tr!(profile.nickname_invalid)}
                        </span>
                    </dd>
                </div>
                <div class="row">
                    <dt>{tr!(profile.phone)}</dt>
                    <dd data-testid="profile-phone">{phone}</dd>
                </div>
                <div class="row row--wrap">
                    <dt>{tr!(profile.birthday)}</dt>
                    {birthday_field}
                </div>
            </dl>
            <p class="hint">{tr!(profile.birthday_hint)}</p>
            <p class="hint" data-testid="profile-birthday-fix" hidden=flag(move || saved_birthday.with(Option::is_none))>
                {tr!(profile.birthday_fix)}
            </p>
            <p class="field-msg field-msg--error" role="alert" data-testid="profile-error"
                data-code=dyn_text(move || error_name(error.get()).to_owned()) hidden=flag(move || error.with(Option::is_none))>
                {dyn_text(move || error_of(locale.get(), error.get()).to_string())}
            </p>
        </section>
    }
}

/// The language, for this device and saved for the member.
#[component]
fn LanguageChoice() -> impl IntoView {
    let locale = lang();
    let lang_button = move |to: Locale, name: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=format!("profile-lang-{}", to.as_str())
                aria-pressed=dyn_text(move || (locale.get() == to).to_string())
                on:click=move |_| choose_language(to)>
                {name}
            </button>
        }
    };
    view! {
        <section class="card">
            <h2 class="card__title">{tr!(profile.language)}</h2>
            <div class="tabs" role="group">
                {lang_button(Locale::zh, "中文")}
                {lang_button(Locale::en, "English")}
            </div>
        </section>
    }
}

/// The points-expiry text (积分到期提醒): off until the member turns it on.
#[component]
fn ExpiryTexts() -> impl IntoView {
    let requests = Loader::new();
    let known = RwSignal::new(false);
    let on = RwSignal::new(false);
    let show = move |r: Reminders| {
        on.set(r.points_expiry);
        known.set(true);
    };
    requests.run(api::reminders(), show);
    let locale = lang();
    // The switch moves at the tap; a refusal puts it back (and says why).
    let flip = move |ev| {
        let wanted = event_target_checked(&ev);
        on.set(wanted);
        let request = async move {
            let answer = api::choose_reminders(Reminders {
                points_expiry: wanted,
            })
            .await;
            if answer.is_err() {
                on.set(!wanted);
            }
            answer
        };
        requests.run(request, show);
    };
    view! {
        <section class="card">
            <h2 class="card__title">{tr!(profile.reminders)}</h2>
            <label class="switch">
                <input type="checkbox" role="switch" data-testid="profile-expiry-texts"
                    prop:checked=on
                    disabled=flag(move || requests.busy.get() || !known.get())
                    on:change=flip />
                <span>{tr!(profile.expiry_texts)}</span>
            </label>
            <p class="hint">{tr!(profile.expiry_texts_hint)}</p>
            <p class="field-msg field-msg--error" role="alert" hidden=flag(move || requests.error.with(Option::is_none))>
                {dyn_text(move || error_of(locale.get(), requests.error.get()).to_string())}
            </p>
        </section>
    }
}

/// The member's data: the export, and the account's deletion (confirmed first).
#[component]
fn AccountData<A>(busy: RwSignal<bool>, act: A) -> impl IntoView
where
    A: Fn(Action, fn(AppState)) + Copy + Send + Sync + 'static,
{
    let confirming = RwSignal::new(false);
    let toast = expect_context::<Toast>();
    let locale = lang();
    // The browser saves the file without a word on a phone: say where it went.
    let exported =
        move || toast.show(td_string!(locale.get_untracked(), profile.export_started).to_owned());
    view! {
        <section class="card actions">
            <h2 class="card__title">{tr!(profile.data)}</h2>
            <DownloadLink path="/me/export" filename="member-data.json" mime="application/json"
                class="button button--ghost" testid="profile-export" on_click=exported>
                {tr!(profile.export)}
            </DownloadLink>
            <button type="button" class="button button--ghost button--danger-text" data-testid="profile-delete"
                hidden=confirming on:click=move |_| confirming.set(true)>
                {tr!(profile.delete)}
            </button>
            <div class="confirm" role="alertdialog" aria-labelledby="delete-warning" hidden=flag(move || !confirming.get())>
                <p id="delete-warning" class="notice notice--error">{tr!(profile.delete_warning)}</p>
                <button type="button" class="button button--danger" data-testid="profile-delete-confirm"
                    disabled=busy on:click=move |_| act(Action::Delete, AppState::leave)>
                    {tr!(profile.delete_confirm)}
                </button>
                <button type="button" class="button button--ghost" on:click=move |_| confirming.set(false)>
                    {tr!(profile.cancel)}
                </button>
            </div>
        </section>
    }
}
