//! `cargo xtask build`: the app, release, into dist/.
//!
//! Trunk builds the page (index.html, the CSS, the icons). The wasm is built here,
//! because Trunk has no step to split it: cargo (relocations kept) → wasm-split-cli (one
//! module per lazily loaded screen, `src/pages/lazy.rs`, plus the modules they share)
//! → wasm-opt -Oz on each of those → the shared ones merged into fewer (`chunks.rs`) →
//! the screens' stylesheet moved from the page into their loader (`styles.rs`) →
//! wasm-bindgen (its glue's unused classes taken out, `unused_glue.rs`; its imports'
//! names shortened, `import_names.rs`) and wasm-opt -Oz on the main module (its unused exports removed first) →
//! names carrying the build's hash → the JS minified →
//! the loader script and preloads put into dist/index.html.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::chunks;
use crate::files::{brotli_best, gzip_best, read, read_dir, read_text, write};
use crate::proc::run;
use crate::styles::without_link_around;
use crate::wasm_opt::{optimize, optimize_with};
use crate::{Result, Workspace};

/// The app's crate, and the stem of its JS and wasm files.
const APP: &str = "member-center-app";
/// The module wasm-split-cli writes; the main module's JS imports it by this name.
const SPLIT_LOADER: &str = "__wasm_split";

/// The main module's exports no JS calls: wasm-streams' `IntoUnderlying*` classes, which
/// leptos exports through server_fn's `browser` feature (always on) for streamed server
/// functions. This app has no server functions, so nothing constructs them; without the
/// exports, -Oz drops the code only they reach (−1.1 kB brotli); their JS classes go
/// too (`unused_glue.rs`).
const UNUSED_EXPORTS: &str = "*intounderlying*";

/// What the main wasm becomes.
#[derive(Clone, Copy, PartialEq)]
pub enum MainModule {
    /// Split by use into its hot and cold halves (`cold.rs`): the app as served.
    SplitByUse,
    /// Whole, instrumented to record which functions run: for `cargo xtask profile`.
    Instrumented,
}

/// The app as served, into dist/.
pub fn build(ws: &Workspace) -> Result {
    build_into(ws, &ws.dist(), MainModule::SplitByUse)
}

pub fn build_into(ws: &Workspace, dist: &Path, main_module: MainModule) -> Result {
    if !ws.root.join("Trunk.toml").exists() || !ws.root.join("index.html").exists() {
        return Err("no Trunk.toml or index.html: nothing to build".into());
    }
    trunk_page(ws, dist)?;
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
    // Optimized before the merge: it weighs the modules' sizes as they will be sent.
    for module in screen_modules(&split)? {
        optimize(&module)?;
    }
    chunks::merge(&split)?;
    // Before it is published: the loader gets the screens' stylesheet, the page loses it.
    crate::styles::attach_to_screens(
        &dist.join("index.html"),
        &split.join(format!("{SPLIT_LOADER}.js")),
    )?;
    run(Command::new("wasm-bindgen")
        .arg(split.join(format!("{APP}.wasm")))
        .arg("--out-dir")
        .arg(&bindgen)
        .args(["--out-name", APP, "--target", "web", "--no-typescript"])
        // The split modules call into the main one through the linker's exports, by
        // their mangled names.
        .args(["--no-demangle", "--keep-lld-exports"]))?;
    let main_js = bindgen.join(format!("{APP}.js"));
    let glue = read_text(&main_js)?;
    let glue = crate::unused_glue::without_stream_classes(&glue)?;
    write(&main_js, crate::lazy_loader::import_lazily(&glue)?)?;
    let renamed = crate::import_names::shorten(&main_wasm, &main_js, &format!("./{APP}_bg.js"))?;
    println!("{renamed} imports of the main wasm renamed without their hashes");
    let loader = split.join(format!("{SPLIT_LOADER}.js"));
    // Its names kept (`-g`: the same code) for the split by use, which drops them.
    optimize_with(
        &main_wasm,
        &[
            "--remove-exports",
            &format!("--pass-arg=remove-exports@{UNUSED_EXPORTS}"),
            "-g",
        ],
    )?;
    let cold_half = match main_module {
        MainModule::SplitByUse => crate::cold::split(ws, &main_wasm, &main_js)?,
        MainModule::Instrumented => {
            crate::cold::instrument(ws, &main_wasm, &main_js)?;
            None
        }
    };
    if cold_half.is_some() {
        crate::cold::attach_to_screens(&loader, &format!("{APP}.js"))?;
    }

    let mut modules = vec![main_js, main_wasm, loader];
    modules.extend(cold_half);
    modules.extend(screen_modules(&split)?);
    modules.sort();
    let hash = build_hash(&modules)?;
    let names = publish(&modules, &hash, dist)?;
    minify_js(&dist.join(&names.js))?;
    minify_js(&dist.join(&names.loader))?;
    inject_loader(&dist.join("index.html"), &names)?;
    service_worker(&ws.root.join("web/sw.js"), dist)?;
    precompress(dist)
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
/// module lists from the build's copy before this (`chunks::files_per_screen`).
fn minify_js(file: &Path) -> Result {
    run(Command::new("terser")
        .arg(file)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(file))
}

/// Writes dist/sw.js from its template (`web/sw.js`): the files it caches (every file of
/// dist/ but the page, the worker and the compressed copies, relative to the worker's
/// folder; the page is cached as that folder)
/// and a version that changes with any of them, so a new build is a new worker.
fn service_worker(template: &Path, dist: &Path) -> Result {
    let mut files = vec![];
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for path in read_dir(&dir)? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                dirs.push(path);
            } else if !matches!(name, "index.html" | "sw.js")
                && !name.ends_with(".br")
                && !name.ends_with(".gz")
            {
                files.push(path);
            }
        }
    }
    files.sort();
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
    let mut files = vec![];
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for path in read_dir(&dir)? {
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e))
            {
                files.push(path);
            }
        }
    }
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

