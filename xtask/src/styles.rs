//! The screens' stylesheet (`style/bundled/screens.css`, which `css_bundles.rs` makes of
//! the stylesheets of the screens fetched on demand). Trunk builds it (minified, hashed)
//! beside the first screen's `main.css`, but the page must not load it: it would hold the
//! first paint and count in the first screen's bytes. The build takes its link out of the page and makes it one more thing
//! every screen's loader waits for, next to the screen's wasm modules. It is fetched once,
//! with the first screen opened after home (the service worker caches it at install, like
//! the modules). A failed fetch fails that screen's load: the screen shows its "could not
//! load" notice, and its retry fetches the stylesheet again.

use std::path::Path;

use crate::files::{read_text, write};
use crate::split_loader::{Defined, Loader, Prerequisite};
use crate::Result;

/// The loader's name for the stylesheet's fetch.
const SCREENS_CSS: &str = "__screens_css";
/// Trunk's name for it: `screens-<hash>.css`.
const STEM: &str = "screens-";

/// Takes the stylesheet's link out of dist/index.html and adds its fetch to the split
/// loader (`split/__wasm_split.js`, before it is published).
pub fn attach_to_screens(index: &Path, loader: &mut Loader) -> Result {
    let html = read_text(index)?;
    let (html, css) = without_screens_link(&html)
        .ok_or_else(|| format!("{} has no {STEM}….css link", index.display()))?;
    loader.prerequisites.push(stylesheet_fetch(&css));
    write(index, html)
}

/// The page without the `<link … href=/screens-….css …>` Trunk wrote, and that file's
/// name; `None` when there is no such link.
fn without_screens_link(html: &str) -> Option<(String, String)> {
    let href = html.find(&format!("href=/{STEM}"))?;
    let name_at = href + "href=/".len();
    let name_end = name_at + html[name_at..].find([' ', '>'])?;
    let name = &html[name_at..name_end];
    if !name.ends_with(".css") {
        return None;
    }
    Some((without_link_around(html, href)?, name.to_string()))
}

/// The stylesheet's fetch, for every screen to wait for.
fn stylesheet_fetch(css: &str) -> Prerequisite {
    // Applied once loaded (its `load` event): a screen is never shown unstyled. Forgotten
    // on failure, so the next load tries again.
    let fetch = format!(
        "let screensCss;\n\
         const {SCREENS_CSS} = () => screensCss ??= new Promise((resolve, reject) => {{\n\
         \x20   const link = document.createElement(\"link\");\n\
         \x20   link.rel = \"stylesheet\";\n\
         \x20   link.href = new URL(\"./{css}\", import.meta.url).href;\n\
         \x20   link.onload = () => resolve();\n\
         \x20   link.onerror = () => {{ link.remove(); screensCss = undefined; reject(new Error(\"{css}\")); }};\n\
         \x20   document.head.append(link);\n\
         }});\n"
    );
    Prerequisite {
        name: SCREENS_CSS.into(),
        defined: Defined::Here(fetch),
    }
}

/// The page without the `<link …>` element that holds byte `at`; `None` when `at` is in
/// no such element.
pub fn without_link_around(html: &str, at: usize) -> Option<String> {
    let start = html[..at].rfind("<link")?;
    let end = at + html[at..].find('>')? + 1;
    Some(format!("{}{}", &html[..start], &html[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_is_taken_out_of_the_page() {
        let html = "<title>t</title><link href=/main-1.css integrity=sha384-a rel=stylesheet>\
                    <link href=/screens-2.css integrity=sha384-b rel=stylesheet></head>";
        let (page, name) = without_screens_link(html).unwrap();
        assert_eq!(
            page,
            "<title>t</title><link href=/main-1.css integrity=sha384-a rel=stylesheet></head>"
        );
        assert_eq!(name, "screens-2.css");
        assert!(without_screens_link("<link href=/main-1.css rel=stylesheet>").is_none());
    }

    #[test]
    fn every_screen_waits_for_the_stylesheet() {
        let mut loader = Loader::parse(crate::split_loader::tests::LOADER_JS).unwrap();
        loader.prerequisites.push(stylesheet_fetch("screens-2.css"));
        let js = loader.render();
        assert!(
            js.contains("new URL(\"./screens-2.css\", import.meta.url)"),
            "{js}"
        );
        assert!(
            js.contains("\n, [__screens_css, __chunk_1, __chunk_2]));"),
            "{js}"
        );
        assert!(js.contains("\n, [__screens_css, __chunk_1, __chunk_2, __chunk_3]));"));
    }
}
