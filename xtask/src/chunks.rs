//! The shared modules wasm-split-cli writes, merged into fewer, larger ones.
//!
//! wasm-split-cli makes one module for each set of screens that share code: 136 modules
//! for 12 screens, median 0.3 kB brotli, and a screen opened the first time fetched 7 to
//! 75 of them. On a slow network each request costs a round trip (HTTP/1.1 opens six
//! connections at a time), far more than the bytes. Here modules are merged greedily
//! while a merge saves more in requests than the screens that need only one side pay in
//! bytes they do not use (`REQUEST_COST`), and the split loader fetches the merged
//! module where it fetched its parts.
//!
//! A shared module has no exports and imports only the main module's memory, function
//! table and stack pointer: its functions reach the table through its element segments.
//! So merging is binaryen's `wasm-merge` (which renumbers functions and types) and then
//! the imports of the same name made one again (`wasm-merge` keeps each part's own).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::{brotli_best, read, read_text, write};
use crate::proc::run;
use crate::split_loader::Loader;
use crate::wasm_opt::{optimize, WASM_FEATURES};
use crate::Result;

/// What one more request costs, in brotli bytes a screen could download instead: on
/// Slow 4G (150 ms round trip, 1.6 Mbps, six connections) a request adds about 25 ms,
/// 5 kB; on a faster network with HTTP/2 next to nothing. 3 kB sits between;
/// docs/performance.md gives the modules and bytes per screen it leads to.
const REQUEST_COST: usize = 3_000;

/// Merges the shared modules in `split` (wasm-split-cli's output folder) and has the
/// loader fetch each group by its first module; prints what it did.
pub fn merge(split: &Path, loader: &mut Loader) -> Result {
    let mut chunks = vec![];
    for (chunk, screens) in loader.users() {
        let size = brotli_best(&read(&split.join(&loader.chunks[&chunk]))?)?.len();
        chunks.push(Chunk {
            id: chunk,
            screens,
            size,
        });
    }
    let groups = groups(&chunks, REQUEST_COST);
    for group in groups.iter().filter(|g| g.len() > 1) {
        merge_modules(split, group)?;
    }
    fetch_by_group(loader, &groups);
    println!(
        "merged {} shared modules into {}",
        chunks.len(),
        groups.len()
    );
    Ok(())
}

/// Each group fetched once, by its first module: the others' definitions gone, and each
/// screen's list naming the first of each group it needs, once.
fn fetch_by_group(loader: &mut Loader, groups: &[Vec<u32>]) {
    let first: BTreeMap<u32, u32> = groups
        .iter()
        .flat_map(|g| g.iter().map(|id| (*id, g[0])))
        .collect();
    loader.chunks.retain(|id, _| first.get(id) == Some(id));
    for screen in &mut loader.screens {
        let mut needed = vec![];
        for chunk in &screen.chunks {
            let group = first[chunk];
            if !needed.contains(&group) {
                needed.push(group);
            }
        }
        screen.chunks = needed;
    }
}

fn chunk_file(split: &Path, chunk: u32) -> PathBuf {
    split.join(format!("chunk_{chunk}.wasm"))
}

/// A shared module: its number, the screens that fetch it, its size (brotli).
#[derive(Clone, Debug)]
struct Chunk {
    id: u32,
    screens: BTreeSet<String>,
    size: usize,
}

/// Greedy merging: at each step the pair of groups whose merge lowers the sum over the
/// screens of (requests × `request_cost` + bytes) the most, until no merge lowers it.
/// A screen that needs both saves a request; one that needs only one side downloads the
/// other side for nothing. Returns the groups, each sorted, the first its representative.
fn groups(chunks: &[Chunk], request_cost: usize) -> Vec<Vec<u32>> {
    let mut groups: Vec<(BTreeSet<String>, usize, Vec<u32>)> = chunks
        .iter()
        .map(|c| (c.screens.clone(), c.size, vec![c.id]))
        .collect();
    loop {
        let mut best: Option<(i64, usize, usize)> = None;
        for i in 0..groups.len() {
            for j in i + 1..groups.len() {
                let (a, a_size, _) = &groups[i];
                let (b, b_size, _) = &groups[j];
                let both = a.intersection(b).count() as i64;
                let only_a = a.difference(b).count() as i64;
                let only_b = b.difference(a).count() as i64;
                let change =
                    only_a * *b_size as i64 + only_b * *a_size as i64 - both * request_cost as i64;
                if best.is_none_or(|(least, _, _)| change < least) {
                    best = Some((change, i, j));
                }
            }
        }
        match best {
            Some((change, i, j)) if change < 0 => {
                let (screens, size, ids) = groups.remove(j);
                let group = &mut groups[i];
                group.0.extend(screens);
                group.1 += size;
                group.2.extend(ids);
            }
            _ => break,
        }
    }
    let mut ids: Vec<Vec<u32>> = groups
        .into_iter()
        .map(|(_, _, mut ids)| {
            ids.sort_unstable();
            ids
        })
        .collect();
    ids.sort();
    ids
}

