//! Who owns a style rule. The stylesheets are organised by owner: `style/pages/<screen>.css`
//! styles `src/pages/<screen>.rs` (and its folder), `style/components/<name>.css` styles
//! `src/components/<name>.rs`, and `style/base.css` the classes several of them share (with
//! `style/tokens.css`, the design tokens). The build bundles them by load time
//! (`style/bundles.txt`, `xtask/src/css_bundles.rs`): `main.css`, loaded by the page, and
//! `screens.css`, fetched by the split loader with the first screen opened after home.
//!
//! The tests below hold that:
//! - every stylesheet but the base's has an owner, a screen or a component;
//! - every class a stylesheet names is used by its owner's code (or is the base's), and
//!   every selector of an owner's stylesheet names a class only that owner uses: a class
//!   used by more than one screen or component is styled in `base.css`;
//! - nothing the first paint shows (home, the components, the app's shell, index.html) is
//!   styled from the screens' bundle: each of its selectors needs a class only the screens
//!   loaded on demand use, so it matches nothing before that bundle is there.
//!
//! A class is "used" by a Rust file when the file's code (comments and tests left out)
//! writes it in a `view!`'s `class="…"`, a `class:name=…` directive or any other string of
//! a `view!` that is not another attribute's value (`list(own, "perk")`), or anywhere as a
//! word with `__` or `--` (`let class = "entry__points entry__points--minus"`).

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::{Path, PathBuf};

    /// The base's files: shared by every owner.
    const BASE: [&str; 2] = ["tokens.css", "base.css"];
    /// The bundle the split loader fetches.
    const SCREENS_BUNDLE: &str = "screens.css";

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// `style/bundles.txt`: each bundle's name and its stylesheets, in order.
    fn bundles() -> Vec<(String, Vec<String>)> {
        let text = fs::read_to_string(root().join("style/bundles.txt")).unwrap();
        let mut bundles: Vec<(String, Vec<String>)> = vec![];
        for line in text.lines() {
            let line = line.split('#').next().unwrap().trim();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                bundles.push((name.to_owned(), vec![]));
            } else if !line.is_empty() {
                bundles.last_mut().unwrap().1.push(line.to_owned());
            }
        }
        bundles
    }

    /// Who a file of src/ belongs to: `pages/<screen>`, `components/<name>`, or the shell
    /// (`app`: every other file, `app.rs`, `platform/`, `data/`, `words/`…).
    fn owner_of(src: &Path, file: &Path) -> String {
        let rel = file.strip_prefix(src).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [dir, first, ..] if dir == "pages" || dir == "components" => {
                format!("{dir}/{}", first.trim_end_matches(".rs"))
            }
            _ => "app".to_owned(),
        }
    }

    /// Owner → the classes its code uses (index.html's count as the shell's).
    fn classes_by_owner() -> BTreeMap<String, BTreeSet<String>> {
        let src = root().join("src");
        let mut files = vec![];
        rust_files(&src, &mut files);
        let mut owners: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            // This file and the tokens' test name classes in their own tests only.
            if file.ends_with("styles.rs") || file.ends_with("design_tokens.rs") {
                continue;
            }
            let text = fs::read_to_string(&file).unwrap();
            owners
                .entry(owner_of(&src, &file))
                .or_default()
                .extend(classes_used(&text));
        }
        let page = fs::read_to_string(root().join("index.html")).unwrap();
        owners
            .entry("app".to_owned())
            .or_default()
            .extend(html_classes(&page));
        owners
    }

    /// The code of a Rust file: before its `#[cfg(test)]` module, without `//` comments.
    fn code_of(text: &str) -> String {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        code.lines()
            .map(|line| match line.find("//") {
                // Not a `//` inside a string ("https://…"): an odd count of quotes before.
                Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The string literals of `code`: (where it starts, its text).
    fn literals(code: &str) -> Vec<(usize, &str)> {
        let bytes = code.as_bytes();
        let mut found = vec![];
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == b'"' {
                let start = at + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                found.push((at, &code[start..end.min(code.len())]));
                at = end + 1;
            } else {
                at += 1;
            }
        }
        found
    }

    /// The byte ranges of the `view! { … }` macros of `code`.
    fn views(code: &str) -> Vec<(usize, usize)> {
        let strings: Vec<(usize, usize)> = literals(code)
            .iter()
            .map(|(at, text)| (*at, at + text.len() + 1))
            .collect();
        let in_string = |i: usize| strings.iter().any(|&(s, e)| s <= i && i <= e);
        let mut spans = vec![];
        for (at, _) in code.match_indices("view!") {
            let Some(open) = code[at..].find('{').map(|o| at + o) else {
                continue;
            };
            let mut depth = 0;
            for (i, c) in code[open..].char_indices() {
                let i = open + i;
                if in_string(i) {
                    continue;
                }
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            spans.push((open, i));
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        spans
    }

    /// The classes a Rust file's code uses (see the module's comment).
    fn classes_used(text: &str) -> BTreeSet<String> {
        let code = code_of(text);
        let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let mut used = BTreeSet::new();
        for (at, _) in code.match_indices("class:") {
            let name: String = code[at + "class:".len()..]
                .chars()
                .take_while(|c| word(*c))
                .collect();
            used.insert(name);
        }
        let views = views(&code);
        for (at, text) in literals(&code) {
            let in_view = views.iter().any(|&(s, e)| s < at && at < e);
            // `name="…"`: an attribute's value, a class only if the attribute is `class`.
            let before = code[..at].trim_end();
            let attribute = before.strip_suffix('=').map(|b| {
                let start = b
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !(word(*c) || *c == ':'))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                &b[start..]
            });
            let counts = match attribute {
                Some("class") => true,
                Some(name) if !name.is_empty() => false,
                _ => in_view,
            };
            for token in text.split_whitespace() {
                if counts || token.contains("__") || token.contains("--") {
                    used.insert(token.to_owned());
                }
            }
        }
        used
    }

    /// The classes of a page's `class="…"` attributes.
    fn html_classes(html: &str) -> BTreeSet<String> {
        html.split("class=\"")
            .skip(1)
            .flat_map(|rest| rest.split('"').next().unwrap().split_whitespace())
            .map(str::to_owned)
            .collect()
    }

    /// The selectors of a stylesheet, one by one (`a, b` is two), those of the rules inside
    /// `@media` too; keyframes' steps left out.
    fn selectors(css: &str) -> Vec<String> {
        let mut text = css.to_string();
        while let Some(start) = text.find("/*") {
            let end = text[start..]
                .find("*/")
                .map_or(text.len(), |e| start + e + 2);
            text.replace_range(start..end, "");
        }
        let mut found = vec![];
        for rule in text.split('}') {
            let Some((head, _declarations)) = rule.rsplit_once('{') else {
                continue;
            };
            let head = head.rsplit('{').next().unwrap_or(head).trim();
            if head.starts_with('@') {
                continue;
            }
            for selector in head.split(',') {
                let selector = selector.split_whitespace().collect::<Vec<_>>().join(" ");
                let step = selector == "from"
                    || selector == "to"
                    || selector.ends_with('%')
                        && selector[..selector.len() - 1].parse::<f64>().is_ok();
                if !selector.is_empty() && !step {
                    found.push(selector);
                }
            }
        }
        found
    }

    /// The class names of a selector (`.name`, not the values' `.5em`).
    fn class_names(selector: &str) -> BTreeSet<String> {
        selector
            .split('.')
            .skip(1)
            .map(|part| {
                part.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| name.starts_with(|c: char| c.is_ascii_alphabetic()))
            .collect()
    }

    /// The classes an element must have for the selector to match it (or an ancestor, or a
    /// sibling): all of them but those in `:not(…)`.
    fn required_classes(selector: &str) -> BTreeSet<String> {
        let mut text = selector.to_owned();
        while let Some(start) = text.find(":not(") {
            let end = text[start..]
                .find(')')
                .map_or(text.len(), |e| start + e + 1);
            text.replace_range(start..end, "");
        }
        class_names(&text)
    }

    /// The owner a stylesheet is named after (`pages/points.css` → `pages/points`), or
    /// `None` for the base's.
    fn owner_of_sheet(sheet: &str) -> Option<String> {
        (!BASE.contains(&sheet)).then(|| sheet.trim_end_matches(".css").to_owned())
    }

    fn read_sheet(sheet: &str) -> String {
        fs::read_to_string(root().join("style").join(sheet)).unwrap()
    }

    /// Every stylesheet of the bundles, in order.
    fn sheets() -> Vec<String> {
        bundles()
            .into_iter()
            .flat_map(|(_, sheets)| sheets)
            .collect()
    }

    #[test]
    fn every_stylesheet_is_a_screens_or_a_components() {
        let src = root().join("src");
        let sheets = sheets();
        for base in BASE {
            assert!(
                sheets.iter().any(|s| s == base),
                "style/bundles.txt lacks {base}"
            );
        }
        for sheet in &sheets {
            let Some(owner) = owner_of_sheet(sheet) else {
                continue;
            };
            let (kind, name) = owner.split_once('/').unwrap_or(("", &owner));
            assert!(
                matches!(kind, "pages" | "components") && !name.contains('/'),
                "style/{sheet}: a stylesheet is style/pages/<screen>.css, \
                 style/components/<name>.css or the base's"
            );
            assert!(
                src.join(format!("{owner}.rs")).is_file() || src.join(&owner).is_dir(),
                "style/{sheet} is named after no src/{owner}.rs or src/{owner}/: rename it \
                 after the screen or component it styles"
            );
        }
    }

    #[test]
    fn a_stylesheet_styles_its_owners_classes_and_base_the_shared_ones() {
        let owners = classes_by_owner();
        let users = |class: &str| -> Vec<&str> {
            owners
                .iter()
                .filter(|(_, used)| used.contains(class))
                .map(|(owner, _)| owner.as_str())
                .collect()
        };
        let base: BTreeSet<String> = BASE
            .iter()
            .flat_map(|sheet| selectors(&read_sheet(sheet)))
            .flat_map(|selector| class_names(&selector))
            .collect();
        for class in &base {
            assert!(
                !users(class).is_empty(),
                "style/base.css styles `.{class}`, which no code uses"
            );
        }
        let mut checked = 0;
        for sheet in sheets() {
            let Some(owner) = owner_of_sheet(&sheet) else {
                continue;
            };
            let own = owners.get(&owner).cloned().unwrap_or_default();
            for selector in selectors(&read_sheet(&sheet)) {
                for class in class_names(&selector) {
                    assert!(
                        own.contains(&class) || base.contains(&class),
                        "style/{sheet}: `{selector}` names `.{class}`, which src/{owner} does \
                         not use (used by: {:?})",
                        users(&class)
                    );
                }
                let required = required_classes(&selector);
                assert!(
                    required
                        .iter()
                        .any(|class| users(class) == [owner.as_str()]),
                    "style/{sheet}: `{selector}` names no class that src/{owner} alone uses \
                     ({}): a class more than one screen or component uses is styled in \
                     style/base.css",
                    required
                        .iter()
                        .map(|c| format!(".{c} by {:?}", users(c)))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                checked += 1;
            }
        }
        assert!(checked > 250, "{checked} selectors checked");
    }

    #[test]
    fn the_screens_bundle_styles_nothing_the_first_paint_shows() {
        let owners = classes_by_owner();
        // What the first paint may show: home, any component, the shell, index.html.
        let first_paint: BTreeSet<&String> = owners
            .iter()
            .filter(|(owner, _)| {
                *owner == "pages/home" || *owner == "app" || owner.starts_with("components/")
            })
            .flat_map(|(_, used)| used)
            .collect();
        let bundles = bundles();
        let (_, screens) = bundles
            .iter()
            .find(|(name, _)| name == SCREENS_BUNDLE)
            .expect("style/bundles.txt has [screens.css]");
        let mut checked = 0;
        for sheet in screens {
            for selector in selectors(&read_sheet(sheet)) {
                assert!(
                    required_classes(&selector)
                        .iter()
                        .any(|class| !first_paint.contains(class)),
                    "style/{sheet}: `{selector}` may match what the first paint shows (home, a \
                     component, the shell), which the screens' bundle must not style: put the \
                     stylesheet in [main.css] (style/bundles.txt) or the rule in base.css"
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} selectors checked");
    }

    #[test]
    fn classes_are_read_from_selectors_only() {
        let css = "/* .not-this */ .a, .b-c:hover > .d__e { margin: .5em; }\n\
                   @media (min-width: 400px) { .f { width: 1.5px } }\n\
                   @keyframes spin { to { transform: rotate(1turn) } }\n\
                   .g:not(.h) { color: red }";
        assert_eq!(
            selectors(css),
            [".a", ".b-c:hover > .d__e", ".f", ".g:not(.h)"]
        );
        let all: Vec<String> = selectors(css).iter().flat_map(|s| class_names(s)).collect();
        assert_eq!(all, ["a", "b-c", "d__e", "f", "g", "h"]);
        assert_eq!(
            required_classes(".g:not(.h)")
                .into_iter()
                .collect::<Vec<_>>(),
            ["g"]
        );
    }

    #[test]
    fn classes_are_read_from_the_views() {
        let code = r#"
            let class = if minus { "entry__points entry__points--minus" } else { "plain" };
            let url = format!("/api/{}", "month"); // "commented"
            view! {
                <div class="card tag" class:tag--on=on data-testid="not-a-class">
                    {list(own, "perk")}
                    <a href="https://example.com" class=class>{"text"}</a>
                </div>
            }
            #[cfg(test)]
            mod tests { fn f() { view! { <p class="test-only"></p> } } }
        "#;
        let used: Vec<String> = classes_used(code).into_iter().collect();
        assert_eq!(
            used,
            [
                "card",
                "entry__points",
                "entry__points--minus",
                "perk",
                "tag",
                "tag--on",
                "text"
            ]
        );
        let page = r#"<div class="boot" id="boot"><span class="spinner x"></span></div>"#;
        let html: Vec<String> = html_classes(page).into_iter().collect();
        assert_eq!(html, ["boot", "spinner", "x"]);
    }
}
