//! People and keys: the accounts with a role (staff, analysts, admins) and their store,
//! the stores, and the shops' API keys (a new key shown once; revoked with a second,
//! confirming click). Analysts see the lists; only admins see the forms.

use leptos::prelude::*;

use super::members::{table, toaster};
use super::words::{t, Word};
use super::{console, error_notice};
use crate::components::Loader;
use crate::data::console::{self as console_api, ApiKeyCreated, Role, StoreInfo, User};
use crate::words::display::date_of;

mod keys;

/// A role in words.
pub fn role_word(role: Role) -> Word {
    match role {
        Role::Member => Word::RoleMember,
        Role::Staff => Word::RoleStaff,
        Role::Analyst => Word::RoleAnalyst,
        Role::Admin => Word::RoleAdmin,
    }
}

const ROLES: [Role; 4] = [Role::Staff, Role::Analyst, Role::Admin, Role::Member];

#[component]
pub fn PeoplePart() -> impl IntoView {
    let loader = Loader::new();
    let users = RwSignal::new(Vec::<User>::new());
    let stores = RwSignal::new(Vec::<StoreInfo>::new());
    let reload = move || {
        loader.run(console_api::users(), move |u| users.set(u.users));
        Loader::sharing(loader.error).run(console_api::stores(), move |s| stores.set(s.stores));
    };
    reload();
    let user_rows = move || {
        users
            .get()
            .into_iter()
            .map(|u| {
                let store = u
                    .store
                    .map(|s| format!("{} ({})", s.name, s.code))
                    .unwrap_or_default();
                view! {
                    <tr data-testid="user-row" data-role=u.role.as_str()>
                        <td>{u.phone_masked}</td>
                        <td>{u.nickname}</td>
                        <td>{t(role_word(u.role))}</td>
                        <td>{store}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let store_rows = move || {
        stores
            .get()
            .into_iter()
            .map(|s| view! { <tr data-testid="store-row"><td>{s.code}</td><td>{s.name}</td></tr> })
            .collect_view()
    };
    let forms = console().can_change.then(|| {
        view! {
            <RoleForm stores reload />
            <StoreForm reload />
        }
    });
    view! {
        <section class="console__part" data-testid="people">
            {error_notice(loader.error, "people-error")}
            {forms}
            <div class="console__tables">
                {table(Word::Users, "users-table", &[Word::Phone, Word::Nickname, Word::Role, Word::Store], user_rows)}
                {table(Word::Stores, "stores-table", &[Word::StoreCode, Word::StoreName], store_rows)}
            </div>
            <keys::ApiKeysPart />
        </section>
    }
}

/// Gives a phone's account a role (and a store, for staff); "member" disables it.
#[component]
fn RoleForm(
    stores: RwSignal<Vec<StoreInfo>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let loader = Loader::new();
    let toast = toaster();
    let phone = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff);
    let store = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, r, s) = (
            phone.get_untracked(),
            role.get_untracked(),
            store.get_untracked(),
        );
        loader.run(
            async move { console_api::set_role(p.trim(), r, &s).await },
            move |_| {
                phone.set(String::new());
                toast(Word::Saved);
                reload();
            },
        );
    };
    let roles = ROLES
        .into_iter()
        .map(|r| view! { <option value=r.as_str()>{t(role_word(r))}</option> })
        .collect_view();
    let store_options = move || {
        stores
            .get()
            .into_iter()
            .map(|s| view! { <option value=s.code.clone()>{s.name.clone()}</option> })
            .collect_view()
    };
    view! {
        <form class="console__filters card" data-testid="role-form" on:submit=submit>
            <h3 class="lot__label">{t(Word::SetRole)}</h3>
            <label class="field">{t(Word::Phone)}
                <input type="tel" class="input" inputmode="numeric" maxlength="11" required data-testid="role-phone"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) /></label>
            <label class="field">{t(Word::Role)}
                <select class="select" data-testid="role-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
                }>{roles}</select></label>
            <label class="field">{t(Word::Store)}
                <select class="select" data-testid="role-store" on:change=move |ev| store.set(event_target_value(&ev))>
                    <option value="">"—"</option>{store_options}
                </select></label>
            <button type="submit" class="button button--primary" data-testid="role-submit" disabled=loader.busy>{t(Word::SetRole)}</button>
            {error_notice(loader.error, "role-error")}
        </form>
    }
}

/// Creates a store or renames one (by its code).
#[component]
fn StoreForm(reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let loader = Loader::new();
    let toast = toaster();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (code.get_untracked(), name.get_untracked());
        loader.run(
            async move { console_api::save_store(c.trim(), n.trim()).await },
            move |_| {
                code.set(String::new());
                name.set(String::new());
                toast(Word::Saved);
                reload();
            },
        );
    };
    view! {
        <form class="console__filters card" data-testid="store-form" on:submit=submit>
            <h3 class="lot__label">{t(Word::SaveStore)}</h3>
            <label class="field">{t(Word::StoreCode)}
                <input type="text" class="input" required maxlength="32" data-testid="store-code"
                    prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) /></label>
            <label class="field">{t(Word::StoreName)}
                <input type="text" class="input" required maxlength="60" data-testid="store-name"
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <button type="submit" class="button button--primary" data-testid="store-submit" disabled=loader.busy>{t(Word::SaveStore)}</button>
            {error_notice(loader.error, "store-error")}
        </form>
    }
}

/// A key just made, shown this once.
pub fn created_key(created: ApiKeyCreated) -> impl IntoView {
    view! {
        <div class="notice" role="status" data-testid="key-created">
            <p class="notice__title">{t(Word::KeyShownOnce)}</p>
            <code class="key" data-testid="key-value">{created.key}</code>
        </div>
    }
}

/// A date or "never".
pub fn when(at: Option<chrono::DateTime<chrono::FixedOffset>>) -> Signal<String> {
    let shown = at.map(date_of);
    crate::words::text::dyn_text(move || {
        shown
            .clone()
            .unwrap_or_else(|| super::words::now(Word::Never))
    })
}
