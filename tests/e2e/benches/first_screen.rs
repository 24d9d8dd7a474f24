//! `cargo xtask bench`: the first screen as a shopper's phone gets it. The built app and
//! the real server (demo mode, logged out) in headless Chromium at 375×667 under
//! Lighthouse's mobile "Slow 4G" and a 4× slower CPU (`e2e::cdp::slow_phone`):
//!
//! - cold loads (a fresh profile each: no cache, no service worker): the largest
//!   contentful paint, and the bytes on the wire (`transferSize`: compressed, with
//!   headers) and requests made before home is interactive (its progress bar shown);
//! - repeat loads (the same profile after the first visit installed the service worker);
//! - the preview opened cold by its address: the time to its amount field, and the wasm
//!   modules fetched by then (the screen's own and the shared ones);
//! - the preview, 50 keystrokes at 4× CPU: one keystroke's main-thread work (the input
//!   event to the DOM updated and laid out: what must fit in a 16 ms frame) and its
//!   input event to the frame after it (rAF, then a task); each beside the same loop
//!   typing into an input nothing listens to (the floor of the method on this machine).
//!
//! Figures, not assertions: every line the targets are read from starts `first-screen:`.

use std::time::Duration;

use e2e::cdp::{cpu_slowdown, slow_phone};
use e2e::{Browser, Server};
use serde_json::{json, Value};

const RUNS: usize = 5;
const KEYSTROKES: usize = 50;

/// One page load's figures.
struct Load {
    lcp_ms: f64,
    bytes: f64,
    requests: usize,
    /// Each request: its address (origin left out), its bytes on the wire, and when it
    /// started and ended (ms from the navigation's start).
    each: Vec<Request>,
    /// When the bench saw home's progress bar (it looks every 50 ms).
    interactive_ms: f64,
}

struct Request {
    name: String,
    bytes: f64,
    start_ms: f64,
    end_ms: f64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = Server::start_demo();
    let home = format!("{}/", server.base_url);

    let mut cold = vec![];
    for _ in 0..RUNS {
        let browser = Browser::start().await;
        slow_phone(&browser.client).await;
        cold.push(load(&browser, &home).await);
        browser.close().await;
    }

    let browser = Browser::start().await;
    slow_phone(&browser.client).await;
    load(&browser, &home).await;
    worker_ready(&browser).await;
    let mut repeat = vec![];
    for _ in 0..RUNS {
        browser.client.goto("about:blank").await.expect("leave");
        repeat.push(load(&browser, &home).await);
    }
    browser.close().await;

    let preview = format!("{}/preview", server.base_url);
    let mut opened = vec![];
    for _ in 0..RUNS {
        let browser = Browser::start().await;
        slow_phone(&browser.client).await;
        opened.push(open_screen(&browser, &preview, "preview-amount").await);
        browser.close().await;
    }

    let browser = Browser::start().await;
    let typing = keystrokes(&browser, &server.base_url).await;
    browser.close().await;
    let p = |v: &[f64], q| percentile(v.to_vec(), q);

