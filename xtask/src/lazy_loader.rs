//! The split loader imported when the wasm first asks it for a screen's module.
//!
//! wasm-split-cli's loader (`__wasm_split.js`: which modules each screen needs, and how
//! to fetch them) is imported statically by wasm-bindgen's glue, once for each screen,
//! so the page fetched it (1.1 kB with its headers) with the first screen, which loads no
//! screen. The build replaces those imports with one stand-in whose functions import the
//! loader on their first call and hand the call on. The start script preloads the
//! loader where the app starts on another screen than home (`build::inject_loader`).

use crate::Result;

/// The loader's module name, as the wasm imports it and the glue writes it.
const LOADER: &str = "\"./__wasm_split.js\"";

/// The stand-in, appended to the glue (the imports object is built when the glue's
/// `init` runs, after the module is evaluated). A screen's load calls
/// `load(callback, data)` and is answered through the function table with whether its
/// modules came; an import that failed (a flaky network) answers `false` (the screen
/// shows its error and retry), and the next call imports again, at an address of its
/// own (a browser may keep a failed module import's failure for the page's life).
const STAND_IN: &str = r#"let splitLoader, splitLoaderTries = 0;
const splitLoaderStandIn = new Proxy({}, {
    get: (_, name) => (callback, data) => {
        splitLoader ??= import("./__wasm_split.js" + (splitLoaderTries++ ? `?${splitLoaderTries}` : ""));
        splitLoader.then((loader) => loader[name](callback, data), () => {
            splitLoader = undefined;
            wasm.__indirect_function_table.get(callback)(data, false);
        });
    },
});
"#;

/// The glue with the loader's static imports gone and the stand-in in their place. An
/// error if the glue does not import the loader as expected (wasm-bindgen's output
/// changed), or mentions it elsewhere.
pub fn import_lazily(js: &str) -> Result<String> {
    let import = format!("from {LOADER}");
    let entry = format!("{LOADER}: ");
    let mut out = String::with_capacity(js.len() + STAND_IN.len());
    let (mut imports, mut entries) = (0, 0);
    for line in js.split_inclusive('\n') {
        let code = line.trim();
        if code.starts_with("import * as ") && code.trim_end_matches(';').ends_with(&import) {
            imports += 1;
        } else if code.starts_with(&entry) {
            // One entry for all (they were the same module, under as many names).
            if entries == 0 {
                out.push_str(&line.replace(code, &format!("{entry}splitLoaderStandIn,")));
            }
            entries += 1;
        } else {
            out.push_str(line);
        }
    }
    out.push_str(STAND_IN);
    if imports == 0 || imports != entries {
        return Err(format!(
            "the glue's imports of the split loader are not as expected: {imports} imports, \
             {entries} entries in the imports object"
        ));
    }
    if out.matches(LOADER).count() != 2 {
        return Err("the glue names the split loader elsewhere too".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = r#"import * as import1 from "./__wasm_split.js"
import * as import2 from "./__wasm_split.js"
export function main() {}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
    };
    return {
        __proto__: null,
        "./member-center-app_bg.js": import0,
        "./__wasm_split.js": import1,
        "./__wasm_split.js": import2,
    };
}
"#;

    #[test]
    fn the_static_imports_make_way_for_one_stand_in() {
        let js = import_lazily(GLUE).unwrap();
        assert!(!js.contains("import * as"), "{js}");
        assert!(
            js.starts_with("export function main() {}\nfunction"),
            "{js}"
        );
        assert!(js.ends_with(STAND_IN));
        assert!(js.contains("\n        \"./__wasm_split.js\": splitLoaderStandIn,\n    };"));
        assert_eq!(js.matches("splitLoaderStandIn,").count(), 1);
    }

    #[test]
    fn a_glue_of_another_shape_is_an_error() {
        let without_entries = GLUE.replace("\"./__wasm_split.js\": import", "x: import");
        assert!(import_lazily(&without_entries).is_err());
        let elsewhere = format!("{GLUE}fetch(\"./__wasm_split.js\");\n");
        assert!(import_lazily(&elsewhere).is_err());
    }
}
