//! The shared modules wasm-split-cli writes, merged into fewer, larger ones.
//!
//! wasm-split-cli makes one module for each set of screens that share code: 136 modules
//! for 12 screens, median 0.3 kB brotli, and a screen opened the first time fetched 7 to
//! 75 of them. On a slow network each request costs a round trip (HTTP/1.1 opens six
//! connections at a time), far more than the bytes. Here modules are merged greedily
//! while a merge saves more in requests than the screens that need only one side pay in
//! bytes they do not use (`REQUEST_COST`), then the split loader is rewritten to fetch
//! the merged module where it fetched its parts.
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
use crate::split_loader::{COLD_HALF, SCREENS_CSS, SCREEN_DEPS, SCREEN_EXPORT};
use crate::wasm_opt::{optimize, WASM_FEATURES};
use crate::Result;

/// What one more request costs, in brotli bytes a screen could download instead: on
/// Slow 4G (150 ms round trip, 1.6 Mbps, six connections) a request adds about 25 ms,
/// 5 kB; on a faster network with HTTP/2 next to nothing. 3 kB sits between;
/// docs/performance.md gives the modules and bytes per screen it leads to.
const REQUEST_COST: usize = 3_000;

/// The split loader's name in wasm-split-cli's output folder.
const LOADER: &str = "__wasm_split.js";

