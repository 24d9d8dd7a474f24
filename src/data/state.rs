//! The app-wide state: the program, the logged-in member (or, logged out, the demo
//! members), and which demo member is shown. Read with `expect_context::<AppState>()`.

use std::str::FromStr;
use std::sync::Arc;

use leptos::prelude::*;
use rules::quote::CouponChoice;

use crate::data::api::{self, ApiError, DemoMember, Me};
use crate::data::preview_model::Draft;
use crate::data::program::ProgramAnswer;
use crate::i18n::*;
use crate::platform::route::{location_route, Route};
use crate::platform::storage;

/// What the screens need from the server before they can show anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The program: the home's part at hand, the whole parsed by the screens that need it.
    pub program: ProgramAnswer,
    /// The demo members (logged out, demo mode only; otherwise none).
    pub members: Arc<Vec<DemoMember>>,
    /// The server runs in demo mode (`serve --demo`): logged out, the personas are shown.
    pub demo: bool,
    /// The logged-in member, `None` when logged out.
    pub me: Option<Arc<Me>>,
}

impl Loaded {
    /// The member shown: the logged-in one; logged out, the chosen demo member, or the
    /// first one when the choice is unknown.
    pub fn member(&self, id: Option<&str>) -> Option<DemoMember> {
        if let Some(me) = &self.me {
            return Some(DemoMember {
                id: me.id.clone(),
                nickname: me.nickname.clone().unwrap_or_default(),
                tier: me.tier.clone(),
                qualifying_spend_fen: me.qualifying_spend_fen,
                points_balance: me.points_balance,
                usable_coupons: me.coupons.usable,
                snapshot: me.snapshot.clone(),
            });
        }
        self.members
            .iter()
            .find(|m| Some(m.id.as_str()) == id)
            .or_else(|| self.members.first())
            .cloned()
    }

