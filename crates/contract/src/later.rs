//! [`Later`]: a part of an answer that the first screen does not read, kept as its JSON
//! text when the app receives it and parsed the first time a screen asks for it.
//!
//! Why: the app's first screen downloads the code of every parser it can reach. The
//! member's quote snapshot (the wallet's coupons with their kinds) and the coupons'
//! titles are read only by the preview and the wallet, which live in modules of their own
//! (wasm-split). Behind `Later`, only those modules call their parsers, so the parsers
//! move there; the first screen keeps serde_json's raw-text reader, which it has anyway.
//! On the wire nothing changes: `Later<T>` is written exactly as `T`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A `T` made by the server ([`Later::new`]), or read by the app as JSON text and parsed
/// on the first [`Later::get`]. Clones share the text and the parsed value.
pub struct Later<T>(Arc<Inner<T>>);

struct Inner<T> {
    /// As received; `None` for a value made in place.
    json: Option<Box<RawValue>>,
    value: OnceLock<T>,
}

impl<T> Later<T> {
    pub fn new(value: T) -> Later<T> {
        Later(Arc::new(Inner {
            json: None,
            value: OnceLock::from(value),
        }))
    }
}

impl<T: DeserializeOwned> Later<T> {
    /// The value, parsed from the received text the first time. An error means the
    /// server sent what this build cannot read (an old app against a newer server); it
    /// is not kept, so each call reports it.
    pub fn get(&self) -> Result<&T, serde_json::Error> {
        if let Some(value) = self.0.value.get() {
            return Ok(value);
        }
        let json = self.0.json.as_ref().map_or("null", |json| json.get());
        let value = serde_json::from_str(json)?;
        Ok(self.0.value.get_or_init(|| value))
    }
}

impl<T> Clone for Later<T> {
    fn clone(&self) -> Self {
        Later(self.0.clone())
    }
}

impl<T: Default> Default for Later<T> {
    fn default() -> Self {
        Later::new(T::default())
    }
}

/// Received texts compare as text (no parsing: comparing must not pull the parser into
/// the first screen), values made in place as values.
impl<T: PartialEq> PartialEq for Later<T> {
    fn eq(&self, other: &Self) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (&self.0.json, &other.0.json) {
            (Some(a), Some(b)) => a.get() == b.get(),
            (None, None) => self.0.value.get() == other.0.value.get(),
            _ => false,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Later<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.json, self.0.value.get()) {
            (Some(json), _) => write!(f, "Later({})", json.get()),
            (None, value) => write!(f, "Later({value:?})"),
        }
    }
}

/// Written as `T`; received text is written back as it came.
impl<T: Serialize> Serialize for Later<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (&self.0.json, self.0.value.get()) {
            (Some(json), _) => json.serialize(serializer),
            (None, Some(value)) => value.serialize(serializer),
            (None, None) => unreachable!("a value made in place is always set"),
        }
    }
}

/// Keeps the text; reading it needs serde_json's deserializer (the API's only format).
impl<'de, T> Deserialize<'de> for Later<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Later(Arc::new(Inner {
            json: Some(json),
            value: OnceLock::new(),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Answer {
        shown: u32,
        later: Later<Vec<u32>>,
    }

    #[test]
    fn written_as_the_value_and_read_back_as_text_parsed_once() {
        let answer = Answer {
            shown: 1,
            later: Later::new(vec![2, 3]),
        };
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(json, r#"{"shown":1,"later":[2,3]}"#);
        let read: Answer = serde_json::from_str(&json).unwrap();
        assert!(read.later.0.value.get().is_none(), "not parsed until asked");
        let first = read.later.get().unwrap();
        assert_eq!(first, &vec![2, 3]);
        assert!(std::ptr::eq(first, read.later.clone().get().unwrap()));
        // Written back exactly as received.
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
    }

    #[test]
    fn texts_compare_as_text_and_an_unreadable_one_is_an_error() {
        let a: Answer = serde_json::from_str(r#"{"shown":1,"later":[2]}"#).unwrap();
        let b: Answer = serde_json::from_str(r#"{"shown":1,"later":[2]}"#).unwrap();
        let c: Answer = serde_json::from_str(r#"{"shown":1,"later":[3]}"#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let bad: Answer = serde_json::from_str(r#"{"shown":1,"later":{"x":1}}"#).unwrap();
        assert!(bad.later.get().is_err());
        assert!(bad.later.get().is_err(), "the error is not kept as a value");
    }
}
