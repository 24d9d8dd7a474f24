//! The split loader (`__wasm_split.js`): which modules each screen fetches the first time
//! it is shown, and how.
//!
//! wasm-split-cli writes one. The build reads it once into a [`Loader`]: its runtime
//! (`makeLoad`, `wrapAsyncCb`, the shared imports) kept as written, the modules and the
//! screens as data. The steps change the data (the shared modules merged, `chunks.rs`;
//! the screens' stylesheet and the main module's cold half added as things every screen
//! waits for, `styles.rs` and `cold.rs`; the files renamed for publishing,
//! `publish.rs`), and [`Loader::render`] writes the loader anew, in wasm-split-cli's own
//! shape. No step edits the loader's text.

use std::collections::{BTreeMap, BTreeSet};

use crate::Result;

const CHUNK_CONST: &str = "const __chunk_";
const SCREEN_EXPORT: &str = "export const __wasm_split_load_";
/// How a module's loader ends: the list of what it waits for.
const DEPS: &str = "\n, [";

/// The loader as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Loader {
    /// The main module's JS, as the runtime imports it (`member-center-app.js`).
    pub glue: String,
    /// wasm-split-cli's runtime: what comes between the glue's import and the first
    /// module.
    runtime: String,
    /// The shared modules: number → file.
    pub chunks: BTreeMap<u32, String>,
    pub screens: Vec<Screen>,
    /// What every screen waits for besides its modules, in the order they are listed.
    pub prerequisites: Vec<Prerequisite>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub name: String,
    /// The screen's own module.
    pub file: String,
    /// The shared modules it needs.
    pub chunks: Vec<u32>,
}

/// A thing every screen waits for: `name`, a function returning a promise.
#[derive(Debug, Clone, PartialEq)]
pub struct Prerequisite {
    pub name: String,
    pub defined: Defined,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Defined {
    /// By this JS, put before the modules.
    Here(String),
    /// Exported by the main module's JS, imported beside `initSync`.
    InGlue,
}

impl Loader {
    /// Reads a loader in wasm-split-cli's shape (or one [`Loader::render`] wrote, less
    /// its prerequisites' definitions). An error names what is not as expected.
    pub fn parse(js: &str) -> Result<Loader> {
        // `import { initSync[, what a prerequisite imports] } from "./<glue>";`
        let (line, rest) = js.split_once('\n').ok_or("the split loader has one line")?;
        let glue = line
            .strip_prefix("import { initSync")
            .and_then(|line| line.split_once(" } from \"./"))
            .and_then(|(_, file)| file.strip_suffix("\";"))
            .ok_or("the split loader does not start by importing the main module's JS")?
            .to_string();
        let first = [CHUNK_CONST, SCREEN_EXPORT, "/*"]
            .iter()
            .filter_map(|start| rest.find(&format!("\n{start}")).map(|at| at + 1))
            .min()
            .ok_or("the split loader defines no module")?;
        let runtime = rest[..first].to_string();
        for needed in ["function makeLoad(", "function wrapAsyncCb("] {
            if !runtime.contains(needed) {
                return Err(format!("the split loader's runtime has no `{needed}…`"));
            }
        }
        let mut chunks = BTreeMap::new();
        for (at, _) in rest.match_indices(CHUNK_CONST) {
            if at == 0 || rest[..at].ends_with('\n') {
                let module = &rest[at + CHUNK_CONST.len()..];
                chunks.insert(number(module)?, fetched_file(module)?);
            }
        }
        let mut screens = vec![];
        for (at, _) in rest.match_indices(SCREEN_EXPORT) {
            let module = &rest[at + SCREEN_EXPORT.len()..];
            let name = module.split(' ').next().unwrap_or_default().to_string();
            let needed = deps(module)?;
            if let Some(missing) = needed.iter().find(|c| !chunks.contains_key(c)) {
                return Err(format!(
                    "{name} needs chunk {missing}, which the loader does not define"
                ));
            }
            screens.push(Screen {
                name,
                file: fetched_file(module)?,
                chunks: needed,
            });
        }
        let loader = Loader {
            glue,
            runtime,
            chunks,
            screens,
            prerequisites: vec![],
        };
        if loader.users().values().any(BTreeSet::is_empty) {
            return Err("the split loader defines a shared module no screen needs".into());
        }
        Ok(loader)
    }

