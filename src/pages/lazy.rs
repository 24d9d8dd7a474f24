//! The screens that are not the first one live in wasm modules of their own, fetched the
//! first time they are shown: the first screen downloads only the home's code (the login,
//! too, is fetched when it is shown: a member who stays logged in never needs it).
//!
//! `cargo xtask build` splits the wasm at each `#[wasm_split]` function below
//! (wasm-split-cli); everything only those functions reach moves into that screen's
//! module. The screens that need the program's screens' part parse it here
//! ([`screens_program`]), and so do the preview and the wallet with the members' quote snapshots
//! (`Loaded::parse_later`), so those parsers travel with their modules, not the first
//! screen's. `fallible`: a failed fetch (a flaky mobile network) is an error shown with a
//! retry, not a panic that would stop the whole app, and the next call fetches anew.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use send_wrapper::SendWrapper;

use super::{
    BenefitsPage, ConsolePage, EventsPage, InvitePage, Login, MallPage, NextEventsCard, OrdersPage,
    PointsPage, PreviewPage, Privacy, Profile, StaffPage, WalletPage,
};
use crate::components::{failed_screen, loading_screen, ArrivedGifts, Celebration};
use crate::data::program::ScreensProgram;
use crate::data::state::Loaded;
use crate::i18n::*;

/// A screen's module could not be fetched or instantiated.
pub struct ScreenLoadFailed;

impl From<SplitLoaderError> for ScreenLoadFailed {
    fn from(_: SplitLoaderError) -> Self {
        ScreenLoadFailed
    }
}

/// The screen's module came but the program's screens' part is unreadable to it (an old app
/// against a newer server): the same message and reload, which fetches the new app.
impl From<serde_json::Error> for ScreenLoadFailed {
    fn from(_: serde_json::Error) -> Self {
        ScreenLoadFailed
    }
}

pub type ScreenResult = Result<AnyView, ScreenLoadFailed>;

/// The program's screens' part, parsed once, by the parser compiled here: only the split
/// functions below call this, so the parser travels with their modules.
fn screens_program(data: &Loaded) -> Result<Arc<ScreensProgram>, serde_json::Error> {
    data.program
        .screens
        .parsed(|text| serde_json::from_str(text))
}

#[wasm_split(preview, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn preview(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    data.parse_later()?;
    Ok(view! { <PreviewPage data program /> }.into_any())
}

#[wasm_split(login, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn login(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <Login program /> }.into_any())
}

#[wasm_split(privacy, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn privacy(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <Privacy program /> }.into_any())
}

#[wasm_split(points, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn points(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <PointsPage data program /> }.into_any())
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn orders(data: Loaded) -> ScreenResult {
    Ok(view! { <OrdersPage data /> }.into_any())
}

#[wasm_split(profile, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn profile(data: Loaded) -> ScreenResult {
    Ok(view! { <Profile data /> }.into_any())
}

#[wasm_split(mall, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn mall(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <MallPage program /> }.into_any())
}

#[wasm_split(wallet, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn wallet(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    data.parse_later()?;
    Ok(view! { <WalletPage data program /> }.into_any())
}

#[wasm_split(invite, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn invite(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <InvitePage data program /> }.into_any())
}

#[wasm_split(events, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn events(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <EventsPage data program /> }.into_any())
}

#[wasm_split(benefits, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn benefits(data: Loaded) -> ScreenResult {
    Ok(view! { <BenefitsPage data /> }.into_any())
}

#[wasm_split(staff, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn staff(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <StaffPage data program /> }.into_any())
}

#[wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn admin(data: Loaded) -> ScreenResult {
    let program = screens_program(&data)?;
    Ok(view! { <ConsolePage data program /> }.into_any())
}

/// Home's "coming up" card: its own module, fetched after the first paint (shown by
/// `Lazy` with `quiet`: a card, not a screen).
#[wasm_split(next_events, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn next_events(_data: Loaded) -> ScreenResult {
    Ok(view! { <NextEventsCard /> }.into_any())
}

/// Home's sheet for a new tier (`components::Celebration`), shown once: its own module,
/// fetched after the first paint only for a member who has one to see.
#[wasm_split(celebration, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn celebration(data: Loaded) -> ScreenResult {
    let program = data.program.home.clone();
    let sheet = data.me.and_then(|me| {
        let tier = me.celebrate.clone()?;
        Some(view! { <Celebration program me tier /> })
    });
    Ok(sheet.into_any())
}

/// Home's card of the coupons that arrived (`components::ArrivedGifts`), shown once: its
/// own module, fetched after the first paint only when there are some.
#[wasm_split(gifts, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn gifts(data: Loaded) -> ScreenResult {
    let card = data.me.and_then(|me| {
        let arrived = me.arrived.clone()?;
        Some(view! { <ArrivedGifts arrived /> })
    });
    Ok(card.into_any())
}

/// How a lazily loaded screen is fetched and built: one of the functions above, boxed
/// (`|data| Box::pin(points(data))`). One plain function type, not a generic, so that the
/// loading and retry view below is compiled once.
pub type LoadScreen = fn(Loaded) -> Pin<Box<dyn Future<Output = ScreenResult>>>;

/// Shows the screen `load` gives: a spinner while its module is fetched (usually one round trip), then
/// the screen. If the fetch fails, a message and a retry button that reloads the page:
/// the URL names the screen, and the page's own files come from the cache. `quiet`, for
/// a part of a screen: nothing while it loads, nothing if it fails (one component for
/// both: its loading code is compiled once).
#[component]
pub fn Lazy(load: LoadScreen, data: Loaded, #[prop(optional)] quiet: bool) -> impl IntoView {
    // A quiet part counts as fetched from the start: no spinner.
    let fetched = RwSignal::new(quiet);
    let loading = || loading_screen(|l| td_string!(l, app.screen_loading));
    // The browser is single-threaded; `Suspend` asks for `Send` futures. No `Suspense`
    // around it (its machinery is kilobytes of wasm): the spinner shows until the module
    // is there.
    let screen = Suspend::new(SendWrapper::new(async move {
        // The program's screens' part first (`screens_program` reads it): usually at hand
        // (the home fetched it once idle, a deep link at start). A quiet part reads none.
        let program = match quiet {
            false => data.program.screens.fetch().await,
            true => Ok(()),
        };
        let result = match program {
            Ok(()) => load(data).await,
            Err(_) => Err(ScreenLoadFailed),
        };
        fetched.set(true);
        match result {
            Ok(view) => Either::Left(view),
            Err(ScreenLoadFailed) if quiet => Either::Left(().into_any()),
            Err(ScreenLoadFailed) => Either::Right(failed_screen(
                |l| td_string!(l, app.screen_failed),
                "screen_load_failed".into(),
                reload,
            )),
        }
    }));
    view! { {move || (!fetched.get()).then(loading)} {screen} }
}

fn reload() {
    let _ = window().location().reload();
}