/// Merges the shared modules in `split` (wasm-split-cli's output folder) and rewrites
/// its loader; prints what it did.
pub fn merge(split: &Path) -> Result {
    let loader_path = split.join(LOADER);
    let js = read_text(&loader_path)?;
    let loader = Loader::parse(&js)?;
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
    let rewritten = loader.rewrite(&js, &groups)?;
    write(&loader_path, rewritten)?;
    println!(
        "merged {} shared modules into {}",
        chunks.len(),
        groups.len()
    );
    Ok(())
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

/// What the split loader says: each shared module's file, and each screen's own file
/// and the shared modules it lists, in the loader's order.
struct Loader {
    chunks: BTreeMap<u32, String>,
    screens: Vec<Screen>,
}

struct Screen {
    name: String,
    file: String,
    chunks: Vec<u32>,
}

const CHUNK_CONST: &str = "const __chunk_";
/// How wasm-split-cli ends a shared module's `makeLoad` (it has no dependencies).
const CHUNK_END: &str = "\n, []);\n";

impl Loader {
    fn parse(js: &str) -> Result<Loader> {
        let mut chunks = BTreeMap::new();
        for (at, _) in js.match_indices(CHUNK_CONST) {
            let is_definition = at == 0 || js[..at].ends_with('\n');
            if is_definition {
                let rest = &js[at + CHUNK_CONST.len()..];
                chunks.insert(chunk_number(rest)?, fetched_file(rest)?);
            }
        }
        let mut screens = vec![];
        for (at, _) in js.match_indices(SCREEN_EXPORT) {
            let rest = &js[at + SCREEN_EXPORT.len()..];
            let name = rest.split(' ').next().unwrap_or_default().to_string();
            let needed = deps(rest)?;
            if let Some(missing) = needed.iter().find(|c| !chunks.contains_key(c)) {
                return Err(format!(
                    "{name} needs chunk {missing}, which the loader does not define"
                ));
            }
            screens.push(Screen {
                name,
                file: fetched_file(rest)?,
                chunks: needed,
            });
        }
        let loader = Loader { chunks, screens };
        if loader.users().values().any(BTreeSet::is_empty) {
            return Err("the split loader defines a shared module no screen needs".into());
        }
        Ok(loader)
    }

    /// The screens that fetch each shared module.
    fn users(&self) -> BTreeMap<u32, BTreeSet<String>> {
        let mut users: BTreeMap<u32, BTreeSet<String>> =
            self.chunks.keys().map(|c| (*c, BTreeSet::new())).collect();
        for screen in &self.screens {
            for chunk in &screen.chunks {
                if let Some(names) = users.get_mut(chunk) {
                    names.insert(screen.name.clone());
                }
            }
        }
        users
    }

    /// The loader with each group fetched once: the definitions of every group's members
    /// but its first taken out (with the screen list above each), and each screen's list
    /// naming the first of each group it needs, once.
    fn rewrite(&self, js: &str, groups: &[Vec<u32>]) -> Result<String> {
        let representative: BTreeMap<u32, u32> = groups
            .iter()
            .flat_map(|g| g.iter().map(|id| (*id, g[0])))
            .collect();
        let mut out = String::with_capacity(js.len());
        let mut rest = js;
        while let Some(at) = rest.find(CHUNK_CONST) {
            let number = chunk_number(&rest[at + CHUNK_CONST.len()..])?;
            let end = at
                + rest[at..]
                    .find(CHUNK_END)
                    .ok_or(format!("chunk {number}'s loader has no end"))?
                + CHUNK_END.len();
            if representative.get(&number) == Some(&number) {
                out.push_str(&rest[..end]);
            } else {
                // Its screen list, the comment line just above, goes with it.
                let before = &rest[..at];
                let line = before
                    .trim_end_matches('\n')
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let start = if before[line..].starts_with("/*") {
                    line
                } else {
                    at
                };
                out.push_str(&rest[..start]);
            }
            rest = &rest[end..];
        }
        // The screens' lists, after the last shared module, in the order parsed.
        for screen in &self.screens {
            let at = rest
                .find(SCREEN_EXPORT)
                .ok_or("a screen's loader went missing")?;
            let list_at = at
                + rest[at..]
                    .find(SCREEN_DEPS)
                    .ok_or("a screen's loader has no list")?
                + SCREEN_DEPS.len();
            let list_end = list_at + rest[list_at..].find(']').ok_or("an unclosed list")?;
            let mut needed = vec![];
            for chunk in &screen.chunks {
                let first = *representative
                    .get(chunk)
                    .ok_or(format!("chunk {chunk} is in no group"))?;
                if !needed.contains(&first) {
                    needed.push(first);
                }
            }
            out.push_str(&rest[..list_at]);
            let names: Vec<String> = needed.iter().map(|n| format!("__chunk_{n}")).collect();
            out.push_str(&names.join(", "));
            rest = &rest[list_end..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The files each screen fetches the first time it is opened (its own module and the
/// shared ones), read from a published split loader: `(screen, files)`, in its order.
pub fn files_per_screen(js: &str) -> Result<Vec<(String, Vec<String>)>> {
    let loader = Loader::parse(js)?;
    Ok(loader
        .screens
        .iter()
        .map(|screen| {
            let shared = screen.chunks.iter().map(|c| loader.chunks[c].clone());
            let files = std::iter::once(screen.file.clone()).chain(shared).collect();
            (screen.name.clone(), files)
        })
        .collect())
}

/// The file the first `fetch(new URL("./…"` of `rest` fetches.
fn fetched_file(rest: &str) -> Result<String> {
    const FETCH: &str = "fetch(new URL(\"./";
    let at = rest
        .find(FETCH)
        .ok_or("a module's loader fetches nothing")?
        + FETCH.len();
    let end = at + rest[at..].find('"').ok_or("an unclosed file name")?;
    Ok(rest[at..end].to_string())
}

/// The number at the start of `rest` (`13 = …` → 13).
fn chunk_number(rest: &str) -> Result<u32> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .map_err(|_| format!("no chunk number at `{}`", &rest[..rest.len().min(20)]))
}

/// The shared modules in the first list (`\n, [__chunk_1, __chunk_2]`) of `rest` (the
/// screens' stylesheet and the main module's cold half, also in a screen's list, are not
/// shared modules).
fn deps(rest: &str) -> Result<Vec<u32>> {
    let at = rest
        .find(SCREEN_DEPS)
        .ok_or("a screen's loader has no list")?
        + SCREEN_DEPS.len();
    let end = at + rest[at..].find(']').ok_or("an unclosed list")?;
    rest[at..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && ![SCREENS_CSS, COLD_HALF].contains(s))
        .map(|name| {
            name.strip_prefix("__chunk_")
                .ok_or(format!("`{name}` in a screen's list"))
                .and_then(chunk_number)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    const LOADER_JS: &str = "import { initSync } from \"./app.js\";\n\
        /* a, b */\n\
        const __chunk_1 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n}\n, []);\n\
        /* a, b */\n\
        const __chunk_2 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_2.wasm\", import.meta.url));\n}\n, []);\n\
        /* b */\n\
        const __chunk_3 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_3.wasm\", import.meta.url));\n}\n, []);\n\
        export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_a.wasm\", import.meta.url));\n}\n, [__chunk_1, __chunk_2]));\n\
        export const __wasm_split_load_b = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_b.wasm\", import.meta.url));\n}\n, [__chunk_1, __chunk_2, __chunk_3]));\n";

    #[test]
    fn the_loader_fetches_each_group_once_by_its_first_module() {
        let loader = Loader::parse(LOADER_JS).unwrap();
        let users = loader.users();
        assert_eq!(users[&1], ["a", "b"].map(String::from).into());
        assert_eq!(users[&3], ["b"].map(String::from).into());
        let js = loader.rewrite(LOADER_JS, &[vec![1, 2], vec![3]]).unwrap();
        assert!(!js.contains("chunk_2"), "{js}");
        assert_eq!(js.matches("/* a, b */").count(), 1, "{js}");
        assert!(
            js.contains("\n, [__chunk_1]));\nexport const __wasm_split_load_b"),
            "{js}"
        );
        assert!(js.ends_with("\n, [__chunk_1, __chunk_3]));\n"), "{js}");
        assert!(js.contains("const __chunk_3 = makeLoad"), "{js}");
    }

    #[test]
    fn each_screen_fetches_its_own_module_and_the_shared_ones_it_lists() {
        let files = files_per_screen(LOADER_JS).unwrap();
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            files,
            vec![
                (
                    "a".to_string(),
                    names(&["split_a.wasm", "chunk_1.wasm", "chunk_2.wasm"])
                ),
                (
                    "b".to_string(),
                    names(&[
                        "split_b.wasm",
                        "chunk_1.wasm",
                        "chunk_2.wasm",
                        "chunk_3.wasm"
                    ])
                ),
            ]
        );
    }

    #[test]
    fn a_screen_needing_an_undefined_module_is_an_error() {
        let js = LOADER_JS.replace("__chunk_2, __chunk_3]", "__chunk_2, __chunk_9]");
        assert!(Loader::parse(&js).is_err());
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
