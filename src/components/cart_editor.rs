use leptos::prelude::*;

use crate::components::CategorySelect;
use crate::data::preview_model::{Draft, DraftProblem, LineDraft};
use crate::i18n::*;
use crate::words::labels::fill;
use crate::words::text::{lang, tr};

/// The extra lines of the preview's cart (category, unit price, quantity; add and
/// remove) and the shipping fee. The main amount is edited on the page itself.
#[component]
pub fn CartEditor(
    draft: RwSignal<Draft>,
    #[prop(into)] problem: Signal<Option<DraftProblem>>,
) -> impl IntoView {
    let locale = lang();
    let add = move |_| {
        draft.update(|d| {
            let key = d.lines.iter().map(|l| l.key).max().map_or(1, |k| k + 1);
            d.lines.push(LineDraft::new(key));
        })
    };
    let edit = move |key: u32, f: fn(&mut LineDraft, String), value: String| {
        draft.update(|d| {
            if let Some(line) = d.lines.iter_mut().find(|l| l.key == key) {
                f(line, value);
            }
        })
    };
    // Item numbers count the main amount as item 1.
    let number = move |key: u32| {
        draft.with(|d| {
            d.lines
                .iter()
                .position(|l| l.key == key)
                .map_or(0, |i| i + 2)
        })
    };
    let row = move |line: LineDraft| {
        let key = line.key;
        let bad_price = move || problem.get() == Some(DraftProblem::LinePrice(number(key) - 1));
        let bad_qty = move || problem.get() == Some(DraftProblem::LineQty(number(key) - 1));
        view! {
            <li class="line">
                <span class="line__no" aria-hidden="true">{move || number(key)}</span>
                <CategorySelect
                    initial=line.category.clone()
                    set=move |v| edit(key, |l, v| l.category = v, v)
                    label=|l| td_string!(l, preview.category_label)
                />
                <input class="input line__price" type="text" inputmode="decimal" autocomplete="off"
                    placeholder=tr!(preview.price_label)
                    aria-label=tr!(preview.price_label)
                    aria-invalid=move || bad_price().to_string()
                    prop:value=line.price.clone()
                    on:input=move |ev| edit(key, |l, v| l.price = v, event_target_value(&ev)) />
                <span class="line__times" aria-hidden="true">"×"</span>
                <input class="input line__qty" type="text" inputmode="numeric" autocomplete="off"
                    aria-label=tr!(preview.qty_label)
                    aria-invalid=move || bad_qty().to_string()
                    prop:value=line.qty.clone()
                    on:input=move |ev| edit(key, |l, v| l.qty = v, event_target_value(&ev)) />
                <button type="button" class="icon-button line__remove"
                    aria-label=move || fill(td_string!(locale.get(), preview.remove_line), &[("n", &number(key).to_string())])
                    on:click=move |_| draft.update(|d| d.lines.retain(|l| l.key != key))>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
                    </svg>
                </button>
            </li>
        }
    };
    let message = move || match problem.get() {
        Some(DraftProblem::LinePrice(n)) => Some(fill(
            td_string!(locale.get(), preview.line_price_invalid),
            &[("n", &(n + 1).to_string())],
        )),
        Some(DraftProblem::LineQty(n)) => Some(fill(
            td_string!(locale.get(), preview.line_qty_invalid),
            &[("n", &(n + 1).to_string())],
        )),
        Some(DraftProblem::Shipping) => {
            Some(td_string!(locale.get(), preview.shipping_invalid).to_string())
        }
        _ => None,
    };
    view! {
        <section class="card cart">
            <h2 class="card__title">{tr!(preview.more_items)}</h2>
            <ul class="lines">
                <For each=move || draft.with(|d| d.lines.clone()) key=|l| l.key children=row />
            </ul>
            <button type="button" class="button button--ghost" on:click=add>
                "+ " {tr!(preview.add_line)}
            </button>
            <label class="field field--inline">
                <span class="field__label">{tr!(preview.shipping_label)}</span>
                <span class="field__yuan" aria-hidden="true">"¥"</span>
                <input class="input field__input" type="text" inputmode="decimal" autocomplete="off" placeholder="0"
                    aria-invalid=move || (problem.get() == Some(DraftProblem::Shipping)).to_string()
                    prop:value=draft.get_untracked().shipping
                    on:input=move |ev| draft.update(|d| d.shipping = event_target_value(&ev)) />
            </label>
            {move || message().map(|m| view! { <p class="field-msg field-msg--error" role="alert">{m}</p> })}
            <p class="hint">{tr!(preview.excluded_hint)}</p>
        </section>
    }
}
