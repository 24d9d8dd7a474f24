//! The main module split by use: the functions the first screen runs (the hot half) stay
//! in the main wasm; the rest (the cold half) go to `member-center-app_cold.wasm`, which
//! the page fetches once it is idle after its first paint, and every screen's loader
//! waits for, beside its own modules (`web/cold-half.js`).
//!
//! Which functions are cold is measured by every build (`profile.rs`): binaryen's
//! instrumentation on a copy of this very module records what runs in Chromium (the
//! logged-out and logged-in homes to their first paint and a moment after). The build
//! moves out the others (`wasm-split --split-funcs`, Debian's binaryen: npm's has no
//! wasm-split). A function that runs on the first screen after all costs a synchronous
//! load of the cold half (its placeholder fetches it, then calls through); the e2e test
//! `the_first_screen_runs_on_the_hot_half` catches that.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

use crate::files::{read, read_text, write};
use crate::proc::run;
use crate::split_loader::{Defined, Loader, Prerequisite};
use crate::wasm_opt::WASM_FEATURES;
use crate::{Result, Workspace};

/// What the build appends to the main module's JS glue (the placeholders, the loader).
const GLUE: &str = "web/cold-half.js";
/// The same, for the instrumented copy (`profile.rs`): reads the instrumentation's counters.
const PROFILE_GLUE: &str = "web/cold-profile.js";
/// The cold half's file, beside the main wasm (its stem is the main module's JS's).
pub const COLD_WASM: &str = "member-center-app_cold.wasm";
/// The import namespace of the hot half's placeholders; the glue fills it.
const PLACEHOLDERS: &str = "placeholder";
/// The namespace the cold half imports the hot half's exports from.
const PRIMARY: &str = "primary";

/// A function's name as the list keeps it: demangled, without what changes with any
/// build of a dependency (a legacy symbol's hash, a v0 symbol's crate disambiguators).
/// A name that is not a Rust symbol stays as it is.
pub fn stable_name(name: &str) -> String {
    match rustc_demangle::try_demangle(name) {
        Ok(symbol) => format!("{symbol:#}"),
        Err(_) => name.to_string(),
    }
}

/// The names (hash-free) whose every function went unrun: one that shares its name with
/// a function that ran (another instance of a generic) is hot.
pub fn cold_names(functions: &[String], ran: &HashSet<usize>) -> BTreeSet<String> {
    let stable: Vec<String> = functions.iter().map(|name| stable_name(name)).collect();
    let hot: HashSet<&String> = ran.iter().filter_map(|&i| stable.get(i)).collect();
    stable
        .iter()
        .filter(|name| !hot.contains(name))
        .cloned()
        .collect()
}

/// The module's functions to move out, by their names in the module (mangled: no
/// commas, which binaryen's list would split at): those whose stable name is listed.
pub fn to_split<'a>(functions: &'a [String], cold: &HashSet<String>) -> Vec<&'a str> {
    functions
        .iter()
        .filter(|name| !name.is_empty() && !name.contains(',') && cold.contains(&stable_name(name)))
        .map(String::as_str)
        .collect()
}

