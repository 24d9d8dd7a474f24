//! binaryen's `wasm-opt`, as every step runs it.

use std::path::Path;
use std::process::Command;

use crate::proc::run;
use crate::Result;

/// What the wasm may use: what wasm-bindgen's output and Chromium/Safari of the last
/// years support (wasm-opt must be told, or it refuses the reference types).
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// `wasm-opt -Oz` in place.
pub fn optimize(module: &Path) -> Result {
    optimize_with(module, &[])
}

/// `wasm-opt -Oz` in place, with the passes in `before` run first.
pub fn optimize_with(module: &Path, before: &[&str]) -> Result {
    run(Command::new("wasm-opt")
        .args(before)
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(module)
        .arg("-o")
        .arg(module))
}
