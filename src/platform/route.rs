//! The screens and their addresses: an enum, `history.pushState` for in-app links and
//! `popstate` for the browser's back and forward buttons: a handful of fixed paths needs
//! no router crate.
//!
//! Deep links work because the server answers every app path with `index.html`; the
//! route is read from `location.pathname` at start. Under `serve --base-path /member`
//! the page's `<base href>` says so ([`base`]): a route's path (`/points`) is the address
//! inside the site, its [`Route::href`] is relative to the base, and `?next=` carries the
//! whole page path. A new screen is a new variant here,
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
    /// The member's orders (消费记录), reached from the points screen.
    Orders,
    Profile,
    Mall,
    Wallet,
    Invite,
    Events,
    Benefits,
    /// The store counter (staff and admin).
    Staff,
    /// The operators' console (analysts and admins), `/admin` and its parts.
    Admin,
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
            "/orders" => Route::Orders,
            "/profile" => Route::Profile,
            "/mall" => Route::Mall,
            "/coupons" => Route::Wallet,
            "/invite" => Route::Invite,
            "/events" => Route::Events,
            "/benefits" => Route::Benefits,
            "/staff" => Route::Staff,
            "/admin" => Route::Admin,
            path if path.starts_with("/admin/") => Route::Admin,
            _ => Route::NotFound,
        }
    }

    /// The link to the route, relative to the page's `<base href>` (for `<a href>` and
    /// `pushState`, which resolve it against the base).
    pub fn href(self) -> &'static str {
        match self.path() {
            "/" => "./",
            path => &path[1..],
        }
    }

    /// The address of the route inside the site. `NotFound` has none of its own: linking
    /// to it leads home.
    pub fn path(self) -> &'static str {
        match self {
            Route::Home | Route::NotFound => "/",
            Route::Preview => "/preview",
            Route::Login => "/login",
            Route::Privacy => "/privacy",
            Route::Points => "/points",
            Route::Orders => "/orders",
            Route::Profile => "/profile",
            Route::Mall => "/mall",
            Route::Wallet => "/coupons",
            Route::Invite => "/invite",
            Route::Events => "/events",
            Route::Benefits => "/benefits",
            Route::Staff => "/staff",
            Route::Admin => "/admin",
        }
    }
}

/// The invite code of an invite link's query (`?invite=CODE`), if it has a well-formed
/// one (`contract::invites::is_invite_code`).
pub fn invite_code(search: &str) -> Option<&str> {
    query_param(search, "invite").filter(|code| contract::invites::is_invite_code(code))
}

/// The store code of a store's join link (`/join?store=SH001`), when it is one
/// `store create` accepts.
pub fn join_store(search: &str) -> Option<&str> {
    query_param(search, "store").filter(|code| contract::staff::is_store_code(code))
}

/// The value of `name` in a `location.search` (`?a=1&name=value`), as written.
fn query_param<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The current route, and how many in-app steps lie behind it in the browser's history
/// (0 when the app was opened at this entry: "back" would leave the app).
#[derive(Clone, Copy)]
struct Current {
    route: RwSignal<Route>,
    depth: StoredValue<u32>,
}

/// The site's base path: `""` at the root, `/member` under `serve --base-path /member`.
/// It is the page's `<base href>` (which the server always writes) past the origin.
pub fn base() -> String {
    let base_uri = document().base_uri().ok().flatten().unwrap_or_default();
    let origin = window().location().origin().unwrap_or_default();
    base_of(&base_uri, &origin).to_owned()
}

/// `https://host/member/` at `https://host` → `/member`.
fn base_of<'a>(base_uri: &'a str, origin: &str) -> &'a str {
    base_uri
        .strip_prefix(origin)
        .unwrap_or_default()
        .trim_end_matches('/')
}

/// The address inside the site of a page path (`/member/points` → `/points`).
pub fn site_path(pathname: &str) -> &str {
    inside(pathname, &base())
}

fn inside<'a>(pathname: &'a str, base: &str) -> &'a str {
    match pathname.strip_prefix(base) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => pathname,
    }
}

pub fn location_route() -> Route {
    let path = window().location().pathname().unwrap_or_default();
    Route::from_path(site_path(&path))
}

/// The in-app depth a history entry was pushed with (its state), 0 for one the app did
/// not push.
fn entry_depth(state: JsValue) -> u32 {
    state.as_f64().map_or(0, |d| d as u32)
}

/// Starts routing: the route of the address the app was opened at, kept in step with
/// the browser's back and forward buttons. Returns the current route (a signal).
pub fn provide_router() -> ReadSignal<Route> {
    let route = RwSignal::new(location_route());
    let state = window()
        .history()
        .and_then(|h| h.state())
        .unwrap_or(JsValue::NULL);
    let depth = StoredValue::new(entry_depth(state));
    // Lives as long as the app: the handle is not kept.
    let _ = window_event_listener(ev::popstate, move |ev| {
        depth.set_value(entry_depth(ev.state()));
        route.set(location_route());
    });
    provide_context(Current { route, depth });
    route.read_only()
}

/// The route shown now.
pub fn current_route() -> Route {
    expect_context::<Current>().route.get_untracked()
}

