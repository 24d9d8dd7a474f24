use leptos::prelude::*;
use rules::money::group_thousands;

use crate::data::api::Expiring;
use crate::i18n::*;
use crate::words::display::date_of;
use crate::words::labels::fill;
use crate::words::text::{dyn_text, lang};

/// "N points expire on {date}" (home and the points screen).
pub fn expiring_notice(e: &Expiring) -> impl IntoView {
    let locale = lang();
    let points = group_thousands(e.points);
    let date = date_of(e.at);
    view! {
        <p class="expiring" data-testid="points-expiring" data-value=e.points.get()>
            {dyn_text(move || fill(td_string!(locale.get(), me.expiring), &[("points", &points), ("date", &date)]))}
        </p>
    }
}
