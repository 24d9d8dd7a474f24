//! The stylesheets bundled by load time, before Trunk builds the page. A rule lives in
//! the file of the screen or component that owns it (`style/pages/`, `style/components/`,
//! shared ones in `style/base.css`); `style/bundles.txt` names, in cascade order, the
//! files each bundle is made of: `main.css`, which the page loads (what the first paint
//! needs), and `screens.css`, which the split loader fetches with the first screen opened
//! after home (`styles.rs`). The bundles are written to `style/bundled/` (git-ignored),
//! where index.html links them; Trunk minifies and hashes them as before.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::files::{files_below, read_text, write};
use crate::Result;

/// The manifest, relative to the workspace's root.
pub const MANIFEST: &str = "style/bundles.txt";
/// Where the bundles are written, relative to the workspace's root (index.html's links).
pub const OUT: &str = "style/bundled";

/// One bundle: its file name and its parts (paths relative to `style/`), in order.
#[derive(Debug, PartialEq)]
struct Bundle {
    name: String,
    parts: Vec<String>,
}

/// Writes every bundle `style/bundles.txt` names into `style/bundled/`, after checking
/// that every stylesheet under `style/` is in exactly one bundle.
pub fn write_all(root: &Path) -> Result {
    let style = root.join("style");
    let out = root.join(OUT);
    let bundles = parse(&read_text(&root.join(MANIFEST))?)?;
    let on_disk: Vec<String> = files_below(&style)?
        .into_iter()
        .filter(|path| !path.starts_with(&out))
        .filter(|path| path.extension().is_some_and(|e| e == "css"))
        .map(|path| relative(&style, &path))
        .collect::<Result<_>>()?;
    check_listed(&bundles, &on_disk)?;
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for bundle in &bundles {
        let mut parts = vec![];
        for part in &bundle.parts {
            parts.push((part.as_str(), read_text(&style.join(part))?));
        }
        let css = concatenate(&parts);
        let file = out.join(&bundle.name);
        // Unchanged files keep their time: nothing watching them rebuilds for nothing.
        if read_text(&file).ok().as_deref() != Some(css.as_str()) {
            write(&file, &css)?;
        }
        println!("{}: {} stylesheets", file.display(), bundle.parts.len());
    }
    Ok(())
}

fn relative(style: &Path, path: &Path) -> Result<String> {
    let rel: PathBuf = path
        .strip_prefix(style)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .to_path_buf();
    Ok(rel.to_string_lossy().replace('\\', "/"))
}

/// The manifest's bundles: `[name.css]` starts one, every other line is a stylesheet of
/// it; `#` starts a comment.
fn parse(manifest: &str) -> Result<Vec<Bundle>> {
    let mut bundles: Vec<Bundle> = vec![];
    for (number, line) in manifest.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if !name.ends_with(".css") || name.contains('/') {
                return Err(format!(
                    "{MANIFEST}:{}: `{name}` is not a file name ending in .css",
                    number + 1
                ));
            }
            bundles.push(Bundle {
                name: name.to_owned(),
                parts: vec![],
            });
        } else if let Some(bundle) = bundles.last_mut() {
            bundle.parts.push(line.to_owned());
        } else {
            return Err(format!(
                "{MANIFEST}:{}: `{line}` comes before any [bundle.css]",
                number + 1
            ));
        }
    }
    if bundles.is_empty() {
        return Err(format!("{MANIFEST} names no bundle"));
    }
    Ok(bundles)
}

/// Every stylesheet on disk is in one bundle, once; every one listed exists.
fn check_listed(bundles: &[Bundle], on_disk: &[String]) -> Result {
    let mut listed = BTreeSet::new();
    for part in bundles.iter().flat_map(|b| &b.parts) {
        if !listed.insert(part.as_str()) {
            return Err(format!("{MANIFEST} lists style/{part} twice"));
        }
        if !on_disk.contains(part) {
            return Err(format!(
                "{MANIFEST} lists style/{part}, which does not exist"
            ));
        }
    }
    if let Some(missing) = on_disk.iter().find(|f| !listed.contains(f.as_str())) {
        return Err(format!(
            "style/{missing} is in no bundle: add it to {MANIFEST} where its rules belong in \
             the cascade"
        ));
    }
    Ok(())
}

