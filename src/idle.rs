//! Work that follows a change but need not happen within its frame.

use leptos::prelude::*;

/// Runs `work` once the browser is idle after what `changes` reads has changed: once per
/// burst of changes, with the latest values. For bookkeeping beside a reactive value
/// (saving a draft, a test hook's JSON) that should not lengthen every keystroke's frame
/// on a slow phone.
pub fn when_idle_after(changes: impl Fn() + 'static, work: impl Fn() + Clone + 'static) {
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        changes();
        if scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        let work = work.clone();
        request_idle_callback(move || {
            scheduled.set_value(false);
            work();
        });
    });
}
