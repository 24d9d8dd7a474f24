//! The operators' console (`/admin`, issue 40): the program's figures, its members, its
//! churn risk, its audit trail, its people and keys. Admins change things; analysts read
//! (the controls that change are not shown to them, and the server refuses them anyway).
//! Built for a laptop (1280 px) and a tablet (768 px).
//!
//! The console is its own wasm module (`pages::lazy::admin`); its words and its stylesheet
//! are files of its own too (`public/console/`), fetched when it opens: nothing of it is
//! in a shopper's download.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::components::{need_login, LangSwitch};
use crate::data::api::ErrorCode;
use crate::data::program::ScreensProgram;
use crate::data::state::Loaded;
use crate::words::labels::error_text;
use crate::words::text::{dyn_text, flag, lang};

mod audit;
mod chart;
mod churn;
mod dashboard;
mod format;
mod members;
mod people;
mod words;

use words::{t, Word, Words};

/// The console's stylesheet, relative to the page's `<base href>`.
const STYLESHEET: &str = "console/console.css";

/// The console's parts, each at its own address (`/admin/<part>`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Section {
    Dashboard,
    Members,
    Churn,
    Audit,
    People,
}

impl Section {
    const ALL: [Section; 5] = [
        Section::Dashboard,
        Section::Members,
        Section::Churn,
        Section::Audit,
        Section::People,
    ];

    fn slug(self) -> &'static str {
        match self {
            Section::Dashboard => "",
            Section::Members => "members",
            Section::Churn => "churn",
            Section::Audit => "audit",
            Section::People => "people",
        }
    }

    /// The part a path inside the site names (`/admin/churn`); the dashboard otherwise.
    fn of_path(path: &str) -> Section {
        let slug = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        Section::ALL
            .into_iter()
            .find(|s| !s.slug().is_empty() && s.slug() == slug)
            .unwrap_or(Section::Dashboard)
    }

    fn word(self) -> Word {
        match self {
            Section::Dashboard => Word::TabDashboard,
            Section::Members => Word::TabMembers,
            Section::Churn => Word::TabChurn,
            Section::Audit => Word::TabAudit,
            Section::People => Word::TabPeople,
        }
    }
}

/// What every part of the console shares.
#[derive(Clone, Copy)]
pub struct Console {
    /// An admin: the controls that change things are shown.
    pub can_change: bool,
    pub section: RwSignal<Section>,
    /// The member the members' part shows (opened from the churn list or the audit log
    /// too).
    pub member: RwSignal<Option<String>>,
    /// Today in the program's time zone.
    pub today: NaiveDate,
    pub program: StoredValue<Arc<ScreensProgram>>,
}

impl Console {
    /// Opens a member's page.
    pub fn open_member(self, id: String) {
        self.member.set(Some(id));
        self.go(Section::Members);
    }

    fn go(self, section: Section) {
        self.section.set(section);
        let path = match section.slug() {
            "" => "admin".to_owned(),
            slug => format!("admin/{slug}"),
        };
        // The address names the part, for a reload or a bookmark; one history entry for
        // the console, as the app's router keeps it.
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
        }
    }
}

/// The console's words, when they have come (or why not).
type WordsState = Option<Result<Arc<Words>, ErrorCode>>;

#[component]
pub fn ConsolePage(data: Loaded, program: Arc<ScreensProgram>) -> impl IntoView {
    let words = RwSignal::new(WordsState::None);
    let load = move || {
        words.set(None);
        leptos::task::spawn_local(async move {
            let (fetched, styled) = futures::join!(words::fetch(), stylesheet());
            let state = match (fetched, styled) {
                (Ok(w), Ok(())) => Ok(Arc::new(w)),
                (Err(e), _) => Err(e.code),
                (_, Err(_)) => Err(ErrorCode::Network),
            };
            words.try_set(Some(state));
        });
    };
    load();
    let today = program.time_zone.local_date(&Utc::now().fixed_offset());
    let role = data.me.as_ref().map(|me| me.role);
    let program = StoredValue::new(program);
    let body = move || match words.get() {
        None => EitherOf4::A(view! { <p class="card loading" role="status">"…"</p> }),
        Some(Err(code)) => EitherOf4::B(load_failed(code, load)),
        Some(Ok(w)) => {
            words::install(w);
            match role {
                None => EitherOf4::C(need_login().into_any()),
                Some(role) if !role.reads_console() => EitherOf4::C(
                    view! { <p class="card notice notice--warn" data-testid="console-forbidden">{t(Word::Forbidden)}</p> }
                        .into_any(),
                ),
                Some(role) => {
                    let path = window().location().pathname().unwrap_or_default();
                    let console = Console {
                        can_change: role == contract::auth::Role::Admin,
                        section: RwSignal::new(Section::of_path(&path)),
                        member: RwSignal::new(None),
                        today,
                        program,
                    };
                    provide_context(console);
                    EitherOf4::D(view! { <ConsoleShell console /> })
                }
            }
        }
    };
    view! { <div class="console" data-testid="console">{body}</div> }
}

