//! `cargo xtask build`: the app, release, into dist/ — the pipeline below, each step a
//! module of its own (docs/architecture.md draws it).
//!
//! The stylesheets are bundled by load time first (`css_bundles.rs`: `style/bundles.txt`'s
//! order). Trunk builds the page (index.html, the CSS, the icons). The wasm is built here,
//! because Trunk has no step to split it: cargo (relocations kept) → wasm-split-cli (one
//! module per lazily loaded screen, `src/pages/lazy.rs`, plus the modules they share)
//! → wasm-opt -Oz on each of those → the shared ones merged into fewer (`chunks.rs`) →
//! the screens' stylesheet moved from the page into their loader (`styles.rs`) →
//! wasm-bindgen (its imports' names shortened, `import_names.rs`) → wasm-opt -Oz on the
//! main module (its unused exports removed first) → the main module split by use: the
//! functions the first screen runs, seen in Chromium on an instrumented copy
//! (`profile.rs`), stay; the rest go to a cold half (`cold.rs`) → every file named with
//! the build's hash, the page given the loader (`publish.rs`) → the JS minified → the
//! service worker → the files precompressed.
//!
//! `MC_BUILD_WITHOUT=step,…` leaves steps out, to measure what each buys
//! (docs/performance.md): `chunks`, `styles`, `import_names`, `lazy_loader`, `cold`,
//! `minify`.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::chunks;
use crate::files::{brotli_best, files_below, gzip_best, read, read_dir, read_text, write};
use crate::proc::run;
use crate::profile::Profiler;
use crate::publish::{build_hash, inject_loader, publish, APP, SPLIT_LOADER};
use crate::split_loader::Loader;
use crate::wasm_opt::{optimize_all, optimize_with};
use crate::{Result, Workspace};

/// The main module's exports no JS calls: wasm-streams' `IntoUnderlying*` classes, which
/// leptos exports through server_fn's `browser` feature (always on) for streamed server
/// functions. This app has no server functions, so nothing constructs them; without the
/// exports, -Oz drops the code only they reach (−1.1 kB brotli). Their JS classes stay
/// in the glue, never constructed.
const UNUSED_EXPORTS: &str = "*intounderlying*";

/// Whether a step of the pipeline runs (all do unless `MC_BUILD_WITHOUT` names it).
fn keep(step: &str) -> bool {
    let without = std::env::var("MC_BUILD_WITHOUT").unwrap_or_default();
    !without.split(',').any(|s| s.trim() == step)
}

