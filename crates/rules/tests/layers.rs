//! The rules crate's modules import no circle: a concept (tiers, points, the mall, …) holds
//! its own settings and never looks at `Program`, which only gathers them. Read from the
//! sources, test modules left out (they may use the whole default program).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module name → the crate modules its non-test code names (`crate::x`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for entry in fs::read_dir(&src).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let used = code
            .match_indices("crate::")
            .map(|(at, _)| {
                code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|m| m != &name)
            .collect();
        graph.insert(name, used);
    }
    graph
}

/// A path of modules that leads back to its start, if any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
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

#[test]
fn the_modules_import_no_circle() {
    let graph = imports();
    assert!(graph.len() > 10, "found the modules: {graph:?}");
    assert_eq!(find_cycle(&graph), None, "an import circle");
}

#[test]
fn concepts_do_not_look_at_the_whole_program() {
    for (module, used) in imports() {
        if !["program", "quote", "occurrences", "planner"].contains(&module.as_str()) {
            assert!(!used.contains("program"), "{module} imports program");
        }
    }
}

#[test]
fn the_cycle_finder_finds_one() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}