    let median = |v: Vec<f64>| percentile(v, 50);
    let first = &cold[0];
    println!(
        "first-screen: cold load (Slow 4G, 4x CPU, median of {RUNS}): LCP {:.0} ms; {:.1} kB \
         on the wire in {} requests before home is interactive",
        median(cold.iter().map(|l| l.lcp_ms).collect()),
        median(cold.iter().map(|l| l.bytes).collect()) / 1000.0,
        first.requests,
    );
    // Where the bytes go, for whoever looks for the next cut.
    for r in &first.each {
        println!(
            "first-screen request: {:>6.2} kB, {:>4.0}–{:>4.0} ms {}",
            r.bytes / 1000.0,
            r.start_ms,
            r.end_ms,
            r.name
        );
    }
    println!(
        "first-screen: that load's LCP {:.0} ms, home interactive by {:.0} ms",
        first.lcp_ms, first.interactive_ms
    );
    println!(
        "first-screen: repeat load (service worker, median of {RUNS}): LCP {:.0} ms; {:.1} kB \
         on the wire",
        median(repeat.iter().map(|l| l.lcp_ms).collect()),
        median(repeat.iter().map(|l| l.bytes).collect()) / 1000.0,
    );
    println!(
        "first-screen: the preview opened cold by its address (Slow 4G, 4x CPU, median of \
         {RUNS}): its amount field at {:.0} ms; {} wasm modules, {:.1} kB compressed",
        median(opened.iter().map(|o| o.at_ms).collect()),
        opened[0].modules,
        median(opened.iter().map(|o| o.wasm_bytes).collect()) / 1000.0,
    );
    let [work, frame, floor_work, floor_frame] = &typing;
    println!(
        "first-screen: preview keystroke, main-thread work to the DOM updated and laid out \
         (4x CPU, {KEYSTROKES} keystrokes): p50 {:.1} ms, p95 {:.1} ms (no-handler floor \
         {:.1} / {:.1})",
        p(work, 50),
        p(work, 95),
        p(floor_work, 50),
        p(floor_work, 95),
    );
    // Where the tail comes from: the first keystrokes (the result area's first layout,
    // functions compiled on their first call) or spread over the run.
    let shown: Vec<String> = work.iter().take(10).map(|w| format!("{w:.0}")).collect();
    println!(
        "first-screen: preview keystrokes, the first ten's work (ms): {}",
        shown.join(" ")
    );
    println!(
        "first-screen: preview keystroke to the next frame (4x CPU, {KEYSTROKES} \
         keystrokes): p50 {:.1} ms, p95 {:.1} ms (no-handler floor {:.1} / {:.1})",
        p(frame, 50),
        p(frame, 95),
        p(floor_frame, 50),
        p(floor_frame, 95),
    );
}

/// Opens `url`, waits for home to be interactive, and reads the browser's own figures.
async fn load(browser: &Browser, url: &str) -> Load {
    let client = &browser.client;
    client.goto(url).await.expect("open home");
    let mut interactive = Value::Null;
    for _ in 0..600 {
        interactive = client
            .execute(
                "return document.querySelector('[role=progressbar]') ? performance.now() : null;",
                vec![],
            )
            .await
            .expect("poll home");
        if !interactive.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!interactive.is_null(), "home never showed its progress bar");
    let figures = client
        .execute_async(
            r#"const [at, done] = arguments;
               // Every candidate the browser reports (a paint is reported a moment after
               // it happens, one callback at a time); the last one is the LCP.
               const paints = [];
               new PerformanceObserver((list) => paints.push(...list.getEntries()))
                 .observe({ type: 'largest-contentful-paint', buffered: true });
               setTimeout(() => {
                 const entries = [
                   ...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource'),
                 ].filter((e) => e.startTime <= at);
                 done({
                   lcp: paints.at(-1).startTime,
                   bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
                   requests: entries.length,
                   each: entries.map((e) => [
                     e.name.replace(location.origin, ''), e.transferSize, e.startTime, e.responseEnd,
                   ]),
                 });
               }, 1500);"#,
            vec![interactive.clone()],
        )
        .await
        .expect("the page's timings");
    Load {
        lcp_ms: figures["lcp"].as_f64().expect("an LCP"),
        bytes: figures["bytes"].as_f64().expect("bytes"),
        requests: figures["requests"].as_u64().expect("requests") as usize,
        each: figures["each"]
            .as_array()
            .expect("each request")
            .iter()
            .map(|e| Request {
                name: e[0].as_str().expect("an address").to_owned(),
                bytes: e[1].as_f64().expect("bytes"),
                start_ms: e[2].as_f64().expect("a start"),
                end_ms: e[3].as_f64().expect("an end"),
            })
            .collect(),
        interactive_ms: interactive.as_f64().expect("a time"),
    }
}

/// A screen opened by its address, no cache.
struct Opened {
    /// From the navigation's start to the screen's `testid` element in the page.
    at_ms: f64,
    /// The wasm modules fetched by then (the main one, the screen's, the shared ones).
    modules: usize,
    /// Their compressed bodies (`encodedBodySize`: some come from the HTTP cache the
    /// service worker's install filled meanwhile, with no `transferSize`).
    wasm_bytes: f64,
}