/// The app as served, into dist/; `profiler` runs the first screen's profile.
pub fn build(ws: &Workspace, profiler: &Profiler) -> Result {
    let dist = ws.dist();
    if !ws.root.join("Trunk.toml").exists() || !ws.root.join("index.html").exists() {
        return Err("no Trunk.toml or index.html: nothing to build".into());
    }
    crate::css_bundles::write_all(&ws.root)?;
    trunk_page(ws, &dist)?;
    let wasm = cargo_wasm(ws)?;
    let work = ws.target_dir.join("app-split");
    let _ = fs::remove_dir_all(&work);
    let split = work.join("split");
    let main_wasm = main_wasm(ws);
    let bindgen = main_wasm.parent().ok_or("no bindgen folder")?.to_path_buf();
    run(Command::new("wasm-split-cli")
        .args(["--out-name", APP])
        .arg(&wasm)
        .arg(&split))?;
    let screen_modules = |split: &Path| -> Result<Vec<PathBuf>> {
        let main = format!("{APP}.wasm");
        Ok(read_dir(split)?
            .into_iter()
            .filter(|m| m.extension().is_some_and(|e| e == "wasm"))
            .filter(|m| m.file_name().and_then(|n| n.to_str()) != Some(&main))
            .collect())
    };
    let mut loader = Loader::parse(&read_text(&split.join(format!("{SPLIT_LOADER}.js")))?)?;
    // Optimized before the merge: it weighs the modules' sizes as they will be sent.
    optimize_all(&screen_modules(&split)?)?;
    if keep("chunks") {
        chunks::merge(&split, &mut loader)?;
    }
    // The loader gets the screens' stylesheet, the page loses it.
    if keep("styles") {
        crate::styles::attach_to_screens(&dist.join("index.html"), &mut loader)?;
    }
    run(Command::new("wasm-bindgen")
        .arg(split.join(format!("{APP}.wasm")))
        .arg("--out-dir")
        .arg(&bindgen)
        .args(["--out-name", APP, "--target", "web", "--no-typescript"])
        // The split modules call into the main one through the linker's exports, by
        // their mangled names.
        .args(["--no-demangle", "--keep-lld-exports"]))?;
    let main_js = bindgen.join(format!("{APP}.js"));
    let mut glue = read_text(&main_js)?;
    if keep("lazy_loader") {
        glue = crate::lazy_loader::import_lazily(&glue)?;
    }
    write(&main_js, glue)?;
    if keep("import_names") {
        let renamed =
            crate::import_names::shorten(&main_wasm, &main_js, &format!("./{APP}_bg.js"))?;
        println!("{renamed} imports of the main wasm renamed without their hashes");
    }
    // Its names kept (`-g`: the same code) for the split by use, which drops them.
    optimize_with(
        &main_wasm,
        &[
            "--remove-exports",
            &format!("--pass-arg=remove-exports@{UNUSED_EXPORTS}"),
            "-g",
        ],
    )?;
    let cold_half = if keep("cold") {
        let screens = screen_modules(&split)?;
        let cold = crate::profile::cold_functions(
            ws, profiler, &dist, &main_wasm, &main_js, &loader, &screens,
        )?;
        crate::cold::split(ws, &main_wasm, &main_js, &cold)?
    } else {
        crate::cold::strip_names(&main_wasm)?;
        None
    };
    if cold_half.is_some() {
        crate::cold::attach_to_screens(&mut loader);
    }

    let mut modules = vec![main_js, main_wasm];
    modules.extend(cold_half);
    modules.extend(screen_modules(&split)?);
    modules.sort();
    let hash = build_hash(&modules, &loader)?;
    let names = publish(&modules, &loader, &hash, &dist)?;
    // The loader as published, before its files' names were hashed: `xtask bench` reads
    // its module lists (`Loader::files_per_screen`).
    write(&split.join(format!("{SPLIT_LOADER}.js")), loader.render())?;
    if keep("minify") {
        minify_js(&dist.join(&names.js))?;
        minify_js(&dist.join(&names.loader))?;
    }
    inject_loader(&dist.join("index.html"), &names)?;
    let not_cached = operators_only(&loader);
    service_worker(&ws.root.join("web/sw.js"), &dist, &not_cached)?;
    precompress(&dist)
}

/// The main wasm as wasm-bindgen writes it, before it is published.
pub fn main_wasm(ws: &Workspace) -> PathBuf {
    ws.target_dir
        .join("app-split/bindgen")
        .join(format!("{APP}_bg.wasm"))
}

/// Minifies a JS module in place (terser: compressed, local names mangled; the exported
/// and imported names, which the split loader and the wasm use, stay): −1.7 kB brotli on
/// the main module's glue, −0.4 kB on the split loader. `xtask bench` reads the loader's
/// module lists from the build's copy (`Loader::files_per_screen`).
fn minify_js(file: &Path) -> Result {
    run(Command::new("terser")
        .arg(file)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(file))
}

/// The screens only operators open (`/admin`): a shopper's phone never needs them, so the
/// service worker does not fetch them at install.
const OPERATORS_SCREENS: &[&str] = &["admin"];
/// The folder of the files the console fetches for itself (its words and stylesheet).
const OPERATORS_FOLDER: &str = "console/";

/// The modules (unhashed names: `split_admin.wasm`) that only the operators' screens
/// fetch: their own, and the shared ones no other screen needs.
fn operators_only(loader: &Loader) -> Vec<String> {
    let screens = loader.files_per_screen();
    let (theirs, others): (Vec<_>, Vec<_>) = screens
        .into_iter()
        .partition(|(name, _)| OPERATORS_SCREENS.contains(&name.as_str()));
    let needed: std::collections::BTreeSet<String> =
        others.into_iter().flat_map(|(_, files)| files).collect();
    let mut only: Vec<String> = theirs
        .into_iter()
        .flat_map(|(_, files)| files)
        .filter(|file| !needed.contains(file))
        .collect();
    only.sort();
    only.dedup();
    only
}

/// Whether `url` (relative to dist/) is one of `not_cached` once published: the same stem
/// with the build's hash (`split_admin-<hash>.wasm`).
fn published_as_one_of(url: &str, not_cached: &[String]) -> bool {
    not_cached.iter().any(|file| {
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        url.strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|rest| rest.ends_with(&format!(".{ext}")) && !rest.contains('/'))
    })
}

