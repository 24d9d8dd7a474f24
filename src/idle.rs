//! Work that follows a change but need not happen within its frame.

use std::time::Duration;

use leptos::prelude::*;

/// How long after the last change its bookkeeping waits: a typist's next keystroke
/// usually comes sooner, so a burst of keystrokes is saved once, after it.
const SETTLE: Duration = Duration::from_millis(150);

/// Runs `work` once what `changes` reads has stopped changing for [`SETTLE`], with the
/// latest values. For bookkeeping beside a reactive value (saving a draft, a test hook's
/// JSON) that should not lengthen any keystroke on a slow phone: each change puts the
/// work off again, so none of it runs while the shopper types. (Run once per burst
/// from its first change instead, it landed inside every third keystroke or so, and
/// those were the slowest ones.)
///
/// A timer, not `requestIdleCallback`: a busy page can starve idle callbacks for seconds,
/// and a saved draft or the hook must not wait on that.
pub fn after_changes(changes: impl Fn() + 'static, work: impl Fn() + Clone + 'static) {
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        changes();
        if let Some(earlier) = pending.try_update_value(Option::take).flatten() {
            earlier.clear();
        }
        let work = work.clone();
        let timer = set_timeout_with_handle(
            move || {
                // The screen may be gone by now (a tap that changes the value and leaves):
                // its bookkeeping went with it, and touching its values would panic.
                if pending.try_set_value(None).is_none() {
                    work();
                }
            },
            SETTLE,
        );
        if let Ok(timer) = timer {
            pending.set_value(Some(timer));
        }
    });
}
