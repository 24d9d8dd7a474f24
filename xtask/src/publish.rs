//! Publishing the built modules into dist/: every file named with the build's hash, the
//! names the JS files use for each other rewritten, and the page given the loader.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use crate::files::{read, read_text, write};
use crate::split_loader::Loader;
use crate::styles::without_link_around;
use crate::Result;

/// The app's crate, and the stem of its JS and wasm files.
pub const APP: &str = "member-center-app";
/// The module wasm-split-cli writes; the main module's JS imports it by this name.
pub const SPLIT_LOADER: &str = "__wasm_split";

/// One hash over every module and the loader: the JS files name each other (the main JS
/// imports the loader, the loader imports the main JS), so no file's name can hash only
/// its own bytes. Any change renames them all, which is what the browser cache needs.
pub fn build_hash(modules: &[PathBuf], loader: &Loader) -> Result<String> {
    let mut hasher = DefaultHasher::new();
    for module in modules {
        hasher.write(&read(module)?);
    }
    hasher.write(loader.render().as_bytes());
    Ok(format!("{:016x}", hasher.finish()))
}

/// The published names of the main module's files.
pub struct Published {
    pub js: String,
    pub wasm: String,
    pub loader: String,
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
/// the main wasm: the server's test of a content-hashed name), rewriting the names the
/// main JS uses for its siblings, and writes the split loader with the new names.
pub fn publish(modules: &[PathBuf], loader: &Loader, hash: &str, dist: &Path) -> Result<Published> {
    let renamed = |name: &str| hashed_name(name, hash);
    let loader_file = format!("{SPLIT_LOADER}.js");
    let names: Vec<(String, String)> = modules
        .iter()
        .map(|m| {
            m.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .chain([loader_file.clone()])
        .map(|name| {
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
            bytes = text.into_bytes();
        }
        let to = dist.join(new);
        published.insert(new.clone(), String::from_utf8_lossy(&bytes).into_owned());
        write(&to, bytes)?;
    }
    let mut loader = loader.clone();
    loader.rename_files(renamed);
    let rendered = loader.render();
    write(&dist.join(renamed(&loader_file)), &rendered)?;
    published.insert(renamed(&loader_file), rendered);
    let names = Published {
        js: renamed(&format!("{APP}.js")),
        wasm: renamed(&format!("{APP}_bg.wasm")),
        loader: renamed(&loader_file),
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
pub fn inject_loader(index: &Path, names: &Published) -> Result {
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
    // home's part on the home, the whole on any other screen (`data::state::fetch` asks the
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
         a('link',{rel:'preload',as:'fetch',crossOrigin:'',href:s?'api/program/screens':'api/program/home'});s&&a('link',{rel:'modulepreload',href:'SPLIT_LOADER'});\
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

#[cfg(test)]
mod tests {
    use super::without_skipped_link;

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
