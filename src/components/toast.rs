use leptos::prelude::*;

use crate::words::text::{dyn_text, flag};

/// How long a toast stays, in milliseconds: long enough to read two short lines.
const SHOWN_MS: u64 = 2600;

/// The app's one toast: a short confirmation (saved, copied, checked in, redeemed) that
/// shows over the screen for a moment. Provided by the shell; `expect_context::<Toast>()`.
#[derive(Clone, Copy)]
pub struct Toast {
    text: RwSignal<String>,
    /// Bumped by each toast, so the timer of an older one does not hide a newer one.
    serial: RwSignal<i64>,
}

impl Toast {
    pub fn new() -> Toast {
        Toast {
            text: RwSignal::new(String::new()),
            serial: RwSignal::new(0),
        }
    }

    /// Shows `text` (already in the member's language) for a moment.
    pub fn show(self, text: String) {
        let Toast {
            text: shown,
            serial,
        } = self;
        shown.set(text);
        serial.update(|s| *s += 1);
        let mine = serial.get_untracked();
        set_timeout(
            move || {
                if serial.try_get_untracked() == Some(mine) {
                    shown.set(String::new());
                }
            },
            std::time::Duration::from_millis(SHOWN_MS),
        );
    }
}

/// Where the toast shows. The live region is always in the page (a region that appears
/// together with its text is not announced by every screen reader); only its look
/// follows the text.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let text = expect_context::<Toast>().text;
    view! {
        <div class="toast" class:toast--on=flag(move || !text.with(String::is_empty))
            role="status" aria-live="polite" data-testid="toast">
            {dyn_text(move || text.get())}
        </div>
    }
}