/// The names of the module's own functions (imports aside), in their order: the order of
/// binaryen's profile. An unnamed function is `""`.
pub fn function_names(wasm: &[u8]) -> Result<Vec<String>> {
    let bad = |e: wasmparser::BinaryReaderError| format!("reading the main wasm: {e}");
    let (mut imported, mut defined) = (0u32, 0u32);
    let mut names = HashMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(
                        import.map_err(bad)?.ty,
                        TypeRef::Func(_) | TypeRef::FuncExact(_)
                    ) {
                        imported += 1;
                    }
                }
            }
            Payload::FunctionSection(functions) => defined = functions.count(),
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(subsections) = section.as_known() {
                    for subsection in subsections {
                        if let Name::Function(map) = subsection.map_err(bad)? {
                            for naming in map {
                                let naming = naming.map_err(bad)?;
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok((imported..imported + defined)
        .map(|index| names.remove(&index).unwrap_or_default())
        .collect())
}

/// Splits the main wasm (optimized, its names kept) in place into its hot half and the
/// cold half beside it, and gives the glue its placeholders and the cold half's loader.
/// Returns the cold half's path, or `None` when the list names none of its functions.
pub fn split(
    ws: &Workspace,
    main_wasm: &Path,
    glue: &Path,
    cold: &HashSet<String>,
) -> Result<Option<PathBuf>> {
    let functions = function_names(&read(main_wasm)?)?;
    let moved = to_split(&functions, cold);
    if moved.is_empty() {
        println!("no cold function in the main wasm: not split");
        strip_names(main_wasm)?;
        return Ok(None);
    }
    let work = main_wasm.with_file_name("cold");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let list = work.join("split-funcs.txt");
    write(&list, &(moved.join("\n") + "\n"))?;
    // The named module before the split, for whoever looks for what the hot half holds.
    fs::copy(main_wasm, work.join("main-named.wasm"))
        .map_err(|e| format!("cannot copy {}: {e}", main_wasm.display()))?;
    let cold_wasm = main_wasm.with_file_name(COLD_WASM);
    let mut split = Command::new(ws.wasm_split());
    split
        .arg(main_wasm)
        .arg(format!("--split-funcs=@{}", list.display()))
        .args(["--export-prefix=%", "--placeholder-namespace", PLACEHOLDERS])
        .args(["--import-namespace", PRIMARY])
        .args(WASM_FEATURES)
        .arg("-o1")
        .arg(main_wasm)
        .arg("-o2")
        .arg(&cold_wasm);
    run(&mut split)?;
    fix_table_exports(main_wasm)?;
    println!(
        "split the main wasm by use: {} of {} functions to {COLD_WASM}",
        moved.len(),
        functions.len()
    );
    append_glue(glue, &ws.root.join(GLUE), true)?;
    Ok(Some(cold_wasm))
}

/// For the profile (`profile.rs`): the main wasm instrumented in place (binaryen records which
/// functions ran; `__write_profile` hands the record over), its functions' names written
/// beside it (`functions.txt`, one per line, in the profile's order), and the glue given
/// `self.mcProfile()`, which returns the indexes of those that ran.
pub fn instrument(ws: &Workspace, main_wasm: &Path, glue: &Path) -> Result {
    let functions = function_names(&read(main_wasm)?)?;
    write(&functions_file(main_wasm), &(functions.join("\n") + "\n"))?;
    run(Command::new(ws.wasm_split())
        .arg("--instrument")
        .arg(main_wasm)
        .args(WASM_FEATURES)
        .arg("-o")
        .arg(main_wasm))?;
    fix_table_exports(main_wasm)?;
    append_glue(glue, &ws.root.join(PROFILE_GLUE), false)
}

/// Where `instrument` writes the functions' names.
pub fn functions_file(main_wasm: &Path) -> PathBuf {
    main_wasm.with_file_name("functions.txt")
}

/// The main wasm without its names section (kept until the split for the names).
pub fn strip_names(main_wasm: &Path) -> Result {
    run(Command::new("wasm-opt")
        .arg(main_wasm)
        .arg("--strip-debug")
        .args(WASM_FEATURES)
        .arg("-o")
        .arg(main_wasm))
}

/// binaryen 108's wasm-split (splitting or instrumenting) exports the function table
/// under the name of the module's other table too (`__wbindgen_externrefs`, wasm-bindgen's table of JS values), a multi-table bug:
/// the glue would then keep JS values in the function table. Fixed in the text (as
/// `wasm-dis` 132 writes it): that export points back at the externref table, the one
/// the cold half imports under the name.
fn fix_table_exports(main_wasm: &Path) -> Result {
    let text = main_wasm.with_extension("wat");
    run(Command::new("wasm-dis").arg(main_wasm).arg("-o").arg(&text))?;
    let wat = read_text(&text)?;
    write(&text, &with_externrefs_exported(&wat)?)?;
    run(Command::new("wasm-as")
        .args(WASM_FEATURES)
        .arg(&text)
        .arg("-o")
        .arg(main_wasm))?;
    fs::remove_file(&text).map_err(|e| format!("cannot remove {}: {e}", text.display()))
}

/// The module text with `__wbindgen_externrefs` exporting its one externref table.
fn with_externrefs_exported(wat: &str) -> Result<String> {
    const EXPORT: &str = " (export \"__wbindgen_externrefs\" (table $";
    let tables: Vec<&str> = wat
        .lines()
        .filter_map(|line| line.strip_prefix(" (table $"))
        .filter(|rest| rest.ends_with(" externref)"))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    let [table] = tables[..] else {
        return Err(format!(
            "the main wasm has {} externref tables, not one",
            tables.len()
        ));
    };
    let mut found = 0;
    let out: Vec<String> = wat
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix(EXPORT) {
            Some(_) => {
                found += 1;
                format!("{EXPORT}{table}))\n")
            }
            None => line.to_string(),
        })
        .collect();
    if found != 1 {
        return Err(format!(
            "the main wasm exports __wbindgen_externrefs {found} times"
        ));
    }
    Ok(out.concat())
}

/// Appends `template` to the glue; with `placeholders`, also hands the placeholders
/// (`__mc_placeholders`) to the instantiation, and starts the idle fetch once the module
/// has started (`__mc_cold_idle`).
fn append_glue(glue: &Path, template: &Path, placeholders: bool) -> Result {
    let mut js = read_text(glue)?;
    if placeholders {
        js = patched_glue(&js)?;
    }
    let extra = read_text(template)?;
    js.push('\n');
    js.push_str(&extra);
    write(glue, &js)
}

/// The glue with the placeholders in its imports (the object `__wbg_get_imports`
/// returns) and the idle fetch after its start.
fn patched_glue(js: &str) -> Result<String> {
    let start = "wasm.__wbindgen_start();";
    let starts = js.matches(start).count();
    if starts != 1 {
        return Err(format!(
            "the main module's glue has {starts} `{start}`, not one"
        ));
    }
    let imports = js
        .find("function __wbg_get_imports(")
        .and_then(|at| {
            js[at..]
                .find("return {")
                .map(|end| at + end + "return {".len())
        })
        .ok_or("the main module's glue has no `__wbg_get_imports` returning an object")?;
    let js = format!(
        "{}\n\"{PLACEHOLDERS}\": __mc_placeholders,{}",
        &js[..imports],
        &js[imports..]
    );
    Ok(js.replace(start, &format!("{start}\n__mc_cold_idle();")))
}

/// The cold half's fetch, `web/cold-half.js`'s export, as the split loader names it.
const COLD_HALF: &str = "__mc_cold_half";

/// The split loader with the cold half's fetch first in every screen's list: a screen's
/// code may call any cold function, so it waits for the half (fetched with its modules,
/// not synchronously when first called).
pub fn attach_to_screens(loader: &mut Loader) {
    loader.prerequisites.insert(
        0,
        Prerequisite {
            name: COLD_HALF.into(),
            defined: Defined::InGlue,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_what_changes_with_a_build() {
        // A legacy symbol: its hash goes.
        assert_eq!(
            stable_name("_ZN17member_center_app4main17ha5c4d3e9ffd7088bE"),
            "member_center_app::main"
        );
        // A v0 symbol (the standard library's): its crates' disambiguators go.
        assert_eq!(
            stable_name("_RNvNtCsgXGp5Oqx2Ny_4core3fmt5write"),
            "core::fmt::write"
        );
        // Not a Rust symbol.
        assert_eq!(stable_name("__wbindgen_malloc"), "__wbindgen_malloc");
    }

    #[test]
    fn a_name_is_cold_only_when_none_of_its_functions_ran() {
        let functions: Vec<String> = [
            "_ZN3app4home17h0000000000000001E",
            "_ZN5serde5parse17h0000000000000002E",
            "_ZN5serde5parse17h0000000000000003E",
            "_ZN3app6wallet17h0000000000000004E",
        ]
        .map(String::from)
        .into();
        let ran = HashSet::from([0, 2]);
        let cold = cold_names(&functions, &ran);
        assert_eq!(cold, BTreeSet::from(["app::wallet".to_string()]));
        // The build moves what the list names, whatever its hashes are now.
        let rebuilt: Vec<String> = [
            "_ZN3app6wallet17hffffffffffffffffE",
            "_ZN3app4home17hffffffffffffffffE",
            "",
        ]
        .map(String::from)
        .into();
        let listed = HashSet::from(["app::wallet".to_string(), String::new()]);
        assert_eq!(
            to_split(&rebuilt, &listed),
            ["_ZN3app6wallet17hffffffffffffffffE"]
        );
    }

    #[test]
    fn the_glue_gets_its_placeholders_and_idle_fetch() {
        let js = "function __wbg_get_imports() {\n    const import0 = { a: 1 };\n    return {\n    __proto__: null,\n};\n}\n\
                  function __wbg_finalize_init(instance, module) {\n    wasm.__wbindgen_start();\n    return wasm;\n}\n";
        let out = patched_glue(js).unwrap();
        assert!(out.contains("return {\n\"placeholder\": __mc_placeholders,\n    __proto__: null,"));
        assert!(out.contains("wasm.__wbindgen_start();\n__mc_cold_idle();\n    return wasm;"));
        assert!(patched_glue("function f() {}").is_err());
    }

    #[test]
    fn the_externrefs_export_points_at_the_externref_table() {
        let wat = "(module\n (table $0 3189 3189 funcref)\n (table $1 1028 externref)\n \
                   (export \"__indirect_function_table\" (table $0))\n \
                   (export \"__wbindgen_externrefs\" (table $0))\n)\n";
        let fixed = with_externrefs_exported(wat).unwrap();
        assert!(fixed.contains(" (export \"__wbindgen_externrefs\" (table $1))\n"));
        assert!(fixed.contains(" (export \"__indirect_function_table\" (table $0))\n"));
        assert!(with_externrefs_exported("(module\n (table $0 1 funcref)\n)\n").is_err());
    }

    #[test]
    fn function_names_skip_imports() {
        // (module (import "m" "f" (func)) (func $a) (func $b)) with names for 0, 1, 2.
        let wasm = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
            0x02, 0x07, 0x01, 0x01, b'm', 0x01, b'f', 0x00, 0x00, // import m.f
            0x03, 0x03, 0x02, 0x00, 0x00, // two functions
            0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b, // their bodies
            // "name" section: function names 0 = "i", 1 = "a", 2 = "b".
            0x00, 0x11, 0x04, b'n', b'a', b'm', b'e', 0x01, 0x0a, 0x03, 0x00, 0x01, b'i', 0x01,
            0x01, b'a', 0x02, 0x01, b'b',
        ];
        assert_eq!(function_names(&wasm).unwrap(), ["a", "b"]);
    }
}
