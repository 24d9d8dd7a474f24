//! `cargo xtask profile`: which of the main module's functions the first screen runs, seen
//! in Chromium through binaryen's instrumentation; the others are written to the cold list
//! the build moves to the main module's cold half (`cold.rs`).

use std::collections::HashSet;

use crate::cold::{cold_names, functions_file, COLD_LIST};
use crate::files::{read_text, write};
use crate::proc::run;
use crate::{Result, Workspace};

/// `cargo xtask profile`: builds the app with its main module instrumented (into
/// `target/profile-dist/`), opens its first screen in Chromium
/// (`tests/e2e/src/bin/first_paint_profile.rs`), and writes the functions that did not
/// run, by name, to `web/cold-functions.txt` for the build to split out.
pub fn profile(ws: &Workspace) -> Result {
    crate::install::all(ws)?;
    let dist = ws.target_dir.join("profile-dist");
    crate::build::build_into(ws, &dist, crate::build::MainModule::Instrumented)?;
    run(ws.cargo().args(["build", "-p", "member-center"]))?;
    let ran_file = ws.target_dir.join("first-paint-profile.json");
    run(ws
        .cargo()
        .args(["run", "-p", "e2e", "--bin", "first_paint_profile"])
        .env("E2E_DIST", &dist)
        .env("E2E_SERVER_BIN", ws.target_dir.join("debug/member-center"))
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("PROFILE_OUT", &ran_file))?;
    let functions_file = functions_file(&crate::build::main_wasm(ws));
    let functions: Vec<String> = read_text(&functions_file)?
        .lines()
        .map(str::to_string)
        .collect();
    let ran = read_text(&ran_file)?;
    let ran = parse_indexes(&ran)?;
    if let Some(beyond) = ran.iter().find(|&&i| i >= functions.len()) {
        return Err(format!(
            "the profile names function {beyond} of {}",
            functions.len()
        ));
    }
    let cold = cold_names(&functions, &ran);
    let header = format!(
        "# The main module's functions the first screen does not run (hash-free names):\n\
         # `cargo xtask build` moves them to its cold half (xtask/src/cold.rs). Written by\n\
         # `cargo xtask profile`: {} of {} functions ran.\n",
        ran.len(),
        functions.len()
    );
    let list = cold
        .into_iter()
        .filter(|name| !name.is_empty())
        .collect::<Vec<_>>();
    write(
        &ws.root.join(COLD_LIST),
        format!("{header}{}\n", list.join("\n")),
    )?;
    println!("profile: {} cold names written to {COLD_LIST}", list.len());
    Ok(())
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
