use std::future::Future;

use leptos::prelude::*;

use crate::data::api::{ApiError, ErrorCode};

/// The requests of one part of a screen (a list, a form) to the server: whether one is
/// under way, the last error, and which one is the latest. A request started while
/// another is under way supersedes it: the older answer, when it comes, is dropped (a
/// tab or a filter no longer chosen, a history reloaded after a check-in).
///
/// A hook of our own rather than Leptos's `LocalResource` or `Action`: the smaller
/// wasm (docs/performance.md), and `Action` keeps whichever answer comes last.
#[derive(Clone, Copy)]
pub struct Loader {
    /// Whether a request is under way (for `disabled`, `aria-busy`).
    pub busy: RwSignal<bool>,
    /// The code of the last error, shown by the screen with `labels::error_of`.
    pub error: RwSignal<Option<ErrorCode>>,
    /// Requests started: an answer is the latest one's when this has not moved since.
    started: RwSignal<i64>,
}

impl Loader {
    pub fn new() -> Loader {
        Loader::sharing(RwSignal::new(None))
    }

    /// Another loader of the same screen whose errors show in the same place.
    pub fn sharing(error: RwSignal<Option<ErrorCode>>) -> Loader {
        Loader {
            busy: RwSignal::new(false),
            error,
            started: RwSignal::new(0),
        }
    }

    /// Sends `request`: its answer goes to `done`, its error to `error`, unless this
    /// loader started another request meanwhile or the screen is gone.
    pub fn run<T: 'static>(
        self,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        let ticket = self.start();
        leptos::task::spawn_local(async move {
            let answer = request.await;
            if self.finish(ticket) {
                match answer {
                    Ok(value) => done(value),
                    Err(e) => {
                        self.error.try_set(Some(e.code));
                    }
                }
            }
        });
    }

    /// A new request clears the error shown: it is about the request before, and an
    /// error left on screen while the next one runs reads as that one's answer.
    fn start(self) -> i64 {
        self.error.set(None);
        self.busy.set(true);
        self.started.update(|n| *n += 1);
        self.started.get_untracked()
    }

    /// Whether the answer to request `ticket` is to be used: it is the latest, and the
    /// screen is still there. Then the loader is no longer busy.
    fn finish(self, ticket: i64) -> bool {
        let latest = self.started.try_get_untracked() == Some(ticket);
        if latest {
            self.busy.try_set(false);
        }
        latest
    }
}

impl Default for Loader {
    fn default() -> Loader {
        Loader::new()
    }
}