/// Writes dist/sw.js from its template (`web/sw.js`): the files it caches (every file of
/// dist/ but the page, the worker, the compressed copies and the operators' files,
/// relative to the worker's folder; the page is cached as that folder)
/// and a version that changes with any of them, so a new build is a new worker.
fn service_worker(template: &Path, dist: &Path, not_cached: &[String]) -> Result {
    let files: Vec<PathBuf> = files_below(dist)?
        .into_iter()
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let url = path
                .strip_prefix(dist)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            !matches!(name, "index.html" | "sw.js")
                && !name.ends_with(".br")
                && !name.ends_with(".gz")
                && !url.starts_with(OPERATORS_FOLDER)
                && !published_as_one_of(&url, not_cached)
        })
        .collect();
    let mut hasher = DefaultHasher::new();
    let mut urls = vec![];
    for file in &files {
        let relative = file.strip_prefix(dist).map_err(|e| e.to_string())?;
        // Relative to the worker's own folder, the site's base path.
        let url = relative.to_string_lossy().replace('\\', "/");
        hasher.write(url.as_bytes());
        hasher.write(&read(file)?);
        urls.push(format!("\"{url}\""));
    }
    hasher.write(&read(&dist.join("index.html"))?);
    let text = read_text(template)?;
    if !text.contains("__VERSION__") || !text.contains("__FILES__") {
        return Err(format!(
            "{} lacks __VERSION__ or __FILES__",
            template.display()
        ));
    }
    let worker = text
        .replace("__VERSION__", &format!("{:016x}", hasher.finish()))
        .replace("__FILES__", &format!("[{}]", urls.join(", ")));
    let out = dist.join("sw.js");
    write(&out, worker)
}

/// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every file
/// of dist/ a browser fetches compressed, for the server to send as they are (content
/// negotiation, `ServeDir::precompressed_*`): the best ratios cost seconds once here,
/// not on every request. index.html is served from memory by the server and compressed
/// there.
fn precompress(dist: &Path) -> Result {
    const COMPRESSIBLE: [&str; 6] = ["js", "wasm", "css", "svg", "json", "webmanifest"];
    let files: Vec<PathBuf> = files_below(dist)?
        .into_iter()
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e))
        })
        .collect();
    let (mut raw, mut br, mut gz) = (0, 0, 0);
    for file in &files {
        let bytes = read(file)?;
        let brotli = brotli_best(&bytes)?;
        let gzip = gzip_best(&bytes)?;
        let with = |ext: &str| {
            let mut name = file.clone().into_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        for (path, data) in [(with(".br"), &brotli), (with(".gz"), &gzip)] {
            write(&path, data)?;
        }
        (raw, br, gz) = (raw + bytes.len(), br + brotli.len(), gz + gzip.len());
    }
    println!(
        "precompressed {} files: {:.1} kB → {:.1} kB br, {:.1} kB gz",
        files.len(),
        raw as f64 / 1000.0,
        br as f64 / 1000.0,
        gz as f64 / 1000.0
    );
    Ok(())
}

/// `trunk build --release --offline`: the page without the wasm (index.html's
/// `rel="rust"` link has `data-trunk-skip`). Trunk must never download a tool.
fn trunk_page(ws: &Workspace, dist: &Path) -> Result {
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(&ws.root)
        .args(["build", "--release", "--offline", "--dist"])
        .arg(dist)
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    run(&mut trunk)
}

/// The release wasm, linked with its relocations: wasm-split-cli needs them to move
/// functions between modules. Symbols use the v0 mangling: legacy mangling gives every
/// instance of a generic and sibling closures one name, so one of them running kept all
/// of them out of the cold half (`cold::cold_names`); v0 names them apart.
fn cargo_wasm(ws: &Workspace) -> Result<PathBuf> {
    run(ws
        .cargo()
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            APP,
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Clink-args=--emit-relocs -Csymbol-mangling-version=v0",
        ))?;
    Ok(ws
        .target_dir
        .join("wasm32-unknown-unknown/release")
        .join(format!("{APP}.wasm")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operators_modules_are_known_by_their_published_names() {
        let not_cached = vec!["split_admin.wasm".to_owned(), "chunk_7.wasm".to_owned()];
        assert!(published_as_one_of(
            "split_admin-0123abcd.wasm",
            &not_cached
        ));
        assert!(published_as_one_of("chunk_7-0123abcd.wasm", &not_cached));
        assert!(!published_as_one_of("chunk_70-0123abcd.wasm", &not_cached));
        assert!(!published_as_one_of(
            "split_admins-0123abcd.wasm",
            &not_cached
        ));
        assert!(!published_as_one_of(
            "split_staff-0123abcd.wasm",
            &not_cached
        ));
    }
}
