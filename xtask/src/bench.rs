//! `cargo xtask bench`: figures, not pass/fail tests. (a) what the browser downloads for
//! the first screen, gzip -9, against 200 kB; (b) the quote's time natively, in the
//! server's profile; (c) the same quote in wasm in headless Chromium, in the app's
//! (release) profile; (d) order ingestion and `GET /api/me` over HTTP on SQLite and on
//! PostgreSQL, next to a bare axum handler and one with one query; (d') a million members:
//! `GET /api/me` against its figure at 1,000 and `jobs run` over all; (e) the first screen in Chromium under Slow 4G and a 4×
//! slower CPU: LCP cold and repeat, bytes and requests, keystroke → repaint
//! (`tests/e2e/benches/first_screen.rs`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use crate::files::{brotli_best, files_below, gzip_best, read, read_text};
use crate::proc::{show, took};
use crate::profile::Profiler;
use crate::split_loader::Loader;
use crate::test::rules_wasm_test;
use crate::{build, install, Result, Workspace};

/// First-screen download budget, gzip, in kB (1 kB = 1000 bytes).
const SIZE_TARGET_KB: f64 = 200.0;

/// `cargo xtask bench first-screen`: the first screen's figures alone (the download and
/// the loads in Chromium), beside a baseline build's when `MC_BENCH_BASELINE_DIST` names
/// one (another commit's dist/: the same run, the same server, the same machine).
pub fn first_screen(ws: &Workspace) -> Result {
    let start = Instant::now();
    install::all(ws)?;
    let profiler = Profiler::build(ws)?;
    build(ws, &profiler)?;
    let mut figures = vec![download_size(ws, &ws.dist())?];
    figures.extend(first_screen_in_chromium(ws, &profiler.server)?);
    println!(
        "\n== xtask bench first-screen: figures ({}) ==",
        took(start.elapsed())
    );
    for line in figures {
        println!("{line}");
    }
    Ok(())
}

pub fn all(ws: &Workspace) -> Result {
    let start = Instant::now();
    install::all(ws)?;
    let mut figures = vec![];

    println!("\n== xtask bench: first-screen download (gzip -9) ==");
    let profiler = Profiler::build(ws)?;
    build(ws, &profiler)?;
    figures.push(download_size(ws, &ws.dist())?);

    // The server runs the quote in its own profile (opt-level 3, thin LTO); the bench
    // profile would inherit release, which is opt-level "z" for the wasm's size.
    println!("\n== xtask bench: the quote, native (--profile server) ==");
    let mut native = ws.cargo();
    native.args([
        "bench",
        "-p",
        "member-rules",
        "--bench",
        "quote",
        "--profile",
        "server",
    ]);
    figures.extend(run_and_keep(&mut native, "quote native")?);

    println!("\n== xtask bench: the API over HTTP, SQLite and PostgreSQL (--profile server) ==");
    let mut api = ws.cargo();
    api.env("MC_BENCH_POSTGRES_URL", crate::postgres::test_database()?);
    api.args([
        "bench",
        "-p",
        "member-center",
        "--bench",
        "api",
        "--profile",
        "server",
    ]);
    figures.extend(run_and_keep(&mut api, "api ")?);

    // A million members seeded, then GET /api/me and jobs run over them (about 25 minutes
    // on 2 cores, most of it the job; `MC_SCALE_MEMBERS` makes it smaller).
    println!("\n== xtask bench: a million members on SQLite (--profile server) ==");
    let mut scale = ws.cargo();
    scale.args([
        "bench",
        "-p",
        "member-center",
        "--bench",
        "scale",
        "--profile",
        "server",
    ]);
    figures.extend(run_and_keep(&mut scale, "scale ")?);

    // The app ships the release profile (opt-level "z", LTO), so time that.
    println!("\n== xtask bench: the quote, wasm in headless Chromium (--release) ==");
    let mut wasm = rules_wasm_test(ws);
    wasm.args([
        "--release",
        "--test",
        "wasm_bench",
        "--",
        "--include-ignored",
        "--nocapture",
    ]);
    figures.extend(run_and_keep(&mut wasm, "quote wasm")?);

    figures.extend(first_screen_in_chromium(ws, &profiler.server)?);

    println!("\n== xtask bench: figures ({}) ==", took(start.elapsed()));
    for line in figures {
        println!("{line}");
    }
    Ok(())
}