/// One hash over every module: the JS files name each other (the main JS imports the
/// loader, the loader imports the main JS), so no file's name can hash only its own
/// bytes. Any change renames them all, which is what the browser cache needs.
fn build_hash(modules: &[PathBuf]) -> Result<String> {
    let mut hasher = DefaultHasher::new();
    for module in modules {
        hasher.write(&read(module)?);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// The published names of the main module's files.
struct Published {
    js: String,
    wasm: String,
    loader: String,
}

/// A module's name in dist/: `<stem>-<hash>.<ext>` (`<stem>-<hash>_bg.wasm` for the
/// main wasm: the server's test of a content-hashed name).
pub fn hashed_name(name: &str, hash: &str) -> String {
    match name.strip_suffix("_bg.wasm") {
        Some(stem) => format!("{stem}-{hash}_bg.wasm"),
        None => {
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            format!("{stem}-{hash}.{ext}")
        }
    }
}

/// Copies every module into dist/ as `<stem>-<hash>.<ext>` (`<stem>-<hash>_bg.wasm` for
/// the main wasm: the server's test of a content-hashed name), and rewrites the names
/// the two JS files use for each other and for the wasm files.
fn publish(modules: &[PathBuf], hash: &str, dist: &Path) -> Result<Published> {
    let renamed = |name: &str| hashed_name(name, hash);
    let names: Vec<(String, String)> = modules
        .iter()
        .map(|m| {
            let name = m
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let new = renamed(&name);
            (name, new)
        })
        .collect();
    let mut published = HashMap::new();
    for (module, (name, new)) in modules.iter().zip(&names) {
        let mut bytes = read(module)?;
        if name.ends_with(".js") {
            let mut text = String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
            for (old, fresh) in &names {
                // How the generated JS fetches or imports its siblings. Not every mention:
                // the main JS also keys its wasm imports by "./__wasm_split.js", the import
                // module name inside the wasm, which must stay.
                for (before, after) in [
                    (format!("from \"./{old}\""), format!("from \"./{fresh}\"")),
                    (
                        format!("import(\"./{old}\""),
                        format!("import(\"./{fresh}\""),
                    ),
                    (
                        format!("new URL(\"./{old}\""),
                        format!("new URL(\"./{fresh}\""),
                    ),
                    (format!("new URL('{old}'"), format!("new URL('{fresh}'")),
                ] {
                    text = text.replace(&before, &after);
                }
            }
            if *name == format!("{SPLIT_LOADER}.js") {
                text = without_module_lists(&text);
            }
            bytes = text.into_bytes();
        }
        let to = dist.join(new);
        published.insert(new.clone(), String::from_utf8_lossy(&bytes).into_owned());
        write(&to, bytes)?;
    }
    let names = Published {
        js: renamed(&format!("{APP}.js")),
        wasm: renamed(&format!("{APP}_bg.wasm")),
        loader: renamed(&format!("{SPLIT_LOADER}.js")),
    };
    // A renamed file nobody fetches by its new name would be a 404 at run time: check
    // that the rewrite found every reference (it depends on the tools' output format).
    let text = |name: &String| published.get(name).map(String::as_str).unwrap_or_default();
    // The screens' modules are fetched by the loader, the cold half by the main JS.
    let mut missing: Vec<&String> = published
        .keys()
        .filter(|name| name.ends_with(".wasm") && **name != names.wasm)
        .filter(|name| {
            ![&names.loader, &names.js]
                .iter()
                .any(|js| text(js).contains(name.as_str()))
        })
        .collect();
    for (file, wanted) in [(&names.js, &names.loader), (&names.loader, &names.js)] {
        let text = text(file);
        if !text.contains(&format!("from \"./{wanted}\""))
            && !text.contains(&format!("import(\"./{wanted}\""))
        {
            missing.push(wanted);
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "after renaming, nothing imports or fetches {missing:?}"
        ));
    }
    Ok(names)
}

/// Puts the start of the app into dist/index.html: preloads for what the first screen
/// needs (the main JS, the main wasm, the data; the split loader off home) and the inline module
/// that starts it, at the end of `<head>`; the `rel="rust"` link Trunk skipped and left
/// there is taken out. The server hashes inline scripts into its CSP at startup.
fn inject_loader(index: &Path, names: &Published) -> Result {
    let html = read_text(index)?;
    let html = without_skipped_link(&html)
        .ok_or_else(|| format!("{} has no skipped rel=rust link", index.display()))?;
    // Trunk writes its files' links from the root (`href=/main-….css`): relative, they
    // follow the `<base href>` put in below.
    let html = html
        .replace("href=/", "href=")
        .replace("href=\"/", "href=\"");
    let Published { js, wasm, loader } = names;
    // The data home needs is fetched with the wasm, not after it starts: the app's own
    // requests (same URL, mode and credentials) take these answers. The program: its
    // home's part on the home, the whole on any other screen (`state::fetch` asks the
    // same: a path empty after the base, trailing slashes aside, is the home); and on
    // another screen the split loader, which the glue imports when the wasm first asks
    // for a screen's module (`lazy_loader.rs`), so the screen does not wait for it. The
    // data includes the demo members: a server outside demo mode takes their link out of the page
    // (`static_files::Site::load`, the exact text below), and the app asks for them only
    // when the page preloads them. The service worker is registered once the page is
    // idle (`web/sw.js`). The web app manifest is linked once the app has started and
    // the page is idle after that: the browser fetches a manifest (and its icon) as soon
    // as it is linked, which put them among the first screen's requests, and the page's
    // load (and idle) comes before the wasm's (a preload does not hold it); only
    // installing the app needs them.
    // A host app's login link (`?login=CODE`, issue 15): a classic script, first in
    // the head, takes the code out of the address before anything else is requested (no
    // Referer, log or screenshot carries it) and trades it for the session cookie (the
    // link's path is already the host's `return_to`); the app starts once that is done,
    // and `/api/me` is preloaded only without a code (a preloaded answer from before the
    // exchange would say "logged out"). A new member whose host passed no consent
    // (422 `consent_required`) is asked for it on the login screen, which finds the code
    // in the tab's sessionStorage (`mc.login-link`), or in `self.mcLoginLink` where
    // storage is blocked. Inside a frame or a mini-program's web-view it also loads the
    // host bridge (`/host.js`, from the server: `web/host.js`), which nobody else
    // downloads.
    // Every address is relative to the page's `<base href>`, which the server sets to its
    // `--base-path` (`/` here): the same build serves at `/` or under `/member`. A login
    // link's consent hand-off keeps the page's whole path in `?next=`; the app strips the
    // base. Where the web-view blocks cookies (a cookie written is not read back:
    // `navigator.cookieEnabled` stays true in a Chromium told to block them), the
    // exchange asks for the session as a token
    // (`bearer`), kept in the tab's sessionStorage (`mc.session`) for the app's requests,
    // and in `self.mcSession`: a browser that blocks cookies may block storage too (then
    // touching `sessionStorage` throws, so it comes last in each step).
    let start = "</title><base href=/><script>(()=>{let q=new URLSearchParams(location.search),c=q.get('login'),h=history,d=document,k=(d.cookie='mc_probe=1;max-age=9',!/mc_probe=1/.test(d.cookie)),\
         a=(t,p)=>d.head.append(Object.assign(d.createElement(t),p)),\
         s=location.pathname.slice(new URL(d.baseURI).pathname.length).replace(/\\/+$/,'');self.mcNoCookie=k;\
         a('link',{rel:'preload',as:'fetch',crossOrigin:'',href:s?'api/program':'api/program/home'});s&&a('link',{rel:'modulepreload',href:'SPLIT_LOADER'});\
         if(self!=top||self.__wxjs_environment||/miniProgram/i.test(navigator.userAgent))a('script',{src:'host.js'});\
         if(c){q.delete('login');q=''+q;h.replaceState(0,'',location.pathname+(q&&'?'+q)+location.hash);\
         self.mcLogin=fetch('api/auth/exchange',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({code:c,bearer:k})})\
         .then(r=>{if(r.status!=422)return r.json();h.replaceState(0,'','login?next='+location.pathname);self.mcLoginLink=c;sessionStorage.setItem('mc.login-link',c)})\
         .then(b=>{if(b&&b.token){self.mcSession=b.token;sessionStorage.setItem('mc.session',b.token)}}).catch(()=>{})}\
         else a('link',{rel:'preload',as:'fetch',crossOrigin:'',href:'api/me'})})()</script>";
    let head = format!(
        "<link rel=modulepreload href={js}>\
         <link rel=preload as=fetch type=application/wasm crossorigin href={wasm}>\
         <link rel=preload as=fetch crossorigin href=api/demo/members>\
         <script type=module>import init from './{js}';\
         const idle=f=>(self.requestIdleCallback||setTimeout)(f),\
         sw=()=>idle(()=>'serviceWorker'in navigator&&navigator.serviceWorker.register('sw.js'));\
         document.readyState==='complete'?sw():addEventListener('load',sw);\
         await self.mcLogin;await init({{module_or_path:'{wasm}'}});\
         idle(()=>document.head.append(Object.assign(document.createElement('link'),{{rel:'manifest',href:'manifest.webmanifest'}})));</script>\
         </head>"
    );
    // Right after the title: before every link (Trunk's minified page has no `<head>`).
    if !html.contains("</title>") {
        return Err(format!(
            "{} has no </title> to put the login script after",
            index.display()
        ));
    }
    let html = html.replacen("</title>", &start.replace("SPLIT_LOADER", loader), 1);
    if !html.contains("</head>") {
        return Err(format!(
            "{} has no </head> to put the loader before",
            index.display()
        ));
    }
    let html = html.replacen("</head>", &head, 1);
    write(index, html)
}

/// The page without the `<link data-trunk rel=rust data-trunk-skip …>` Trunk leaves in
/// it (the element around the first `data-trunk-skip`); `None` when there is none.
fn without_skipped_link(html: &str) -> Option<String> {
    without_link_around(html, html.find("data-trunk-skip")?)
}

/// The split loader names, above each shared chunk, every screen that uses it
/// (`/* benefits, events, … */`): with over a hundred chunks that is half a kilobyte of
/// the first screen (gzip) that nothing reads.
fn without_module_lists(js: &str) -> String {
    js.lines()
        .filter(|line| {
            let t = line.trim();
            !(t.starts_with("/* ") && t.ends_with(" */") && !t[3..t.len() - 3].contains("*/"))
        })
        .flat_map(|line| [line, "\n"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{without_module_lists, without_skipped_link};

    #[test]
    fn the_loaders_module_lists_are_taken_out() {
        let js = "/* a, b */\nconst __chunk_1 = load(\"x\"); /* keep */\n/* c */\nx();\n";
        assert_eq!(
            without_module_lists(js),
            "const __chunk_1 = load(\"x\"); /* keep */\nx();\n"
        );
    }

    #[test]
    fn the_skipped_rust_link_is_taken_out() {
        let html = "<title>t</title><link data-trunk data-trunk-id=0 data-trunk-skip rel=rust>\
                    <link href=/main.css rel=stylesheet></head>";
        assert_eq!(
            without_skipped_link(html).as_deref(),
            Some("<title>t</title><link href=/main.css rel=stylesheet></head>")
        );
        assert_eq!(without_skipped_link("<link href=/main.css></head>"), None);
    }
}
