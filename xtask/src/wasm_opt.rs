//! binaryen's `wasm-opt`, as every step runs it.

use std::path::{Path, PathBuf};
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

/// [`optimize`] on every module, as many at once as the machine has cores: the screens'
/// modules are over a hundred before they are merged.
pub fn optimize_all(modules: &[PathBuf]) -> Result {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    match modules.get(i) {
                        Some(module) => optimize(module)?,
                        None => return Ok(()),
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err("wasm-opt's worker panicked".into()))
        })
    })
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
