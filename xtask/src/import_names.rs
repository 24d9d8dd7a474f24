//! Shorter names for what the main wasm imports from its JS glue.
//!
//! wasm-bindgen names each import `__wbg_<what>_<16 hex digits>` (a hash that keeps,
//! say, two `value` getters of different types apart). The main module has about 160,
//! and each name travels twice on the first screen: in the wasm's import section and as
//! a key of the glue's imports object. The hex digits do not compress: about 2.5 kB of
//! brotli. The build drops the hash where the rest of the name is unique (`__wbg_value`),
//! numbers namesakes (`__wbg_value_1`), and writes the same names into both files, right
//! after wasm-bindgen (binaryen keeps import names, and the split by use leaves the
//! glue's imports in the hot half).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::files::{read, read_text, write};
use crate::Result;

/// Renames the hashed imports of `wasm` from `module` (the glue's own name, as the wasm
/// imports it) in the wasm and in its `js`. Returns how many were renamed.
pub fn shorten(wasm: &Path, js: &Path, module: &str) -> Result<usize> {
    let bytes = read(wasm)?;
    let text = read_text(js)?;
    let names = import_names(&bytes, module)?;
    let renames = short_names(&names, &text);
    let text = rename_in_js(&text, &renames)?;
    let bytes = rename_imports(&bytes, module, &renames)?;
    write(wasm, bytes)?;
    write(js, text)?;
    Ok(renames.len())
}

/// The hashed name's stem (`__wbg_value` of `__wbg_value_0123456789abcdef`), if it has one.
fn stem(name: &str) -> Option<&str> {
    let (stem, hash) = name.rsplit_once('_')?;
    let hashed = hash.len() == 16 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (hashed && stem.starts_with("__wbg")).then_some(stem)
}

/// Old name → new name for every hashed import: its stem, or the stem numbered when a
/// namesake or a word of the glue already has it.
fn short_names(imports: &[String], js: &str) -> HashMap<String, String> {
    let mut taken: HashSet<String> = words(js).map(str::to_owned).collect();
    taken.extend(imports.iter().cloned());
    let mut renames = HashMap::new();
    for name in imports {
        let Some(stem) = stem(name) else { continue };
        let short = std::iter::once(stem.to_owned())
            .chain((1..).map(|n| format!("{stem}_{n}")))
            .find(|s| !taken.contains(s))
            .expect("an unused number");
        taken.insert(short.clone());
        renames.insert(name.clone(), short);
    }
    renames
}

/// Whether `c` may be part of a JS identifier (as the glue writes them: ASCII).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The text cut where its identifier-like words start and end: the words and what lies
/// between them, in order.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let word = is_word_char(rest.chars().next()?);
        let end = rest.find(|c| is_word_char(c) != word).unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// The identifier-like words of a text (an import's name is one where the glue uses it).
fn words(text: &str) -> impl Iterator<Item = &str> {
    pieces(text).filter(|piece| piece.starts_with(is_word_char))
}

/// The glue with every renamed word replaced; each must be in it (or the glue's format
/// changed, and the wasm would ask for a function the glue does not give it).
fn rename_in_js(js: &str, renames: &HashMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(js.len());
    let mut found = HashSet::new();
    for piece in pieces(js) {
        match renames.get(piece) {
            Some(short) => {
                found.insert(piece);
                out.push_str(short);
            }
            None => out.push_str(piece),
        }
    }
    match renames.keys().find(|name| !found.contains(name.as_str())) {
        Some(missing) => Err(format!("the glue never names the import {missing}")),
        None => Ok(out),
    }
}

/// The names `module` gives the wasm, in order.
fn import_names(wasm: &[u8], module: &str) -> Result<Vec<String>> {
    let (_, imports) = import_section(wasm)?;
    Ok(imports
        .iter()
        .filter(|import| import.module == module)
        .map(|import| import.name.to_owned())
        .collect())
}

/// The wasm with its import section written anew, the renamed imports under their new
/// names (each import's kind and type copied as they were).
fn rename_imports(wasm: &[u8], module: &str, renames: &HashMap<String, String>) -> Result<Vec<u8>> {
    let (section, entries) = import_section(wasm)?;
    let mut content = vec![];
    leb(&mut content, entries.len() as u64);
    for import in &entries {
        let name = match renames.get(import.name) {
            Some(short) if import.module == module => short.as_str(),
            _ => import.name,
        };
        string(&mut content, import.module);
        string(&mut content, name);
        content.extend_from_slice(import.ty);
    }
    let mut out = wasm[..section.start].to_vec();
    out.push(IMPORT_SECTION);
    leb(&mut out, content.len() as u64);
    out.extend_from_slice(&content);
    out.extend_from_slice(&wasm[section.end..]);
    Ok(out)
}

const IMPORT_SECTION: u8 = 2;

/// One import as the binary has it: its type descriptor left as bytes.
struct Import<'a> {
    module: &'a str,
    name: &'a str,
    ty: &'a [u8],
}

