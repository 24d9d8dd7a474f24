//! What holds the line between the two stylesheets: `style/main.css` (loaded by the page)
//! and `style/screens.css` (fetched with the first screen opened after home, by the split
//! loader: `xtask/src/styles.rs`). A rule belongs in screens.css only if every class it
//! names is used by the screens fetched on demand alone: a class that home, the shell or a
//! shared component uses must be styled from the first paint.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fs;
    use std::path::{Path, PathBuf};

    /// The screens' own files: what only `pages::lazy`' split functions reach.
    const SCREEN_PAGES: [&str; 11] = [
        "preview", "login", "points", "profile", "mall", "wallet", "invite", "events", "staff",
        "benefits", "privacy",
    ];

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

    fn is_screen_file(src: &Path, file: &Path) -> bool {
        let Ok(rel) = file.strip_prefix(src.join("pages")) else {
            return false;
        };
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let page = first.trim_end_matches(".rs");
        SCREEN_PAGES.contains(&page)
    }

    /// The class names in a stylesheet's selectors (`.name`, not the values' `.5em`).
    fn classes(css: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let mut text = css.to_string();
        while let Some(start) = text.find("/*") {
            let end = text[start..]
                .find("*/")
                .map_or(text.len(), |e| start + e + 2);
            text.replace_range(start..end, "");
        }
        // What comes before a rule's `{`, after any enclosing at-rule's.
        for rule in text.split('}') {
            let Some((head, _declarations)) = rule.rsplit_once('{') else {
                continue;
            };
            let selector = head.rsplit('{').next().unwrap_or(head);
            for part in selector.split('.').skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    names.insert(name);
                }
            }
        }
        names
    }

    /// Whether `text` names `class` as a whole word (not `card` in `card__title`).
    fn names(text: &str, class: &str) -> bool {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        text.match_indices(class).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + class.len()..].chars().next();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
    }

    #[test]
    fn the_screens_stylesheet_styles_only_what_the_screens_show() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = root.join("src");
        let mut files = vec![];
        rust_files(&src, &mut files);
        // Not this file: its examples name classes.
        files.retain(|file| !file.ends_with("styles.rs"));
        for page in SCREEN_PAGES {
            assert!(
                src.join(format!("pages/{page}.rs")).is_file(),
                "no src/pages/{page}.rs"
            );
        }
        let (screens, rest): (Vec<_>, Vec<_>) =
            files.iter().partition(|file| is_screen_file(&src, file));
        let read = |files: &[&PathBuf]| -> Vec<String> {
            files
                .iter()
                .map(|f| fs::read_to_string(f).unwrap())
                .collect()
        };
        let (screens, rest) = (read(&screens), read(&rest));
        let css = fs::read_to_string(root.join("style/screens.css")).unwrap();
        let moved = classes(&css);
        assert!(
            moved.len() > 50,
            "screens.css names {} classes",
            moved.len()
        );
        for class in &moved {
            assert!(
                screens.iter().any(|text| names(text, class)),
                "screens.css styles `.{class}`, which no screen uses"
            );
            assert!(
                !rest.iter().any(|text| names(text, class)),
                "`.{class}` is used outside the screens fetched on demand: its rules belong \
                 in main.css (the first paint would show it unstyled)"
            );
        }
    }

    #[test]
    fn class_names_are_read_from_selectors_only() {
        let css = "/* .not-this */ .a, .b-c:hover > .d__e { margin: .5em; }\n\
                   @media (min-width: 400px) { .f { width: 1.5px } }";
        let found: Vec<String> = classes(css).into_iter().collect();
        assert_eq!(found, ["a", "b-c", "d__e", "f"]);
        assert!(names("class=\"card tag\"", "tag"));
        assert!(!names("class=\"card__title\"", "card"));
    }
}
