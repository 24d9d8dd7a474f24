//! Translated text in views. Every reactive string of the app goes through these two
//! functions, so the rendering code is instantiated once for all of them instead of once
//! per string (each distinct closure type costs wasm size).

use rules::program::Text;

use crate::i18n::*;

/// A translation: a message of `locales/*.json` for a locale.
pub type Key = fn(Locale) -> &'static str;

/// The message in the current locale, following locale changes.
pub fn message(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || key(i18n.get_locale())
}

/// `tr!(home.points)`: the message `home.points` in the current locale, reactively.
macro_rules! tr {
    ($($key:tt)+) => {
        $crate::text::message(|locale| $crate::i18n::td_string!(locale, $($key)+))
    };
}
pub(crate) use tr;

/// Program text (tier names, perks) in the current locale, reactively.
pub fn local(text: Text) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text.get(i18n.get_locale().as_str()).to_string()
}
