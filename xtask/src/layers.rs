//! The project's import graphs: which top-level modules of a crate name which others
//! (`crate::x`, `crate::{x, y}`), read from the sources with comments and test modules
//! left out. A module in a folder counts as its top-level module, so a circle here is a
//! layer that reaches back (storage into workflows, a page into the app's shell). The
//! tests below hold every crate of the workspace to no circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::files::files_below;

/// Top-level module → the crate's other top-level modules its code names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The import graph of the crate whose sources are in `src`.
pub fn imports(src: &Path) -> Graph {
    let files: Vec<_> = files_below(src)
        .expect("a readable folder")
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    let mut graph = Graph::new();
    for path in &files {
        let relative = path.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a file");
        let top = first.as_os_str().to_string_lossy();
        let top = top.trim_end_matches(".rs").to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = fs::read_to_string(path).expect("a source file");
        let used = crate_paths(&code_of(&text));
        graph.entry(top).or_default().extend(used);
    }
    // Only modules count: `crate::AppState` names an item of the crate's root.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for (module, used) in graph.iter_mut() {
        used.retain(|m| m != module && modules.contains(m));
    }
    graph
}

/// The code of a file: before its `#[cfg(test)]` module, without `//` comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment of every `crate::` path in `code`, groups included
/// (`crate::{a::b, c}` names `a` and `c`).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start => {
                        names.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// A path of modules that leads back to its start, if any.
pub fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut vec![], &mut done))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(crate_src: &str) -> Graph {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        imports(&root.join(crate_src))
    }

    fn assert_no_circle(crate_src: &str, at_least: usize) {
        let graph = graph_of(crate_src);
        assert!(graph.len() >= at_least, "{crate_src}'s modules: {graph:?}");
        assert_eq!(find_cycle(&graph), None, "an import circle in {crate_src}");
    }

    #[test]
    fn no_crate_imports_in_a_circle() {
        assert_no_circle("crates/rules/src", 20);
        assert_no_circle("crates/contract/src", 10);
        assert_no_circle("crates/server/src", 10);
        assert_no_circle("src", 7);
        assert_no_circle("xtask/src", 8);
        assert_no_circle("tests/e2e/src", 3);
    }

    /// A concept of the rules (tiers, points, the mall, …) holds its own settings and
    /// never looks at `Program`, which only gathers them.
    #[test]
    fn the_rules_concepts_do_not_look_at_the_whole_program() {
        let gatherers = ["program", "quote", "occurrences", "planner"];
        for (module, used) in graph_of("crates/rules/src") {
            if !gatherers.contains(&module.as_str()) {
                assert!(!used.contains("program"), "{module} imports program");
            }
        }
    }

    #[test]
    fn groups_and_folders_count_and_comments_do_not() {
        let code = code_of(
            "use crate::{a::b, c::{d, e}, f};\n// crate::g\nlet x = crate::h::i();\n\
             #[cfg(test)]\nmod tests { use crate::j; }",
        );
        let names: Vec<String> = crate_paths(&code).into_iter().collect();
        assert_eq!(names, ["a", "c", "f", "h"]);
    }

    #[test]
    fn the_cycle_finder_finds_one() {
        let graph = Graph::from([
            ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
            ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
        ]);
        assert_eq!(
            find_cycle(&graph),
            Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
        );
        assert_eq!(
            find_cycle(&Graph::from([("a".to_owned(), BTreeSet::new())])),
            None
        );
    }
}
