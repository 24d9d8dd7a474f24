//! The main module split by use (`xtask/src/cold.rs`): the first screen runs on its hot
//! half alone, the cold half comes once the page is idle, and a cold function called
//! before that still works (its placeholder loads the half synchronously).

use e2e::cdp::cdp;
use e2e::pages::{eventually, requests_for, HomePage, LoginPage};
use e2e::{Browser, Server};
use fantoccini::Client;
use serde_json::json;

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn the_first_screen_runs_on_the_hot_half() {
    let server = Server::start_demo();

    let browser = Browser::start().await;
    let client = &browser.client;
    let home = HomePage(client);
    home.open(&server.base_url).await;
    the_cold_half_came_after_the_first_screen(client, "logged out").await;
    // An interaction after that runs cold code from the half already there.
    home.choose_persona("demo-silver").await;
    home.wait_prompt("距金卡会员还差¥123.45，升级即享顺丰包邮")
        .await;
    assert_eq!(synchronous_loads(client).await, 0);
    browser.close().await;

    let browser = Browser::start().await;
    let client = &browser.client;
    LoginPage(client)
        .log_in(&server.base_url, "13800000001")
        .await;
    HomePage(client).open(&server.base_url).await;
    the_cold_half_came_after_the_first_screen(client, "logged in").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_cold_function_called_before_the_half_came_loads_it_on_the_spot() {
    let server = Server::start_demo();
    let browser = Browser::start().await;
    let client = &browser.client;
    // A page never idle: the cold half is not fetched on its own.
    cdp(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "self.requestIdleCallback = () => 0;" }),
    )
    .await;
    let home = HomePage(client);
    home.open(&server.base_url).await;
    assert_eq!(
        cold_half_requests(client).await,
        0,
        "fetched though never idle"
    );
    // The persona switcher's handler never ran on the first screen: it is cold.
    home.choose_persona("demo-silver").await;
    home.wait_prompt("距金卡会员还差¥123.45，升级即享顺丰包邮")
        .await;
    assert_eq!(synchronous_loads(client).await, 1);
    assert_eq!(cold_half_requests(client).await, 1);
    // Then the next persona runs on the half now there, with no second load.
    home.choose_persona("demo-gold").await;
    eventually("the gold member", || async {
        (home.tier_name().await.trim() == "金卡会员").then_some(())
    })
    .await;
    assert_eq!(synchronous_loads(client).await, 1);
    browser.close().await;
}

/// Waits for the cold half's fetch to finish, then checks that it started after the
/// main module had arrived and that no placeholder had to load it.
async fn the_cold_half_came_after_the_first_screen(client: &Client, which: &str) {
    let [main_end, cold_start] = eventually(&format!("the cold half ({which})"), || async {
        let times = client
            .execute(
                "const wasm = performance.getEntriesByType('resource')
                   .filter(e => e.name.endsWith('.wasm') && e.responseEnd > 0);
                 const main = wasm.find(e => e.name.endsWith('_bg.wasm'));
                 const cold = wasm.find(e => e.name.includes('_cold-'));
                 return main && cold ? [main.responseEnd, cold.startTime] : null;",
                vec![],
            )
            .await
            .ok()?;
        serde_json::from_value::<[f64; 2]>(times).ok()
    })
    .await;
    assert!(
        cold_start > main_end,
        "{which}: the cold half was asked for at {cold_start} ms, before the main module \
         arrived at {main_end} ms"
    );
    assert_eq!(synchronous_loads(client).await, 0, "{which}");
    assert_eq!(cold_half_requests(client).await, 1, "{which}");
}

/// How many times a placeholder loaded the cold half synchronously (`web/cold-half.js`).
async fn synchronous_loads(client: &Client) -> u64 {
    client
        .execute("return self.mcColdSyncLoads || 0;", vec![])
        .await
        .expect("the page's counter")
        .as_u64()
        .expect("a count")
}

async fn cold_half_requests(client: &Client) -> usize {
    requests_for(client, "_cold-").await
}