    /// Parses what the answers keep for later (`contract::Later`): the quote snapshots of
    /// the member or the demo members, and the coupons' titles. Called by the screens that
    /// read them (the preview, the wallet) before they are built, so their parsers travel
    /// with those screens' modules. An error: an answer this build cannot read.
    pub fn parse_later(&self) -> Result<(), serde_json::Error> {
        if let Some(me) = &self.me {
            me.snapshot.get()?;
            me.coupon_titles.get()?;
        }
        for member in self.members.iter() {
            member.snapshot.get()?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// The program and the demo members: `None` until the first answer.
    pub data: RwSignal<Option<Result<Loaded, ApiError>>>,
    /// The demo member shown, by id (until login exists); remembered in localStorage.
    pub persona: RwSignal<Option<String>>,
    /// The preview's cart and choices: kept across screens, so the wallet can say which
    /// coupon fits it and "use" a coupon in it.
    pub preview: RwSignal<Draft>,
    /// The gifts announced up to this instant (Unix ms) in this page's life: the member's
    /// data is not fetched again on every screen, and home must not announce again what
    /// the wallet or its card has just shown.
    pub gifts_seen_until: RwSignal<i64>,
}

impl AppState {
    /// The state, with the data being fetched.
    ///
    /// A signal set by a spawned task rather than a `LocalResource`: the resource's
    /// async-derived machinery was a visible share of the wasm for one fetch at start.
    pub fn new() -> AppState {
        let state = AppState {
            data: RwSignal::new(None),
            persona: RwSignal::new(storage::persona()),
            preview: RwSignal::new(Draft::default()),
            gifts_seen_until: RwSignal::new(0),
        };
        state.load();
        state
    }

    /// Whether the coupons that arrived up to `until_ms` are still to be announced.
    pub fn gifts_unseen(self, until_ms: i64) -> bool {
        until_ms > self.gifts_seen_until.get()
    }

    /// Records, here and on the server, that the coupons that arrived up to `until_ms`
    /// were seen. Fire and forget: unsaid (offline), they are announced again next time.
    pub fn gifts_seen(self, until_ms: i64) {
        self.gifts_seen_until
            .update(|seen| *seen = (*seen).max(until_ms));
        leptos::task::spawn_local(async move {
            let _ = api::gifts_seen(until_ms).await;
        });
    }

    /// Fetches the data (again, after a failure); what is shown stays until the answer.
    pub fn load(self) {
        let data = self.data;
        leptos::task::spawn_local(async move {
            let loaded = fetch().await;
            data.try_set(Some(loaded));
        });
    }

    /// The data as it is now (untracked), when loaded.
    pub fn loaded(self) -> Option<Loaded> {
        self.data.get_untracked().and_then(Result::ok)
    }

    /// After a logout or the account's deletion: the draft (with a coupon of theirs,
    /// maybe) goes with the member, and everything is fetched again.
    pub fn leave(self) {
        self.preview.set(Draft::default());
        storage::clear_preview();
        self.reload();
    }

    /// Fetches everything again (after login, logout, a change), showing the loading
    /// state meanwhile so no screen shows the previous member.
    pub fn reload(self) {
        self.data.set(None);
        self.load();
    }

    /// After a login: fetches everything again, then shows the language the member chose
    /// before (maybe on another device) instead of this device's.
    pub fn reload_after_login(self, locale: RwSignal<Locale>) {
        // A coupon chosen in the preview was someone else's (a demo member's).
        self.preview.update(|d| d.coupon = CouponChoice::Auto);
        storage::clear_preview();
        self.data.set(None);
        let data = self.data;
        leptos::task::spawn_local(async move {
            // Arrived by an invite link: accepted now, before the data (and the wallet
            // with the invite's coupon) is fetched. A refusal (an old member, too late,
            // one's own code) means nothing to accept: forgotten; a network error: kept
            // for the next login.
            if let Some(code) = storage::invite() {
                match api::accept_invite(&code).await {
                    Err(e) if e.status == 0 => {}
                    _ => storage::clear_invite(),
                }
            }
            let loaded = fetch().await;
            let saved = loaded
                .as_ref()
                .ok()
                .and_then(|l| l.me.as_ref()?.locale.clone());
            if let Some(saved) = saved.and_then(|l| Locale::from_str(&l).ok()) {
                storage::set_lang(saved.as_str());
                locale.set(saved);
            }
            data.try_set(Some(loaded));
        });
    }

    pub fn choose_persona(&self, id: String) {
        storage::set_persona(&id);
        self.persona.set(Some(id));
    }
}

async fn fetch() -> Result<Loaded, ApiError> {
    // All at once (index.html preloads them while the wasm downloads). The demo personas
    // are asked for whoever is logged in: logged out they are shown, and waiting for
    // `/api/me`'s 401 first would cost a round trip.
    let demo = demo_mode();
    let personas = async {
        if demo {
            api::demo_members().await
        } else {
            Ok(Vec::new())
        }
    };
    // Home reads only its part of the program; another screen the app starts on reads
    // the screens' part (the page preloads the same one: `xtask/src/publish.rs`).
    let screens = location_route() != Route::Home;
    let (program, me, demo_members) =
        futures::future::join3(ProgramAnswer::fetch(screens), api::me(), personas).await;
    let program = program?;
    let me = match me {
        Ok(me) => Some(Arc::new(me)),
        Err(e) if e.status == 401 => None,
        Err(e) => return Err(e),
    };
    let members = match me {
        None => demo_members.unwrap_or_default(),
        Some(_) => Vec::new(),
    };
    let loaded = Loaded {
        program,
        members: Arc::new(members),
        demo,
        me,
    };
    prefetch_screens_program(&loaded);
    Ok(loaded)
}

/// Once the page is idle after the screen shown: the program's screens' part, so that a screen
/// opened next has it at hand (its module is on the phone by then too: the service
/// worker's install). A failure is left for that screen's own ask.
fn prefetch_screens_program(loaded: &Loaded) {
    let program = loaded.program.clone();
    let fetch = move || {
        let program = program.clone();
        leptos::task::spawn_local(async move {
            let _ = program.screens.fetch().await;
        });
    };
    crate::platform::idle::when_idle(fetch);
}

/// Whether the server is in demo mode: it writes the personas' preload into the page
/// then, and only then (`static_files::Site::load`), so the page already says so and
/// no request has to ask (outside demo mode it would be a 404 on every load).
fn demo_mode() -> bool {
    leptos::prelude::document()
        .query_selector("link[rel=preload][href$='api/demo/members']")
        .ok()
        .flatten()
        .is_some()
}
