//! The app shell: i18n (Chinese first, the choice remembered), app state, the screen of
//! the current route.

use std::str::FromStr;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::{DataGate, Remount, Toast, ToastRegion};
use crate::data::state::{AppState, Loaded};
use crate::i18n::*;
use crate::pages::lazy::{self, Lazy, LoadScreen};
use crate::pages::{Home, NotFound};
use crate::platform::route::{provide_router, Route};
use crate::platform::storage;
use crate::words::text::{lang, Lang};

/// Chinese unless the shopper picked English before (never the browser's language).
fn initial_locale() -> Locale {
    storage::lang()
        .and_then(|lang| Locale::from_str(&lang).ok())
        .unwrap_or(Locale::zh)
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    provide_context(Lang(RwSignal::new(initial_locale())));
    provide_context(Toast::new());
    let route = provide_router();
    // An `EitherOf3` rather than `.into_any()`: the screens are only ever built (a new
    // route builds a new screen), and `AnyView` would also compile each screen's rebuild.
    // A screen gets the data as it is when it is built; one gate for all screens (one
    // keyed `For` instead of one per screen: wasm size).
    let screen = |(route, data): (Route, Loaded)| {
        let screen: LoadScreen = match route {
            Route::Home => return EitherOf3::A(view! { <Home data /> }),
            Route::NotFound => return EitherOf3::B(view! { <NotFound /> }),
            Route::Login => |data| Box::pin(lazy::login(data)),
            Route::Preview => |data| Box::pin(lazy::preview(data)),
            Route::Privacy => |data| Box::pin(lazy::privacy(data)),
            Route::Points => |data| Box::pin(lazy::points(data)),
            Route::Orders => |data| Box::pin(lazy::orders(data)),
            Route::Profile => |data| Box::pin(lazy::profile(data)),
            Route::Mall => |data| Box::pin(lazy::mall(data)),
            Route::Wallet => |data| Box::pin(lazy::wallet(data)),
            Route::Invite => |data| Box::pin(lazy::invite(data)),
            Route::Events => |data| Box::pin(lazy::events(data)),
            Route::Benefits => |data| Box::pin(lazy::benefits(data)),
            Route::Staff => |data| Box::pin(lazy::staff(data)),
            Route::Admin => |data| Box::pin(lazy::admin(data)),
        };
        EitherOf3::C(view! { <Lazy load=screen data /> })
    };
    let current = move || Some(route.get()).zip(state.loaded());
    view! {
        <HtmlLang />
        <DataGate let:_data>
            <Remount each=current key=|(route, _): &(Route, Loaded)| *route children=screen />
        </DataGate>
        <ToastRegion />
    }
}

/// Keeps `<html lang>` on the current locale, for screen readers and fonts, and
/// `<html data-member>` on the logged-in member's tier ("" logged out, absent while
/// loading): a host app's bridge (`web/host.js`) tells its host of logins, logouts and
/// tier changes from it, so the app needs no code of its own for hosts.
#[component]
fn HtmlLang() -> impl IntoView {
    let locale = lang();
    let state = expect_context::<AppState>();
    Effect::new(move || {
        let Some(Ok(loaded)) = state.data.get() else {
            return;
        };
        let tier = loaded.me.as_ref().map(|me| me.tier.as_str());
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-member", tier.unwrap_or_default());
        }
    });
    Effect::new(move || {
        let lang = match locale.get() {
            Locale::zh => "zh-CN",
            Locale::en => "en",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
        // The tab's title in the member's language too.
        document().set_title(td_string!(locale.get(), app.title));
    });
}