    /// The screens that fetch each shared module.
    pub fn users(&self) -> BTreeMap<u32, BTreeSet<String>> {
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

    /// The files each screen fetches the first time it is opened (its own module and
    /// the shared ones): `(screen, files)`, in the loader's order.
    pub fn files_per_screen(&self) -> Vec<(String, Vec<String>)> {
        self.screens
            .iter()
            .map(|screen| {
                let shared = screen.chunks.iter().map(|c| self.chunks[c].clone());
                let files = std::iter::once(screen.file.clone()).chain(shared).collect();
                (screen.name.clone(), files)
            })
            .collect()
    }

    /// Every file the loader names (the glue and the modules) renamed by `rename`.
    pub fn rename_files(&mut self, rename: impl Fn(&str) -> String) {
        self.glue = rename(&self.glue);
        for file in self.chunks.values_mut() {
            *file = rename(file);
        }
        for screen in &mut self.screens {
            screen.file = rename(&screen.file);
        }
    }

    /// The loader's JS.
    pub fn render(&self) -> String {
        let from_glue = self
            .prerequisites
            .iter()
            .filter(|p| p.defined == Defined::InGlue)
            .map(|p| format!(", {}", p.name));
        // The runtime instantiates the screens' modules against the main one's exports.
        let mut js = format!(
            "import {{ initSync{} }} from \"./{}\";\n{}",
            from_glue.collect::<String>(),
            self.glue,
            self.runtime
        );
        for prerequisite in &self.prerequisites {
            if let Defined::Here(definition) = &prerequisite.defined {
                js.push_str(definition);
            }
        }
        for (number, file) in &self.chunks {
            js.push_str(&format!("{CHUNK_CONST}{number} = {}]);\n", load(file)));
        }
        for screen in &self.screens {
            let waits: Vec<String> = (self.prerequisites.iter().map(|p| p.name.clone()))
                .chain(screen.chunks.iter().map(|c| format!("__chunk_{c}")))
                .collect();
            js.push_str(&format!(
                "{SCREEN_EXPORT}{} = wrapAsyncCb({}{}]));\n",
                screen.name,
                load(&screen.file),
                waits.join(", ")
            ));
        }
        js
    }
}

/// A module's fetch, as wasm-split-cli writes it, up to its list of what it waits for.
fn load(file: &str) -> String {
    format!(
        "makeLoad(() => {{\n    \
         const src = fetch(new URL(\"./{file}\", import.meta.url));\n    \
         src.catch(() => {{}});\n    \
         return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n\
         }}{DEPS}"
    )
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
fn number(rest: &str) -> Result<u32> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .map_err(|_| format!("no chunk number at `{}`", &rest[..rest.len().min(20)]))
}

/// The shared modules in the first list (`\n, [__chunk_1, __chunk_2]`) of `rest`; any
/// other name there (a prerequisite) is not a shared module.
fn deps(rest: &str) -> Result<Vec<u32>> {
    let at = rest.find(DEPS).ok_or("a screen's loader has no list")? + DEPS.len();
    let end = at + rest[at..].find(']').ok_or("an unclosed list")?;
    rest[at..end]
        .split(',')
        .map(str::trim)
        .filter_map(|name| name.strip_prefix("__chunk_"))
        .map(number)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A loader in wasm-split-cli's shape: two screens, three shared modules.
    pub(crate) const LOADER_JS: &str = "import { initSync } from \"./app.js\";\n\
        function makeLoad(fetcher, deps) {}\nfunction wrapAsyncCb(callee) {}\n\
        /* a, b */\n\
        const __chunk_1 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n}\n, []);\n\
        /* a, b */\n\
        const __chunk_2 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_2.wasm\", import.meta.url));\n}\n, []);\n\
        /* b */\n\
        const __chunk_3 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_3.wasm\", import.meta.url));\n}\n, []);\n\
        export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_a.wasm\", import.meta.url));\n}\n, [__chunk_1, __chunk_2]));\n\
        export const __wasm_split_load_b = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_b.wasm\", import.meta.url));\n}\n, [__chunk_1, __chunk_2, __chunk_3]));\n";

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_loader_reads_as_its_modules_and_screens() {
        let loader = Loader::parse(LOADER_JS).unwrap();
        assert_eq!(loader.glue, "app.js");
        assert_eq!(loader.chunks.len(), 3);
        assert_eq!(loader.users()[&3], ["b"].map(String::from).into());
        assert_eq!(
            loader.files_per_screen(),
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
    fn a_loader_of_another_shape_is_an_error() {
        let undefined = LOADER_JS.replace("__chunk_2, __chunk_3]", "__chunk_2, __chunk_9]");
        assert!(Loader::parse(&undefined).is_err());
        let no_runtime = LOADER_JS.replace("function makeLoad", "function load");
        assert!(Loader::parse(&no_runtime).is_err());
        assert!(Loader::parse(&LOADER_JS.replace("initSync", "init")).is_err());
    }

    #[test]
    fn the_rendered_loader_reads_back_with_its_prerequisites_first_in_every_list() {
        let mut loader = Loader::parse(LOADER_JS).unwrap();
        loader.prerequisites.push(Prerequisite {
            name: "__cold".into(),
            defined: Defined::InGlue,
        });
        loader.prerequisites.push(Prerequisite {
            name: "__css".into(),
            defined: Defined::Here("const __css = () => css();\n".into()),
        });
        loader.rename_files(|f| f.replace('.', "-h."));
        let js = loader.render();
        assert!(js.starts_with("import { initSync, __cold } from \"./app-h.js\";\n"));
        assert!(js.contains("const __css = () => css();\n"), "{js}");
        assert!(
            js.contains("\n, [__cold, __css, __chunk_1, __chunk_2]));\n"),
            "{js}"
        );
        assert!(js.contains("const __chunk_3 = makeLoad(() => {"), "{js}");
        assert!(js.contains("\n, []);\nconst __chunk_2"), "{js}");
        assert!(js.contains("fetch(new URL(\"./chunk_3-h.wasm\""), "{js}");
        let back = Loader::parse(&js).unwrap();
        assert_eq!(back.chunks, loader.chunks);
        assert_eq!(back.screens, loader.screens);
    }
}