/// The click handler of the top bar's back arrow: back in the browser's history when the
/// previous entry is a screen of the app (the preview opened from the wallet goes back to
/// the wallet), else home (a deep link has nothing of the app behind it).
pub fn back() -> impl Fn(MouseEvent) + Copy + 'static {
    let current = expect_context::<Current>();
    move |ev: MouseEvent| {
        if current.depth.get_value() == 0 {
            return follow_in(current, Route::Home, None)(ev);
        }
        ev.prevent_default();
        if let Ok(history) = window().history() {
            let _ = history.back();
        }
    }
}

/// The link to the login screen asked for by `from`, to come back to after logging in.
/// `?next=` is a page path (the base included), as the page's first script writes it
/// for a host's login link.
pub fn login_path(from: Route) -> String {
    format!("{}?next={}{}", Route::Login.href(), base(), from.path())
}

/// Where a login goes when done: the screen that asked for it (`?next=`), else home.
pub fn after_login() -> Route {
    next_route(&window().location().search().unwrap_or_default(), &base())
}

/// The screen a login's `?next=` names; home without one, or for the login itself.
fn next_route(search: &str, base: &str) -> Route {
    let next = query_param(search, "next").map(|path| inside(path, base));
    match next.map_or(Route::Home, Route::from_path) {
        Route::Login | Route::NotFound => Route::Home,
        route => route,
    }
}

/// The click handler of the link to the login screen asked for by `from`.
pub fn follow_login(from: Route) -> impl Fn(MouseEvent) + Copy + 'static {
    follow_in(expect_context::<Current>(), Route::Login, Some(from))
}

/// The click handler of an in-app link `<a href=to.href()>`: shows the route without a
/// page load, unless the shopper asked for a new tab or window (modifier keys, middle
/// button), which the browser then does with the real address.
pub fn follow(to: Route) -> impl Fn(MouseEvent) + Copy + 'static {
    follow_in(expect_context::<Current>(), to, None)
}

fn follow_in(
    current: Current,
    to: Route,
    login_from: Option<Route>,
) -> impl Fn(MouseEvent) + Copy + 'static {
    move |ev: MouseEvent| {
        let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
        if ev.default_prevented() || ev.button() != 0 || modified {
            return;
        }
        ev.prevent_default();
        go(current, to, login_from.map(login_path));
    }
}

/// Shows a route from code (after login, logout…), as a link would. Get it while the
/// component is built: async tasks have no context to look the router up in.
pub fn navigator() -> impl Fn(Route) + Copy + Send + Sync + 'static {
    let current = expect_context::<Current>();
    move |to| go(current, to, None)
}

/// Pushes `to` (at `url` when it carries a query) as one more in-app step.
fn go(current: Current, to: Route, url: Option<String>) {
    if current.route.get_untracked() == to {
        return;
    }
    let depth = current.depth.get_value() + 1;
    if let Ok(history) = window().history() {
        let url = url.as_deref().unwrap_or(to.href());
        let _ = history.push_state_with_url(&JsValue::from(depth), "", Some(url));
    }
    current.depth.set_value(depth);
    current.route.set(to);
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
            Route::Orders,
            Route::Profile,
            Route::Mall,
            Route::Wallet,
            Route::Invite,
            Route::Events,
            Route::Benefits,
            Route::Staff,
        ] {
            assert_eq!(Route::from_path(route.path()), route);
        }
    }

    #[test]
    fn a_login_returns_to_the_screen_that_asked() {
        assert_eq!(
            next_route(&format!("?next={}", Route::Wallet.path()), ""),
            Route::Wallet
        );
        assert_eq!(next_route("?x=1&next=/points", ""), Route::Points);
        assert_eq!(next_route("", ""), Route::Home);
        assert_eq!(next_route("?next=/login", ""), Route::Home);
        assert_eq!(next_route("?next=https://evil.example", ""), Route::Home);
        assert_eq!(next_route("?nextx=/points", ""), Route::Home);
        // Under a base path `next` is the page's path.
        assert_eq!(next_route("?next=/member/points", "/member"), Route::Points);
        assert_eq!(next_route("?next=/member", "/member"), Route::Home);
        assert_eq!(next_route("?next=/memberx/points", "/member"), Route::Home);
    }

    #[test]
    fn the_base_path_of_the_pages_base_href() {
        let origin = "http://127.0.0.1:8080";
        assert_eq!(base_of("http://127.0.0.1:8080/", origin), "");
        assert_eq!(base_of("http://127.0.0.1:8080/member/", origin), "/member");
        assert_eq!(
            base_of("http://127.0.0.1:8080/a/member/", origin),
            "/a/member"
        );
        assert_eq!(base_of("", origin), "");
        assert_eq!(inside("/member/points", "/member"), "/points");
        assert_eq!(inside("/member", "/member"), "");
        assert_eq!(inside("/memberx", "/member"), "/memberx");
        assert_eq!(inside("/points", ""), "/points");
    }

    #[test]
    fn links_are_relative_to_the_base() {
        assert_eq!(Route::Home.href(), "./");
        assert_eq!(Route::Wallet.href(), "coupons");
        assert_eq!(Route::NotFound.href(), "./");
    }

    #[test]
    fn store_codes_of_join_links() {
        assert_eq!(join_store("?store=SH001"), Some("SH001"));
        assert_eq!(join_store("?x=1&store=BJ-02"), Some("BJ-02"));
        assert_eq!(join_store("?store="), None);
        assert_eq!(join_store("?store=SH%20001"), None);
        assert_eq!(join_store(&format!("?store={}", "A".repeat(17))), None);
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
