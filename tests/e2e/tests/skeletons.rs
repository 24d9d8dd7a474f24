//! A screen that waits for data shows the shape of what comes: with every answer held up
//! (a slow network), each screen's list is grey rows or tiles, never its "nothing here"
//! line or a count before its list; once the answer comes, the skeleton gives way.

use e2e::cdp::network_latency;
use e2e::pages::{eventually, find, now, shown};
use e2e::{demo_member, Browser, Server};
use serde_json::json;

/// Goes to `path` inside the running app (as a link does: no reload), so only the
/// screen's own requests meet the slow network.
async fn go(client: &fantoccini::Client, path: &str) {
    let script = "history.pushState(null, '', arguments[0]); \
                  window.dispatchEvent(new PopStateEvent('popstate', { state: null }));";
    client
        .execute(script, vec![json!(path)])
        .await
        .expect("navigate");
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn every_screen_that_waits_shows_a_skeleton() {
    let (_server, browser, _token): (Server, Browser, String) = demo_member("13800000003").await;
    let client = &browser.client;
    find(client, "member-card").await;
    // (path, what must not show while waiting, what shows once the data came)
    let screens = [
        ("/coupons", "wallet-empty", "wallet-list"),
        ("/mall", "mall-empty", "mall-list"),
        ("/points", "points-empty", "points-history"),
        ("/orders", "orders-empty", "orders-list"),
        ("/events", "events-none", "events-day-list"),
        ("/invite", "invite-error", "invite-code"),
    ];
    for (path, empty, loaded) in screens {
        network_latency(client, 4_000).await;
        go(client, path).await;
        eventually(&format!("{path}: a skeleton"), || async {
            shown(client, "skeleton").await.then_some(())
        })
        .await;
        assert!(!shown(client, empty).await, "{path}: {empty} while waiting");
        if path == "/coupons" {
            // No count before its list.
            let counts = client
                .execute(
                    "return [...document.querySelectorAll('[data-testid^=wallet-tab-] .tab__count')]\
                     .filter(e => e.offsetParent !== null).length;",
                    vec![],
                )
                .await
                .expect("the tabs' counts");
            assert_eq!(counts, json!(0), "the wallet's counts while waiting");
        }
        let shot = browser
            .screenshot(&format!("skeleton-{}", path.trim_start_matches('/')))
            .await;
        println!("screenshot: {}", shot.display());
        network_latency(client, 0).await;
        eventually(&format!("{path}: its data"), || async {
            (shown(client, loaded).await && now(client, "skeleton").await.is_none()).then_some(())
        })
        .await;
    }
    browser.close().await;
}
