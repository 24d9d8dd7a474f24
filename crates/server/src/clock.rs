//! The server's clock. Handlers read "now" from here and pass it to the rules (which never
//! read a clock); tests pin it to walk through days, months and years.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};

#[derive(Clone, Default)]
pub struct Clock {
    pinned: Arc<Mutex<Option<DateTime<FixedOffset>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that says `at` until moved.
    pub fn pinned(at: DateTime<FixedOffset>) -> Clock {
        let clock = Clock::default();
        clock.set(at);
        clock
    }

    pub fn set(&self, at: DateTime<FixedOffset>) {
        *self.pinned.lock().expect("clock lock") = Some(at);
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        self.pinned
            .lock()
            .expect("clock lock")
            .unwrap_or_else(|| Utc::now().fixed_offset())
    }
}

/// Unix milliseconds, the stored form of every new time.
pub fn ms(at: &DateTime<FixedOffset>) -> i64 {
    at.timestamp_millis()
}

/// A stored time back in the program's offset.
pub fn from_ms(ms: i64, offset: FixedOffset) -> DateTime<FixedOffset> {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset)
}