/// The parts one after the other, each under a comment naming it (Trunk's minifier
/// drops the comments).
fn concatenate(parts: &[(&str, String)]) -> String {
    let mut css = format!(
        "/* Generated from {MANIFEST} by `cargo xtask build`: edit the files it lists. */\n"
    );
    for (name, text) in parts {
        css.push_str(&format!("\n/* style/{name} */\n"));
        css.push_str(text.trim_end());
        css.push('\n');
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST_TEXT: &str = "# the order is the cascade's\n\
                                 [main.css]   # the page's\n\
                                 tokens.css\n\
                                 \n\
                                 pages/home.css\n\
                                 [screens.css]\n\
                                 pages/login.css\n";

    #[test]
    fn the_manifest_names_the_bundles_and_their_parts_in_order() {
        let bundles = parse(MANIFEST_TEXT).unwrap();
        assert_eq!(
            bundles,
            [
                Bundle {
                    name: "main.css".into(),
                    parts: vec!["tokens.css".into(), "pages/home.css".into()],
                },
                Bundle {
                    name: "screens.css".into(),
                    parts: vec!["pages/login.css".into()],
                },
            ]
        );
        assert!(
            parse("tokens.css\n[main.css]\n").is_err(),
            "a part before a bundle"
        );
        assert!(
            parse("[main]\n").is_err(),
            "a bundle that is not a .css file"
        );
        assert!(parse("# nothing\n").is_err());
    }

    #[test]
    fn every_stylesheet_is_in_exactly_one_bundle() {
        let bundles = parse(MANIFEST_TEXT).unwrap();
        let disk = |files: &[&str]| files.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        let all = ["tokens.css", "pages/home.css", "pages/login.css"];
        assert!(check_listed(&bundles, &disk(&all)).is_ok());
        let unlisted = check_listed(&bundles, &disk(&[&all[..], &["pages/mall.css"]].concat()));
        assert!(unlisted
            .unwrap_err()
            .contains("style/pages/mall.css is in no bundle"));
        let gone = check_listed(&bundles, &disk(&all[..2]));
        assert!(gone.unwrap_err().contains("does not exist"));
        let twice = parse("[a.css]\ntokens.css\n[b.css]\ntokens.css\n").unwrap();
        assert!(check_listed(&twice, &disk(&["tokens.css"]))
            .unwrap_err()
            .contains("twice"));
    }

    #[test]
    fn a_bundle_is_its_parts_in_order() {
        let css = concatenate(&[
            ("base.css", ".a { color: red; }\n\n".into()),
            ("pages/home.css", ".b { color: blue; }".into()),
        ]);
        let body = css.split_once('\n').unwrap().1;
        assert_eq!(
            body,
            "\n/* style/base.css */\n.a { color: red; }\n\n/* style/pages/home.css */\n.b { color: blue; }\n"
        );
    }

    #[test]
    fn the_projects_manifest_lists_every_stylesheet() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let style = root.join("style");
        let bundles = parse(&read_text(&root.join(MANIFEST)).unwrap()).unwrap();
        let names: Vec<&str> = bundles.iter().map(|b| b.name.as_str()).collect();
        // index.html links these two; `styles.rs` finds the second by its name.
        assert_eq!(names, ["main.css", "screens.css"]);
        let on_disk: Vec<String> = files_below(&style)
            .unwrap()
            .into_iter()
            .filter(|p| !p.starts_with(root.join(OUT)))
            .filter(|p| p.extension().is_some_and(|e| e == "css"))
            .map(|p| relative(&style, &p).unwrap())
            .collect();
        check_listed(&bundles, &on_disk).unwrap();
    }
}
