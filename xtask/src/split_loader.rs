//! The split loader (`__wasm_split.js`, written by wasm-split-cli): how it names and lists
//! each screen's modules, which the steps that add to every screen's list read.

use crate::Result;

pub const SCREEN_EXPORT: &str = "export const __wasm_split_load_";
/// How a screen's loader ends: the list of the shared modules it needs.
pub const SCREEN_DEPS: &str = "\n, [";
/// The loader's name for the stylesheet's fetch, first in every screen's list.
pub const SCREENS_CSS: &str = "__screens_css";
/// The loader's name for the cold half's fetch, first in every screen's list.
pub const COLD_HALF: &str = "__mc_cold_half";

/// The split loader with `definition` put before the screens' loaders and `name` (a
/// function returning a promise, defined there) first in each screen's list of things to
/// wait for: the screens' stylesheet, the main module's cold half (`cold.rs`).
pub fn first_in_every_screen(js: &str, definition: &str, name: &str) -> Result<String> {
    let first = js
        .find(SCREEN_EXPORT)
        .ok_or("the split loader has no screen")?;
    let mut out = String::with_capacity(js.len() + definition.len() + 1024);
    out.push_str(&js[..first]);
    out.push_str(definition);
    let mut rest = &js[first..];
    while let Some(at) = rest.find(SCREEN_EXPORT) {
        let list = at
            + rest[at..]
                .find(SCREEN_DEPS)
                .ok_or("a screen's loader has no list")?
            + SCREEN_DEPS.len();
        out.push_str(&rest[..list]);
        out.push_str(name);
        if !rest[list..].starts_with(']') {
            out.push_str(", ");
        }
        rest = &rest[list..];
    }
    out.push_str(rest);
    Ok(out)
}