/// Merges the group's modules into its first one's file and deletes the others.
fn merge_modules(split: &Path, group: &[u32]) -> Result {
    let text = split.join(format!("merged_{}.wat", group[0]));
    let mut merge = Command::new("wasm-merge");
    merge.args(WASM_FEATURES).arg("--enable-multimemory");
    for id in group {
        merge.arg(chunk_file(split, *id)).arg(format!("chunk_{id}"));
    }
    run(merge.arg("-S").arg("-o").arg(&text))?;
    let wat = read_text(&text)?;
    write(&text, one_import_each(&wat))?;
    // Without multi-memory: a second memory left would fail here.
    run(Command::new("wasm-as")
        .args(WASM_FEATURES)
        .arg(&text)
        .arg("-o")
        .arg(chunk_file(split, group[0])))?;
    optimize(&chunk_file(split, group[0]))?;
    for id in &group[1..] {
        let file = chunk_file(split, *id);
        fs::remove_file(&file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
    }
    fs::remove_file(&text).map_err(|e| format!("cannot remove {}: {e}", text.display()))
}

/// The module text with one import per module and field name: the later imports of the
/// same thing are taken out and their names replaced by the first's everywhere
/// (`wasm-merge` gives each merged part its own `$mimport$N`, `$timport$N`, `$gimport$N`).
fn one_import_each(wat: &str) -> String {
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
    let mut kept = String::with_capacity(wat.len());
    for line in wat.split_inclusive('\n') {
        if let Some((key, name)) = import_of(line) {
            match first.get(key) {
                Some(kept_name) => {
                    renamed.insert(name, kept_name);
                    continue;
                }
                None => {
                    first.insert(key, name);
                }
            }
        }
        kept.push_str(line);
    }
    rename_identifiers(&kept, &renamed)
}

/// `(import "m" "f" (memory $name …))` → (`"m" "f"`, `$name`).
fn import_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("(import ")?;
    // The module and field names: two quoted strings.
    let mut quotes = rest.match_indices('"').map(|(i, _)| i);
    let (_, _, _, end) = (
        quotes.next()?,
        quotes.next()?,
        quotes.next()?,
        quotes.next()?,
    );
    let key = &rest[..=end];
    let after = rest[end + 1..].trim_start().strip_prefix('(')?;
    let name = after.split_whitespace().nth(1)?;
    let name = name.trim_end_matches(')');
    name.starts_with('$').then_some((key, name))
}

/// Replaces each identifier (`$…`, outside strings) found in `renamed`.
fn rename_identifiers(wat: &str, renamed: &BTreeMap<&str, &str>) -> String {
    let ends_identifier = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | ',' | ';');
    let mut out = String::with_capacity(wat.len());
    let mut rest = wat;
    while let Some(at) = rest.find(['$', '"']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('"') {
            // A string: copied as it is, escapes included.
            let mut end = 1;
            let bytes = rest.as_bytes();
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else {
            let end = rest[1..]
                .find(ends_identifier)
                .map_or(rest.len(), |i| i + 1);
            let identifier = &rest[..end];
            out.push_str(renamed.get(identifier).copied().unwrap_or(identifier));
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split_loader::tests::LOADER_JS;

    fn chunk(id: u32, screens: &[&str], size: usize) -> Chunk {
        Chunk {
            id,
            screens: screens.iter().map(|s| s.to_string()).collect(),
            size,
        }
    }

    #[test]
    fn small_modules_that_travel_together_merge_and_a_large_one_for_one_screen_does_not() {
        let chunks = [
            chunk(1, &["a", "b", "c"], 300),
            chunk(2, &["a", "b"], 200),
            chunk(3, &["a", "b", "c"], 400),
            // Only `c` needs it: `a` and `b` would download 50 kB for nothing.
            chunk(4, &["c"], 50_000),
        ];
        assert_eq!(groups(&chunks, 3_000), vec![vec![1, 2, 3], vec![4]]);
        // Requests for free: nothing is worth merging.
        assert_eq!(groups(&chunks, 0).len(), 4);
    }

    #[test]
    fn the_loader_fetches_each_group_once_by_its_first_module() {
        let mut loader = Loader::parse(LOADER_JS).unwrap();
        fetch_by_group(&mut loader, &[vec![1, 2], vec![3]]);
        assert_eq!(loader.chunks.keys().copied().collect::<Vec<_>>(), [1, 3]);
        assert_eq!(loader.screens[0].chunks, [1]);
        assert_eq!(loader.screens[1].chunks, [1, 3]);
        let js = loader.render();
        assert!(!js.contains("chunk_2"), "{js}");
    }

    #[test]
    fn the_merged_parts_share_one_import_of_each_thing() {
        let wat = "(module\n \
            (import \"env\" \"memory\" (memory $mimport$0 19))\n \
            (import \"env\" \"memory\" (memory $mimport$1 19))\n \
            (import \"env\" \"table\" (table $timport$1 3 funcref))\n \
            (data $1 (memory $mimport$1) (i32.const 8) \"$mimport$1\")\n \
            (func $f (memory.copy $mimport$1 $mimport$10))\n)\n";
        let one = one_import_each(wat);
        assert_eq!(one.matches("(import").count(), 2, "{one}");
        assert!(
            one.contains("(data $1 (memory $mimport$0) (i32.const 8) \"$mimport$1\")"),
            "{one}"
        );
        assert!(
            one.contains("(memory.copy $mimport$0 $mimport$10)"),
            "{one}"
        );
    }
}
