//! The current language and translated text in views.
//!
//! Translations are leptos_i18n's, generated at compile time from `locales/*.json`
//! (`td_string!(locale, key)`). The current locale is an `RwSignal<Locale>` of our own in
//! the context rather than leptos_i18n's `I18nContextProvider`: that one starts in the
//! browser's language (Chinese must be the default here) and brings locale negotiation
//! code (icu, leptos-use) the app does not need.
//!
//! Every reactive string goes through [`message`] or [`local`], so the rendering code is
//! instantiated once for all strings instead of once per string (wasm size).

use leptos::prelude::*;
use rules::Text;

use crate::i18n::*;

/// The current locale, provided by the app shell.
#[derive(Clone, Copy)]
pub struct Lang(pub RwSignal<Locale>);

/// The current locale (read it with `.get()` to follow changes).
pub fn lang() -> RwSignal<Locale> {
    expect_context::<Lang>().0
}

/// A translation: a message of `locales/*.json` for a locale.
pub type Key = fn(Locale) -> &'static str;

/// The message in the current locale, following locale changes.
pub fn message(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = lang();
    move || key(locale.get())
}

/// `tr!(home.points)`: the message `home.points` in the current locale, reactively.
macro_rules! tr {
    ($($key:tt)+) => {
        $crate::words::text::message(|locale| $crate::i18n::td_string!(locale, $($key)+))
    };
}
pub(crate) use tr;

/// Program text (tier names, perks) in the current locale, reactively.
pub fn local(text: Text) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let locale = lang();
    move || text.get(locale.get().as_str()).to_string()
}

/// Reactive text computed by a closure, as a `Signal<String>`: every such text renders
/// through one instantiation of the rendering code instead of one per closure (a
/// reactive closure in a view compiles its own render effect; wasm size).
pub fn dyn_text(f: impl Fn() -> String + Send + Sync + 'static) -> Signal<String> {
    Signal::derive(f)
}

/// A reactive flag (`hidden`, `disabled`, a class), shared the same way.
pub fn flag(f: impl Fn() -> bool + Send + Sync + 'static) -> Signal<bool> {
    Signal::derive(f)
}
