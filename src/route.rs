//! The screens and their addresses: an enum, `history.pushState` for in-app links and
//! `popstate` for the browser's back and forward buttons. (leptos_router's matching and
//! navigation code was a visible share of the wasm for a handful of fixed paths.)
//!
//! Deep links work because the server answers every app path with `index.html`; the
//! route is read from `location.pathname` at start. A new screen is a new variant here,
//! its path in [`Route::from_path`] and [`Route::path`], and its view in the app shell.

use leptos::ev::{self, MouseEvent};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Home,
    Preview,
    Login,
    Privacy,
    Points,
    Profile,
    Mall,
    Wallet,
    Invite,
    /// Any other path.
    NotFound,
}

impl Route {
    /// The route of a `location.pathname`; a trailing slash does not matter.
    pub fn from_path(path: &str) -> Route {
        match path.trim_end_matches('/') {
            "" => Route::Home,
            "/preview" => Route::Preview,
            "/login" => Route::Login,
            "/privacy" => Route::Privacy,
            "/points" => Route::Points,
            "/profile" => Route::Profile,
            "/mall" => Route::Mall,
            "/coupons" => Route::Wallet,
            "/invite" => Route::Invite,
            _ => Route::NotFound,
        }
    }

    /// The address of the route. `NotFound` has none of its own: linking to it leads home.
    pub fn path(self) -> &'static str {
        match self {
            Route::Home | Route::NotFound => "/",
            Route::Preview => "/preview",
            Route::Login => "/login",
            Route::Privacy => "/privacy",
            Route::Points => "/points",
            Route::Profile => "/profile",
            Route::Mall => "/mall",
            Route::Wallet => "/coupons",
            Route::Invite => "/invite",
        }
    }
}

/// The invite code of an invite link's query (`?invite=CODE`), if it has a well-formed
/// one. Codes are upper case letters and digits; older ones were base64url, so `-` and
/// `_` pass too.
pub fn invite_code(search: &str) -> Option<&str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("invite="))
        .filter(|code| {
            (4..=32).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The current route, in the context.
#[derive(Clone, Copy)]
struct Current(RwSignal<Route>);

fn location_route() -> Route {
    let path = window().location().pathname().unwrap_or_default();
    Route::from_path(&path)
}

/// Starts routing: the route of the address the app was opened at, kept in step with
/// the browser's back and forward buttons. Returns the current route (a signal).
pub fn provide_router() -> ReadSignal<Route> {
    let route = RwSignal::new(location_route());
    // Lives as long as the app: the handle is not kept.
    let _ = window_event_listener(ev::popstate, move |_| route.set(location_route()));
    provide_context(Current(route));
    route.read_only()
}

/// The click handler of an in-app link `<a href=to.path()>`: shows the route without a
/// page load, unless the shopper asked for a new tab or window (modifier keys, middle
/// button), which the browser then does with the real address.
pub fn follow(to: Route) -> impl Fn(MouseEvent) + Copy + 'static {
    let route = expect_context::<Current>().0;
    move |ev: MouseEvent| {
        let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
        if ev.default_prevented() || ev.button() != 0 || modified {
            return;
        }
        ev.prevent_default();
        go(route, to);
    }
}

/// Shows a route from code (after login, logout…), as a link would. Get it while the
/// component is built: async tasks have no context to look the router up in.
pub fn navigator() -> impl Fn(Route) + Copy + Send + Sync + 'static {
    let route = expect_context::<Current>().0;
    move |to| go(route, to)
}

fn go(route: RwSignal<Route>, to: Route) {
    if route.get_untracked() == to {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to.path()));
    }
    route.set(to);
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_routes() {
        assert_eq!(Route::from_path("/"), Route::Home);
        assert_eq!(Route::from_path(""), Route::Home);
        assert_eq!(Route::from_path("/preview"), Route::Preview);
        assert_eq!(Route::from_path("/preview/"), Route::Preview);
        assert_eq!(Route::from_path("/preview/x"), Route::NotFound);
        assert_eq!(Route::from_path("/nope"), Route::NotFound);
        for route in [
            Route::Home,
            Route::Preview,
            Route::Login,
            Route::Privacy,
            Route::Points,
            Route::Profile,
            Route::Mall,
            Route::Wallet,
            Route::Invite,
        ] {
            assert_eq!(Route::from_path(route.path()), route);
        }
    }

    #[test]
    fn invite_codes_of_links() {
        assert_eq!(invite_code("?invite=K7M2Q9XA"), Some("K7M2Q9XA"));
        assert_eq!(invite_code("?utm=x&invite=K7M2Q9XA&y=1"), Some("K7M2Q9XA"));
        assert_eq!(
            invite_code("?invite=aB-_9xYz"),
            Some("aB-_9xYz"),
            "older codes"
        );
        assert_eq!(invite_code(""), None);
        assert_eq!(invite_code("?invite="), None);
        assert_eq!(invite_code("?invite=%3Cscript%3E"), None);
        assert_eq!(invite_code("?invite=a b"), None);
        assert_eq!(invite_code(&format!("?invite={}", "A".repeat(33))), None);
    }
}
