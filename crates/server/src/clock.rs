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

/// Random bytes from the OS's CSPRNG, as URL-safe base64 (no padding): session tokens,
/// API keys, salts, ids.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Lowercase hex SHA-256: how tokens, keys and codes are stored.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
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
