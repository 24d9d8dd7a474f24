//! Which of the main module's functions the first screen runs, measured on every build:
//! a copy of the main module is instrumented (binaryen records what runs), published
//! with the rest of the app into `target/profile-dist`, and opened on the demo server in
//! Chromium the ways a shopper first sees it (`tests/e2e/src/bin/first_paint_profile.rs`).
//! The functions that did not run are the cold half's (`cold.rs`).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cold::{cold_names, functions_file, instrument};
use crate::files::{copy_dir, read_text};
use crate::proc::run;
use crate::publish::{build_hash, inject_loader, publish};
use crate::split_loader::Loader;
use crate::{Result, Workspace};

/// What runs the profile: a built server (`member-center`) and the e2e crate's
/// `first_paint_profile`, built beforehand by the caller (`cargo xtask test` hands over
/// the ones its native tests built: building them here would resolve features anew).
pub struct Profiler {
    pub server: PathBuf,
    pub runner: PathBuf,
}

impl Profiler {
    /// Builds both: the server as served (`--profile server`), the runner in the dev
    /// profile.
    pub fn build(ws: &Workspace) -> Result<Profiler> {
        let server = crate::server_binary(ws)?;
        run(ws
            .cargo()
            .args(["build", "-p", "e2e", "--bin", "first_paint_profile"]))?;
        let runner = ws.target_dir.join("debug").join("first_paint_profile");
        Ok(Profiler { server, runner })
    }

    /// The binaries `cargo test --workspace` built (it builds the bins of a package whose
    /// integration tests it builds).
    pub fn from_tests(ws: &Workspace) -> Profiler {
        let debug = ws.target_dir.join("debug");
        Profiler {
            server: debug.join("member-center"),
            runner: debug.join("first_paint_profile"),
        }
    }
}

/// The names of the functions of `main_wasm` (optimized, its names kept) that the first
/// screen does not run, seen through `profiler`. `page` is dist/ as
/// Trunk and the earlier steps left it; `loader` and `screens` are the split loader and
/// the screens' modules, published beside the instrumented copy so that the app runs as
/// it will be served.
pub fn cold_functions(
    ws: &Workspace,
    profiler: &Profiler,
    page: &Path,
    main_wasm: &Path,
    main_js: &Path,
    loader: &Loader,
    screens: &[PathBuf],
) -> Result<HashSet<String>> {
    let work = ws.target_dir.join("app-profile");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let copy = |file: &Path| -> Result<PathBuf> {
        let to = work.join(file.file_name().ok_or("a module without a name")?);
        fs::copy(file, &to).map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
        Ok(to)
    };
    let (js, wasm) = (copy(main_js)?, copy(main_wasm)?);
    instrument(ws, &wasm, &js)?;

    let dist = ws.target_dir.join("profile-dist");
    let _ = fs::remove_dir_all(&dist);
    copy_dir(page, &dist)?;
    let mut modules = vec![js, wasm.clone()];
    modules.extend(screens.iter().cloned());
    modules.sort();
    let names = publish(&modules, loader, &build_hash(&modules, loader)?, &dist)?;
    inject_loader(&dist.join("index.html"), &names)?;

    let ran_file = work.join("ran.json");
    run(Command::new(&profiler.runner)
        .current_dir(ws.root.join("tests/e2e"))
        .env("E2E_DIST", &dist)
        .env("E2E_SERVER_BIN", &profiler.server)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("PROFILE_OUT", &ran_file))?;
    let functions: Vec<String> = read_text(&functions_file(&wasm))?
        .lines()
        .map(str::to_string)
        .collect();
    let ran = parse_indexes(&read_text(&ran_file)?)?;
    if let Some(beyond) = ran.iter().find(|&&i| i >= functions.len()) {
        return Err(format!(
            "the profile names function {beyond} of {}",
            functions.len()
        ));
    }
    let cold: HashSet<String> = cold_names(&functions, &ran)
        .into_iter()
        .filter(|name| !name.is_empty())
        .collect();
    println!(
        "profile: {} of {} functions ran on the first screen; {} names cold",
        ran.len(),
        functions.len(),
        cold.len()
    );
    Ok(cold)
}

/// `[1,2,3]` → {1, 2, 3}.
fn parse_indexes(json: &str) -> Result<HashSet<usize>> {
    let inner = json
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or("the profile is not a JSON array")?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("`{s}` in the profile")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_indexes;

    #[test]
    fn the_profile_is_read_as_indexes() {
        let read = parse_indexes(" [3, 1,2]\n").unwrap();
        assert_eq!(read, [1, 2, 3].into_iter().collect());
        assert!(parse_indexes("{}").is_err());
        assert!(parse_indexes("[1,x]").is_err());
    }
}