/// The import section's bytes (its id and size included) and its imports; an empty range
/// at the end and none if there is no such section.
fn import_section(wasm: &[u8]) -> Result<(std::ops::Range<usize>, Vec<Import<'_>>)> {
    let mut r = Reader { bytes: wasm, at: 8 };
    if wasm.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    while r.at < wasm.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let end = r.at + size;
        if id != IMPORT_SECTION {
            r.at = end;
            continue;
        }
        let mut imports = vec![];
        for _ in 0..r.leb()? {
            let module = r.string()?;
            let name = r.string()?;
            let ty_start = r.at;
            r.skip_type()?;
            imports.push(Import {
                module,
                name,
                ty: &wasm[ty_start..r.at],
            });
        }
        if r.at != end {
            return Err("the import section's size does not match its imports".into());
        }
        return Ok((start..end, imports));
    }
    Ok((wasm.len()..wasm.len(), vec![]))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.bytes.get(self.at).ok_or("the wasm ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u64> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn string(&mut self) -> Result<&'a str> {
        let len = self.leb()? as usize;
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or("the wasm ends early")?;
        self.at += len;
        std::str::from_utf8(bytes).map_err(|e| format!("an import's name: {e}"))
    }

    /// Past an import's kind and type: a function's or tag's type index, a table's
    /// element type and limits, a memory's limits, a global's value type and mutability.
    fn skip_type(&mut self) -> Result {
        match self.byte()? {
            0x00 => {
                self.leb()?;
            }
            0x01 => {
                self.ref_type()?;
                self.limits()?;
            }
            0x02 => self.limits()?,
            0x03 => {
                self.val_type()?;
                self.byte()?;
            }
            0x04 => {
                self.byte()?;
                self.leb()?;
            }
            kind => return Err(format!("an import of unknown kind {kind:#x}")),
        }
        Ok(())
    }

    fn limits(&mut self) -> Result {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    /// funcref, externref and the other short forms are one byte; `(ref null? $t)` more.
    fn ref_type(&mut self) -> Result {
        match self.byte()? {
            0x63 | 0x64 => {
                self.leb()?;
            }
            _ => {}
        }
        Ok(())
    }

    fn val_type(&mut self) -> Result {
        self.ref_type()
    }
}

fn leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn string(out: &mut Vec<u8>, s: &str) {
    leb(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "./app_bg.js";

    /// A module with one function type, four imports from the glue (two namesakes, one
    /// without a hash, one memory) and one from elsewhere, and a custom section after.
    fn module() -> Vec<u8> {
        let mut imports = vec![];
        leb(&mut imports, 5);
        for (module, name) in [
            (GLUE, "__wbg_value_0123456789abcdef"),
            (GLUE, "__wbg_value_fedcba9876543210"),
            (GLUE, "__wbindgen_init_externref_table"),
            ("other", "__wbg_now_0123456789abcdef"),
        ] {
            string(&mut imports, module);
            string(&mut imports, name);
            imports.extend_from_slice(&[0x00, 0x00]);
        }
        string(&mut imports, GLUE);
        string(&mut imports, "__wbg_memory_00000000000000aa");
        imports.extend_from_slice(&[0x02, 0x01, 0x01, 0x90, 0x01]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
        wasm.push(IMPORT_SECTION);
        leb(&mut wasm, imports.len() as u64);
        wasm.extend_from_slice(&imports);
        wasm.extend_from_slice(&[0x00, 0x03, 0x01, b'x', 0x07]);
        wasm
    }

    fn names(wasm: &[u8]) -> Vec<(String, String, Vec<u8>)> {
        let (_, imports) = import_section(wasm).unwrap();
        imports
            .iter()
            .map(|i| (i.module.to_owned(), i.name.to_owned(), i.ty.to_vec()))
            .collect()
    }

    #[test]
    fn hashes_are_dropped_namesakes_numbered_and_the_rest_kept_byte_for_byte() {
        let wasm = module();
        let js = "const i={__wbg_value_0123456789abcdef:function(){},\
                  __wbg_value_fedcba9876543210:function(){},\
                  __wbg_memory_00000000000000aa:m};this.__wbg_memory=1;";
        let renames = short_names(&import_names(&wasm, GLUE).unwrap(), js);
        let renamed = rename_imports(&wasm, GLUE, &renames).unwrap();
        let before = names(&wasm);
        let after = names(&renamed);
        let shown: Vec<_> = after
            .iter()
            .map(|(m, n, _)| (m.as_str(), n.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (GLUE, "__wbg_value"),
                (GLUE, "__wbg_value_1"),
                (GLUE, "__wbindgen_init_externref_table"),
                // Another module's imports are not the glue's to rename.
                ("other", "__wbg_now_0123456789abcdef"),
                // `__wbg_memory` is already a word of the glue.
                (GLUE, "__wbg_memory_1"),
            ]
        );
        for ((_, _, ty_before), (_, _, ty_after)) in before.iter().zip(&after) {
            assert_eq!(ty_before, ty_after);
        }
        // What follows the section is untouched.
        assert!(renamed.ends_with(&[0x00, 0x03, 0x01, b'x', 0x07]));
        // 17 bytes less a hash, 15 for a numbered one.
        assert_eq!(renamed.len(), wasm.len() - 17 - 15 - 15);

        let js = rename_in_js(js, &renames).unwrap();
        assert_eq!(
            js,
            "const i={__wbg_value:function(){},__wbg_value_1:function(){},\
             __wbg_memory_1:m};this.__wbg_memory=1;"
        );
    }

    #[test]
    fn an_import_the_glue_never_names_is_an_error() {
        let wasm = module();
        let renames = short_names(&import_names(&wasm, GLUE).unwrap(), "");
        assert!(rename_in_js("const i={__wbg_value_0123456789abcdef:f}", &renames).is_err());
    }
}