/// Opens `url` and waits for the element `testid`: the time a shopper following a link
/// to a screen waits for its modules (the requests, more than the bytes, on Slow 4G).
async fn open_screen(browser: &Browser, url: &str, testid: &str) -> Opened {
    let client = &browser.client;
    client.goto(url).await.expect("open the screen");
    let found = format!(
        "if (!document.querySelector('[data-testid={testid}]')) return null;
         const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'));
         return [performance.now(), wasm.length, wasm.reduce((sum, e) => sum + e.encodedBodySize, 0)];"
    );
    for _ in 0..1200 {
        let figures = client
            .execute(&found, vec![])
            .await
            .expect("poll the screen");
        if let Some([at, modules, bytes]) = figures.as_array().map(Vec::as_slice) {
            return Opened {
                at_ms: at.as_f64().expect("a time"),
                modules: modules.as_u64().expect("a count") as usize,
                wasm_bytes: bytes.as_f64().expect("bytes"),
            };
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{url} never showed {testid}");
}

/// Waits until the service worker the page registered is active (its files cached).
async fn worker_ready(browser: &Browser) {
    browser
        .client
        .execute_async(
            "const done = arguments[0]; navigator.serviceWorker.ready.then(() => done(true));",
            vec![],
        )
        .await
        .expect("the service worker");
}

/// Types `KEYSTROKES` amounts into the preview at 4× CPU (a second after it showed),
/// then as many into an input
/// nothing listens to; for each run, every keystroke's work (its input event to the DOM
/// updated and laid out, after the app's microtasks and a task) and its time to the next
/// frame, in ms: `[work, frame, floor work, floor frame]`.
async fn keystrokes(browser: &Browser, base_url: &str) -> [Vec<f64>; 4] {
    let client = &browser.client;
    client
        .goto(&format!("{base_url}/preview"))
        .await
        .expect("open the preview");
    e2e::pages::find(client, "preview-amount").await;
    cpu_slowdown(client, 4).await;
    // A shopper reads the screen and taps the field before the first keystroke: the
    // loop starts a second after the field appeared, not in the same moment.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let typed = client
        .execute_async(
            r#"const [n, done] = arguments;
               // A task without setTimeout's 4 ms clamp.
               const task = () => new Promise((r) => {
                 const c = new MessageChannel();
                 c.port1.onmessage = r;
                 c.port2.postMessage(0);
               });
               const type = async (input) => {
                 const work = [], frame = [];
                 for (let i = 0; i < n; i++) {
                   const start = performance.now();
                   input.value = `${100 + i * 37}.50`;
                   input.dispatchEvent(new Event('input', { bubbles: true }));
                   await task();
                   document.body.offsetHeight;
                   work.push(performance.now() - start);
                   await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                   frame.push(performance.now() - start);
                   // A typist's pace: the idle-time work of one keystroke is not the next's.
                   await new Promise((r) => setTimeout(r, 30));
                 }
                 return [work, frame];
               };
               (async () => {
                 const app = await type(document.querySelector('[data-testid=preview-amount]'));
                 const idle = document.createElement('input');
                 document.body.appendChild(idle);
                 const floor = await type(idle);
                 idle.remove();
                 done([...app, ...floor]);
               })();"#,
            vec![json!(KEYSTROKES)],
        )
        .await
        .expect("the keystrokes");
    // The last amount was quoted (the figures are of real work).
    let payable = e2e::pages::text(client, "quote-payable").await;
    assert!(!payable.is_empty(), "no price after typing");
    let series = |i: usize| -> Vec<f64> {
        typed[i]
            .as_array()
            .expect("times")
            .iter()
            .filter_map(Value::as_f64)
            .collect()
    };
    [series(0), series(1), series(2), series(3)]
}

/// The `p`th percentile (nearest rank).
fn percentile(mut values: Vec<f64>, p: usize) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = (p * values.len()).div_ceil(100).max(1);
    values[rank - 1]
}
