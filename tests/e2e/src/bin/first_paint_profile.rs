//! `cargo xtask build`: which of the main module's functions the first screen runs.
//! Opens the app xtask built with its main module instrumented (`E2E_DIST`) on the demo
//! server, in the ways a shopper first sees it, and writes the indexes of the functions
//! that ran in any of them to `PROFILE_OUT` (a JSON array). xtask turns that into the
//! list of cold functions the build splits out (`xtask/src/profile.rs`).
//!
//! The first screen: the home logged out (the demo personas) and logged in, each to its
//! first paint and the moment after it (the page idle, when the cold half is fetched).

use std::collections::BTreeSet;
use std::time::Duration;

use e2e::pages::{find, HomePage, LoginPage};
use e2e::{Browser, Server};

/// After the home's progress bar: what runs until the page is idle (the cold half's
/// fetch starts then) belongs to the first screen too.
const SETTLE: Duration = Duration::from_secs(3);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::var("PROFILE_OUT").expect("PROFILE_OUT: where to write the profile");
    let server = Server::start_demo();
    let mut ran = BTreeSet::new();

    let browser = Browser::start().await;
    HomePage(&browser.client).open(&server.base_url).await;
    ran.extend(functions_run(&browser).await);
    browser.close().await;

    let browser = Browser::start().await;
    LoginPage(&browser.client)
        .log_in(&server.base_url, "13800000001")
        .await;
    // A fresh start of the app, logged in (the login screen's run is not the home's).
    HomePage(&browser.client).open(&server.base_url).await;
    ran.extend(functions_run(&browser).await);
    browser.close().await;

    let ran: Vec<u64> = ran.into_iter().collect();
    std::fs::write(&out, serde_json::to_string(&ran).expect("JSON")).expect("write the profile");
    println!("profile: {} functions ran; written to {out}", ran.len());
}

/// Waits for the home's progress bar and the moment after it, then reads the record.
async fn functions_run(browser: &Browser) -> Vec<u64> {
    let client = &browser.client;
    find(client, "member-card").await;
    client
        .wait()
        .for_element(fantoccini::Locator::Css("[role=progressbar]"))
        .await
        .expect("the home's progress bar");
    tokio::time::sleep(SETTLE).await;
    let ran = client
        .execute("return self.mcProfile();", vec![])
        .await
        .expect("the instrumented build's mcProfile()");
    ran.as_array()
        .expect("an array")
        .iter()
        .map(|i| i.as_u64().expect("an index"))
        .collect()
}
