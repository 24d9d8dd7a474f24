//! Text the program shows members, in the member center's two languages.

use serde::{Deserialize, Serialize};

/// Text in the two languages of the member center, Chinese first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// The text for a language tag (`zh…` or anything else, which falls back to English).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("zh") {
            &self.zh
        } else {
            &self.en
        }
    }
}
