//! The preview keeps what the shopper typed in the tab (sessionStorage), but not from
//! inside the keystrokes: a burst of typing is saved once, after it
//! (`platform::idle::after_changes`, 150 ms after the last change), so no keystroke pays
//! for the save on a slow phone.

use e2e::pages::{eventually, HomePage, PreviewPage};
use e2e::{Browser, Server};
use serde::Deserialize;
use serde_json::json;

/// What the page saw of one burst of typing: when each keystroke came and each save of
/// the draft (page time, ms).
#[derive(Debug, Deserialize)]
struct Burst {
    typed: Vec<f64>,
    saves: Vec<Save>,
}

#[derive(Debug, Deserialize)]
struct Save {
    at: f64,
    amount: String,
}

/// Types `text` into the amount one character every `gap_ms` (input events, as the
/// keyboard sends them), counting the draft's saves until 600 ms after the last one.
const BURST: &str = r#"
const [text, gapMs, done] = arguments;
const input = document.querySelector('[data-testid="preview-amount"]');
const saves = [];
const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (key, value) {
  if (key === 'mc.preview') saves.push({ at: performance.now(), amount: JSON.parse(value).amount });
  return setItem.call(this, key, value);
};
const typed = [];
let i = 0;
const key = () => {
  i += 1;
  input.value = text.slice(0, i);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  typed.push(performance.now());
  if (i < text.length) {
    setTimeout(key, gapMs);
  } else {
    setTimeout(() => { Storage.prototype.setItem = setItem; done({ typed, saves }); }, 600);
  }
};
key();
"#;

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_burst_of_typing_is_saved_once_after_it() {
    let server = Server::start_demo();
    let browser = Browser::start().await;
    let client = &browser.client;
    HomePage(client).open(&server.base_url).await;
    let preview = PreviewPage(client);
    preview.open_from_home().await;

    // A burst only counts when every gap between keystrokes stayed under the settle time:
    // a machine that stalls longer mid-burst rightly gets a save there. Tried again then.
    for text in ["1288", "3456", "7890"] {
        let burst = client
            .execute_async(BURST, vec![json!(format!("{text}.50")), json!(40)])
            .await
            .expect("the burst runs");
        let burst: Burst = serde_json::from_value(burst).expect("the burst's record");
        let widest = burst
            .typed
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(0.0, f64::max);
        if widest >= 120.0 {
            println!("a keystroke came {widest:.0} ms after the one before: tried again");
            continue;
        }
        let last = *burst.typed.last().expect("keystrokes");
        assert_eq!(burst.saves.len(), 1, "one save per burst: {burst:?}");
        let save = &burst.saves[0];
        assert_eq!(save.amount, format!("{text}.50"), "{burst:?}");
        assert!(save.at - last >= 140.0, "saved after the burst: {burst:?}");
        // What was saved is what a reload brings back.
        client.refresh().await.expect("reload");
        let kept = eventually_amount(client).await;
        assert_eq!(kept, format!("{text}.50"));
        return;
    }
    panic!("every burst stalled for longer than the settle time: nothing to conclude");
}

/// The amount field's value once the screen is back.
async fn eventually_amount(client: &fantoccini::Client) -> String {
    eventually("the amount field", || async {
        let input = client
            .find(fantoccini::Locator::Css("[data-testid=preview-amount]"))
            .await
            .ok()?;
        input.prop("value").await.ok()?.filter(|v| !v.is_empty())
    })
    .await
}