/// The first screen as a slow phone gets it, from the server of a real deployment
/// (`tests/e2e/benches/first_screen.rs`); then, when `MC_BENCH_BASELINE_DIST` names
/// another build, the same for it, its figures marked `baseline`.
fn first_screen_in_chromium(ws: &Workspace, server: &Path) -> Result<Vec<String>> {
    println!("\n== xtask bench: the first screen in Chromium, Slow 4G, 4x CPU ==");
    let mut dists = vec![("", ws.dist())];
    if let Some(baseline) = std::env::var_os("MC_BENCH_BASELINE_DIST") {
        dists.push(("baseline ", PathBuf::from(baseline)));
    }
    let mut figures = vec![];
    for (label, dist) in dists {
        let mut screen = ws.cargo();
        screen
            .args([
                "bench",
                "-p",
                "e2e",
                "--bench",
                "first_screen",
                "--profile",
                "server",
            ])
            .env("E2E_DIST", &dist)
            .env("E2E_SERVER_BIN", server)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver");
        let lines = run_and_keep(&mut screen, "first-screen:")?;
        figures.extend(lines.into_iter().map(|l| format!("{label}{l}")));
    }
    Ok(figures)
}

/// Runs a command with its stdout echoed, and returns the stdout lines starting with
/// `prefix` (the figures), failing when there is none.
fn run_and_keep(cmd: &mut std::process::Command, prefix: &str) -> Result<Vec<String>> {
    let shown = show(cmd);
    println!("$ {shown}");
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    let kept: Vec<String> = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(prefix))
        .map(|l| l.trim().to_string())
        .collect();
    if kept.is_empty() {
        return Err(format!("`{shown}` printed no `{prefix}` figure"));
    }
    Ok(kept)
}

/// Sizes, raw and gzip -9, of what the first screen downloads (index.html, the CSS, the
/// two JS modules, the main wasm) against the budget, then of the screens' wasm modules
/// fetched on demand (`split_<screen>` and the `chunk_<n>` they share); returns the
/// one-line figure.
fn download_size(ws: &Workspace, dist: &Path) -> Result<String> {
    // The .js, .wasm and .css files, after the page.
    let mut files = vec![dist.join("index.html")];
    files.extend(files_below(dist)?.into_iter().filter(|path| {
        matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "wasm" | "css")
        )
    }));
    let on_demand = |file: &PathBuf| {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        (name.ends_with(".wasm") && !name.ends_with("_bg.wasm"))
            || (name.starts_with("screens-") && name.ends_with(".css"))
    };
    let (lazy, first): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(on_demand);
    println!("  first screen:");
    let (raw, gz, br) = size_table(dist, &first)?;
    println!("  screens fetched on demand:");
    let (lazy_raw, lazy_gz, _) = size_table(dist, &lazy)?;
    let screens = screens_opened(ws, dist)?;
    let kb = gz as f64 / 1000.0;
    let verdict = if kb <= SIZE_TARGET_KB {
        "within"
    } else {
        "OVER"
    };
    Ok(format!(
        "first screen download: {kb:.1} kB gzip, {:.1} kB brotli ({:.1} kB raw) in {} files; \
         {verdict} the {SIZE_TARGET_KB} kB gzip target; the other screens' modules: {:.1} kB \
         gzip ({:.1} kB raw) in {} files, fetched on demand; {screens}",
        br as f64 / 1000.0,
        raw as f64 / 1000.0,
        first.len(),
        lazy_gz as f64 / 1000.0,
        lazy_raw as f64 / 1000.0,
        lazy.len()
    ))
}

