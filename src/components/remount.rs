use std::hash::Hash;

use leptos::prelude::*;

/// Shows `children(value)` for the current value of `each` (nothing for `None`), built
/// anew whenever the value's key changes.
///
/// Why not `move || view! { … }`: a reactive closure that returns a view also compiles
/// the code that patches the previous view in place ("rebuild") for its whole subtree,
/// and for whole screens that code was a large share of the wasm. A keyed `For` over an
/// `Option` only ever builds. Use it for big subtrees that change as a whole (a screen
/// after loading, the member shown, a quote); keep fine-grained signals for small parts.
#[component]
pub fn Remount<T, K, IF, KF, CF, V>(each: IF, key: KF, children: CF) -> impl IntoView
where
    IF: Fn() -> Option<T> + Send + 'static,
    KF: Fn(&T) -> K + Send + Clone + 'static,
    K: Eq + Hash + 'static,
    CF: Fn(T) -> V + Send + Clone + 'static,
    V: IntoView + 'static,
    T: Send + 'static,
{
    view! { <For each key children /> }
}
