// `cargo xtask profile` (xtask/src/cold.rs): the main module is instrumented by
// binaryen's `wasm-split --instrument`. Its `__write_profile(at, size)` writes 8 bytes
// (the module's hash), then one u32 per function of the module (0 if it never ran),
// when `size` is enough, and returns the size it needs.
self.mcProfile = () => {
    const size = wasm.__write_profile(0, 0);
    const at = wasm.__wbindgen_malloc(size, 8);
    if (wasm.__write_profile(at, size) !== size) throw new Error('__write_profile');
    const view = new DataView(wasm.memory.buffer, at, size);
    const ran = [];
    for (let i = 0; 8 + 4 * i < size; i++) {
        if (view.getUint32(8 + 4 * i, true) !== 0) ran.push(i);
    }
    wasm.__wbindgen_free(at, size, 8);
    return ran;
};
