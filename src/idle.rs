//! Work that follows a change but need not happen within its frame.

use std::time::Duration;

use leptos::prelude::*;

/// How long after a change its bookkeeping waits: a typist's next keystroke usually comes
/// sooner, so a burst of keystrokes is saved once.
const SETTLE: Duration = Duration::from_millis(150);

/// Runs `work` shortly after what `changes` reads has changed: once per burst of changes,
/// with the latest values. For bookkeeping beside a reactive value (saving a draft, a
/// test hook's JSON) that should not lengthen every keystroke's frame on a slow phone.
///
/// A timer, not `requestIdleCallback`: a busy page can starve idle callbacks for seconds,
/// and a saved draft or the hook must not wait on that.
pub fn after_changes(changes: impl Fn() + 'static, work: impl Fn() + Clone + 'static) {
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        changes();
        if scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        let work = work.clone();
        set_timeout(
            move || {
                // The screen may be gone by now (a tap that changes the value and leaves):
                // its bookkeeping went with it, and touching its values would panic.
                if scheduled.try_set_value(false).is_none() {
                    work();
                }
            },
            SETTLE,
        );
    });
}
