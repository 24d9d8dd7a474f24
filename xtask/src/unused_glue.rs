//! The JS half of the main module's unused exports (`build::UNUSED_EXPORTS`).
//!
//! wasm-bindgen writes a JS class for each of wasm-streams' `IntoUnderlying*` types
//! (exported through server_fn's `browser` feature, which leptos always turns on) and a
//! `FinalizationRegistry` for each. The build removes their exports from the wasm, so
//! nothing could construct them; and being exported from the glue, terser keeps them.
//! Taken out of wasm-bindgen's (unminified) output here, before anything else reads it.

use crate::Result;

/// The classes' common prefix.
const CLASSES: &str = "IntoUnderlying";

/// `js` without the classes and their finalization registries. An error if any mention of
/// them is left (wasm-bindgen's output changed shape), since one would call a removed
/// export.
pub fn without_stream_classes(js: &str) -> Result<String> {
    let mut out = String::with_capacity(js.len());
    let mut lines = js.split_inclusive('\n');
    while let Some(line) = lines.next() {
        if line.starts_with(&format!("export class {CLASSES}")) {
            // The class, up to the line that makes `free` its disposer.
            for line in lines.by_ref() {
                if line.starts_with(&format!("if (Symbol.dispose) {CLASSES}")) {
                    break;
                }
            }
        } else if line.starts_with(&format!("const {CLASSES}")) && line.contains("Finalization") {
            // `const …Finalization = (typeof FinalizationRegistry === 'undefined')`, then
            // its two alternatives, the last ending the statement.
            for line in lines.by_ref() {
                if line.trim_end().ends_with(");") {
                    break;
                }
            }
        } else {
            out.push_str(line);
        }
    }
    if out
        .to_ascii_lowercase()
        .contains(&CLASSES.to_ascii_lowercase())
    {
        return Err(format!(
            "the glue still mentions {CLASSES}* after taking them out"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "\
import * as x from './x.js';
export class IntoUnderlyingSink {
    free() {
        wasm.__wbg_intounderlyingsink_free(ptr, 0);
    }
}
if (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;

export function main() {}
const IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr, 1));
const kept = 1;
";

    #[test]
    fn the_classes_and_their_registries_go_and_the_rest_stays() {
        assert_eq!(
            without_stream_classes(GLUE).unwrap(),
            "import * as x from './x.js';\n\nexport function main() {}\nconst kept = 1;\n"
        );
    }

    #[test]
    fn a_mention_left_behind_is_an_error() {
        let glue = format!("{GLUE}IntoUnderlyingSink.__wrap(0);\n");
        assert!(without_stream_classes(&glue).is_err());
    }
}
