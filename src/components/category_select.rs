use leptos::prelude::*;

use crate::data::preview_model::CATEGORIES;
use crate::words::labels;
use crate::words::text::{lang, message, Key};

/// A category `<select>` whose value is written back through `set`.
#[component]
pub fn CategorySelect(
    initial: String,
    set: impl Fn(String) + 'static,
    /// The select's accessible name.
    label: Key,
) -> impl IntoView {
    let locale = lang();
    let options = CATEGORIES
        .iter()
        .map(|id| {
            let selected = *id == initial;
            view! {
                <option value=*id selected=selected>
                    {move || labels::category(locale.get(), id)}
                </option>
            }
        })
        .collect_view();
    view! {
        <select class="select" aria-label=message(label) on:change=move |ev| set(event_target_value(&ev))>
            {options}
        </select>
    }
}
