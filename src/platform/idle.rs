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
/// A change only notes its time: one timer per burst, which, when it fires before the
/// last change has settled, waits out the rest. (Clearing and setting a timer on every
/// change, each with a new JS closure, cost about 0.5 ms of a keystroke at 4x CPU.)
/// A timer, not `requestIdleCallback`: a busy page can starve idle callbacks for seconds,
/// and a saved draft or the hook must not wait on that.
pub fn after_changes(changes: impl Fn() + 'static, work: impl Fn() + Clone + 'static) {
    // The last change's time (`Date.now()`, ms) while a timer is armed, else `None`.
    let last_change = StoredValue::new_local(None::<f64>);
    Effect::new(move |_| {
        changes();
        let armed = last_change.get_value().is_some();
        last_change.set_value(Some(js_sys::Date::now()));
        if !armed {
            settle(last_change, work.clone(), SETTLE);
        }
    });
}

/// Waits `delay`, then runs `work` if the last change is [`SETTLE`] old, or waits the rest.
fn settle(
    last_change: StoredValue<Option<f64>, LocalStorage>,
    work: impl Fn() + Clone + 'static,
    delay: Duration,
) {
    set_timeout(
        move || {
            // The screen may be gone by now (a tap that changes the value and leaves):
            // its bookkeeping went with it, and touching its values would panic.
            let Some(Some(last)) = last_change.try_get_value() else {
                return;
            };
            let settled = Duration::from_millis((js_sys::Date::now() - last).max(0.0) as u64);
            match SETTLE.checked_sub(settled).filter(|rest| !rest.is_zero()) {
                Some(rest) => settle(last_change, work, rest),
                None => {
                    last_change.set_value(None);
                    work();
                }
            }
        },
        delay,
    );
}

/// Runs `work` once the page is idle (`requestIdleCallback`; a 1 s timer where there is
/// none, as in Safari, so that the work still waits for the page to settle).
pub fn when_idle(work: impl Fn() + 'static) {
    let idle = js_sys::Reflect::has(&window(), &"requestIdleCallback".into()).unwrap_or(false);
    if idle {
        request_idle_callback(work);
    } else {
        set_timeout(work, Duration::from_secs(1));
    }
}