/// The stylesheet, loaded once (a second opening finds its link): the console is never
/// shown unstyled.
async fn stylesheet() -> Result<(), JsValue> {
    let document = document();
    if document.query_selector("link[data-console]")?.is_some() {
        return Ok(());
    }
    let link = document.create_element("link")?;
    link.set_attribute("rel", "stylesheet")?;
    link.set_attribute("href", STYLESHEET)?;
    link.set_attribute("data-console", "")?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = js_sys::Reflect::set(&link, &"onload".into(), &resolve);
        let _ = js_sys::Reflect::set(&link, &"onerror".into(), &reject);
    });
    document.head().ok_or(JsValue::NULL)?.append_child(&link)?;
    if let Err(e) = wasm_bindgen_futures::JsFuture::from(loaded).await {
        link.remove();
        return Err(e);
    }
    Ok(())
}

/// The words or the stylesheet did not come: the app's own words say so (the console's
/// are what is missing), with a retry.
fn load_failed(code: ErrorCode, retry: impl Fn() + Copy + 'static) -> impl IntoView {
    let locale = lang();
    view! {
        <section class="card notice notice--error" role="alert" data-testid="console-failed">
            <p>{move || error_text(locale.get(), code)}</p>
            <button type="button" class="button button--primary" on:click=move |_| retry()>"↻"</button>
        </section>
    }
}

#[component]
fn ConsoleShell(console: Console) -> impl IntoView {
    let tabs = Section::ALL
        .into_iter()
        .map(|s| {
            let current = flag(move || console.section.get() == s);
            view! {
                <button type="button" class="console__tab" aria-pressed=move || current.get().to_string()
                    data-testid=format!("console-tab-{}", s.slug())
                    on:click=move |_| console.go(s)>{t(s.word())}</button>
            }
        })
        .collect_view();
    let part = move || match console.section.get() {
        Section::Dashboard => view! { <dashboard::DashboardPart /> }.into_any(),
        Section::Members => view! { <members::MembersPart /> }.into_any(),
        Section::Churn => view! { <churn::ChurnPart /> }.into_any(),
        Section::Audit => view! { <audit::AuditPart /> }.into_any(),
        Section::People => view! { <people::PeoplePart /> }.into_any(),
    };
    view! {
        <header class="console__bar">
            <h1 class="console__title">{t(Word::Title)}</h1>
            <nav class="console__tabs" aria-label=t(Word::Title)>{tabs}</nav>
            <span class="badge" data-testid="console-read-only" hidden=console.can_change>{t(Word::ReadOnly)}</span>
            <LangSwitch />
        </header>
        <div class="console__body">{part}</div>
    }
}

/// An error of a console request, in the app's words for its code.
pub fn error_notice(error: RwSignal<Option<ErrorCode>>, testid: &'static str) -> impl IntoView {
    let locale = lang();
    let text = dyn_text(move || {
        error
            .get()
            .map(|code| error_text(locale.get(), code).to_owned())
            .unwrap_or_default()
    });
    view! {
        <p class="notice notice--error" role="alert" data-testid=testid
            data-code=dyn_text(move || crate::words::labels::error_name(error.get()).to_owned())
            hidden=flag(move || error.with(Option::is_none))>{text}</p>
    }
}

/// A labelled field of a console form (`kind`: `text`, `date`…) bound to `value`.
pub fn field(
    word: Word,
    kind: &'static str,
    value: RwSignal<String>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">{t(word)}
            <input type=kind class="input" data-testid=testid prop:value=value
                on:change=move |ev| value.set(event_target_value(&ev)) /></label>
    }
}

/// A click that downloads the server's CSV at `path` (under `api/`) as `filename`: fetched
/// with the session (a token where cookies are blocked), then handed to the browser.
pub fn csv_download(
    path: impl Fn() -> String + Copy + 'static,
    filename: &'static str,
) -> impl Fn(leptos::ev::MouseEvent) + Copy + 'static {
    let toast = expect_context::<crate::components::Toast>();
    let locale = lang();
    move |_| {
        let path = path();
        leptos::task::spawn_local(async move {
            match crate::data::api::text(&path).await {
                Ok(body) => {
                    let _ = crate::components::save_file(&body, filename, "text/csv;charset=utf-8");
                }
                Err(e) => toast.show(error_text(locale.get_untracked(), e.code).to_owned()),
            }
        });
    }
}

/// The console's context.
pub fn console() -> Console {
    expect_context::<Console>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_has_its_address() {
        for section in Section::ALL {
            let path = format!("/admin/{}", section.slug());
            assert_eq!(Section::of_path(&path), section);
        }
        assert_eq!(Section::of_path("/admin"), Section::Dashboard);
        assert_eq!(Section::of_path("/admin/nothing"), Section::Dashboard);
    }
}
