// The main module's cold half (`cargo xtask build`, xtask/src/cold.rs): the functions the
// first screen does not run, in a module of their own. Appended to the main module's
// glue by the build, which also hands `__mc_placeholders` to the instantiation and calls
// `__mc_cold_idle()` once the app has started.

let __mc_cold;
let __mc_cold_loading;
const __mc_cold_url = () => new URL('member-center-app_cold.wasm', import.meta.url);

// Its element segment fills the hot half's table slots, replacing the placeholders.
function __mc_cold_instantiate(module) {
    __mc_cold ??= new WebAssembly.Instance(module, { primary: wasm });
}

// One import per cold function, named by its slot in the function table. Called before
// the cold half is there (a tap before the page was idle), it loads the half
// synchronously, then calls the function through the table. `mcColdSyncLoads` counts
// those loads: the e2e test of the first screen expects none.
const __mc_placeholders = new Proxy({}, {
    get: (_, slot) => (...args) => {
        if (!__mc_cold) {
            self.mcColdSyncLoads = (self.mcColdSyncLoads || 0) + 1;
            const request = new XMLHttpRequest();
            request.open('GET', __mc_cold_url(), false);
            // A synchronous request in a page cannot ask for an ArrayBuffer: its bytes
            // come as the low bytes of the text's characters.
            request.overrideMimeType('text/plain; charset=x-user-defined');
            request.send();
            if (request.status !== 200) {
                throw new Error(`${__mc_cold_url()}: ${request.status}`);
            }
            const text = request.responseText;
            const bytes = new Uint8Array(text.length);
            for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
            __mc_cold_instantiate(new WebAssembly.Module(bytes));
        }
        return wasm.__indirect_function_table.get(+slot)(...args);
    },
});

// Fetched and compiled off the main thread, once; forgotten on failure, so the next
// caller (a screen's loader, which waits for it) tries again.
export function __mc_cold_half() {
    if (__mc_cold) return Promise.resolve();
    return (__mc_cold_loading ??= WebAssembly.compileStreaming(fetch(__mc_cold_url())).then(
        __mc_cold_instantiate,
        (error) => {
            __mc_cold_loading = undefined;
            throw error;
        },
    ));
}

// Once the page has loaded and is idle: after the first screen's paint, not in its way.
function __mc_cold_idle() {
    const idle = () =>
        (self.requestIdleCallback || setTimeout)(() => __mc_cold_half().catch(() => {}));
    document.readyState === 'complete' ? idle() : addEventListener('load', idle, { once: true });
}
