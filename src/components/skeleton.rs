//! Grey shapes where a list is coming: its rows, or its tiles, marked busy. A screen that
//! waits for data shows what is coming, never an empty state or a count before its list.

use leptos::prelude::*;

/// The shape of what is loading.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Full-width rows (a wallet's coupons, a history's entries).
    Rows,
    /// Two-column tiles (the mall's items).
    Tiles,
}

/// `count` placeholders of `shape`, hidden from screen readers but for the busy list.
#[component]
pub fn Skeleton(shape: Shape, count: usize) -> impl IntoView {
    view! {
        <ul class="skeleton" class:skeleton--tiles=shape == Shape::Tiles aria-busy="true"
            data-testid="skeleton">
            {(0..count)
                .map(|_| {
                    view! {
                        <li class="skeleton__item" aria-hidden="true">
                            <span class="skeleton__line"></span>
                            <span class="skeleton__line skeleton__line--short"></span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
