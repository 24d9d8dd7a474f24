//! The split loader (`xtask/src/lazy_loader.rs`): home does without it, the glue imports
//! it when the wasm first asks for a screen's module, and an import that failed fails
//! that screen's load (its notice), while a later one imports it again.

use e2e::cdp::cdp;
use e2e::pages::{eventually, find, requests_for, HomePage};
use e2e::{Browser, Server};
use fantoccini::{Client, Locator};
use serde_json::json;

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn the_split_loader_is_imported_when_a_screen_needs_it_and_again_after_a_failure() {
    let server = Server::start_demo();
    let browser = Browser::start().await;
    let client = &browser.client;

    // Home alone, even once the page is idle (the cold half asked for), goes without.
    let home = HomePage(client);
    home.open(&server.base_url).await;
    eventually("the cold half's request", || async {
        (requests_for(client, "_cold-").await > 0).then_some(())
    })
    .await;
    assert_eq!(requests_for(client, "__wasm_split-").await, 0);
    // The first screen opened brings it.
    open_preview(client).await;
    find(client, "preview-amount").await;
    assert_eq!(requests_for(client, "__wasm_split-").await, 1);
    browser.close().await;

    // A network that cannot fetch it: the screen says it could not load.
    let browser = Browser::start().await;
    let client = &browser.client;
    // A page never idle: no service worker, which would serve the loader from its cache.
    cdp(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "self.requestIdleCallback = () => 0;" }),
    )
    .await;
    cdp(client, "Network.enable", json!({})).await;
    block_loader(client, true).await;
    let home = HomePage(client);
    home.open(&server.base_url).await;
    open_preview(client).await;
    eventually("the screen's load error", || async {
        client
            .find(Locator::Css("[data-error-code=screen_load_failed]"))
            .await
            .ok()
    })
    .await;

    // The network is back: the next screen opened imports the loader anew, and shows.
    block_loader(client, false).await;
    client.back().await.expect("back home");
    find(client, "member-card").await;
    open_preview(client).await;
    find(client, "preview-amount").await;
    browser.close().await;
}

async fn block_loader(client: &Client, blocked: bool) {
    let urls = if blocked {
        json!(["*__wasm_split-*"])
    } else {
        json!([])
    };
    cdp(client, "Network.setBlockedURLs", json!({ "urls": urls })).await;
}

async fn open_preview(client: &Client) {
    find(client, "nav-preview")
        .await
        .click()
        .await
        .expect("go to preview");
}