/// Prints, for each screen, the modules it fetches the first time it is opened and
/// their brotli bytes (what the server sends); returns the range as one phrase.
fn screens_opened(ws: &Workspace, dist: &Path) -> Result<String> {
    // The build's hash, from the published loader's name (`__wasm_split-<hash>.js`).
    let hash = std::fs::read_dir(dist)
        .map_err(|e| format!("cannot list {}: {e}", dist.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find_map(|n| {
            n.strip_prefix("__wasm_split-")?
                .strip_suffix(".js")
                .map(str::to_owned)
        })
        .ok_or("no split loader in dist/")?;
    // Its module lists, read from the build's copy: the published one is minified.
    let loader = ws.target_dir.join("app-split/split/__wasm_split.js");
    let js = read_text(&loader)?;
    println!("  a screen opened the first time (its module and the shared ones):");
    let mut counts = vec![];
    for (screen, files) in Loader::parse(&js)?.files_per_screen() {
        let mut br = 0;
        for file in &files {
            let file = crate::publish::hashed_name(file, &hash);
            br += std::fs::metadata(dist.join(format!("{file}.br")))
                .map_err(|e| format!("{file}.br: {e}"))?
                .len();
        }
        println!(
            "  {screen:>12}  {:>3} modules  {:>6.1} kB br",
            files.len(),
            br as f64 / 1000.0
        );
        counts.push(files.len());
    }
    counts.sort_unstable();
    Ok(format!(
        "a screen opened the first time fetches {}–{} modules (median {})",
        counts.first().unwrap_or(&0),
        counts.last().unwrap_or(&0),
        counts.get(counts.len() / 2).unwrap_or(&0)
    ))
}

/// Prints each file's raw, gzip -9 and brotli 11 size (what the server sends: the
/// build's precompressed files) and the totals; returns the totals (raw, gzip, brotli).
fn size_table(dist: &Path, files: &[PathBuf]) -> Result<(usize, usize, usize)> {
    let (mut raw_total, mut gz_total, mut br_total) = (0usize, 0usize, 0usize);
    println!("  {:>10}  {:>10}  {:>10}  file", "raw B", "gzip B", "br B");
    for file in files {
        let bytes = read(file)?;
        let gz = gzip_best(&bytes)?.len();
        let br = brotli_best(&bytes)?.len();
        raw_total += bytes.len();
        gz_total += gz;
        br_total += br;
        let name = file.strip_prefix(dist).unwrap_or(file).display();
        println!("  {:>10}  {:>10}  {:>10}  {name}", bytes.len(), gz, br);
    }
    println!("  {raw_total:>10}  {gz_total:>10}  {br_total:>10}  total");
    Ok((raw_total, gz_total, br_total))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module lists come from the build's copy of the loader (the published one is
    /// minified), the sizes from dist/'s hashed `.br` files.
    #[test]
    fn a_screens_modules_are_read_from_the_builds_loader_and_sized_in_dist() {
        let root = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let dist = root.join("dist");
        let split = root.join("target/app-split/split");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::create_dir_all(&split).unwrap();
        let loader = "import { initSync, __mc_cold_half } from \"./app.js\";\n\
            function makeLoad(fetcher, deps) {}\nfunction wrapAsyncCb(callee) {}\n\
            const __chunk_1 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n}\n, []);\n\
            export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_a.wasm\", import.meta.url));\n}\n, [__screens_css, __chunk_1]));\n";
        std::fs::write(split.join("__wasm_split.js"), loader).unwrap();
        std::fs::write(dist.join("__wasm_split-h1.js"), "minified").unwrap();
        std::fs::write(dist.join("chunk_1-h1.wasm.br"), [0; 100]).unwrap();
        std::fs::write(dist.join("split_a-h1.wasm.br"), [0; 23]).unwrap();
        let ws = Workspace {
            root: root.clone(),
            target_dir: root.join("target"),
        };
        let line = screens_opened(&ws, &dist).unwrap();
        assert_eq!(
            line,
            "a screen opened the first time fetches 2–2 modules (median 2)"
        );
        std::fs::remove_file(dist.join("chunk_1-h1.wasm.br")).unwrap();
        assert!(screens_opened(&ws, &dist)
            .unwrap_err()
            .contains("chunk_1-h1.wasm.br"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
