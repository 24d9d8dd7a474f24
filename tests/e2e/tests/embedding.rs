//! The app inside a host (issue 15): framed by a shop's site on another origin, and in a
//! mini-program's web-view (a fake `wx.miniProgram`, as the JS-SDK defines it).

use e2e::cdp::cdp;
use e2e::host_site::HostSite;
use e2e::pages::{eventually, find, requests, text};
use e2e::{Browser, Server};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

/// The value of a script run in the current frame.
async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect(script)
}

/// The messages the host page has received so far, of one type.
async fn messages(client: &Client, kind: &str) -> Vec<Value> {
    let got = js(client, "return window.got").await;
    got.as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["data"]["type"] == format!("member-center:{kind}"))
        .cloned()
        .collect()
}

/// The first coupon the member can use: its id, after waiting for the wallet.
async fn first_usable_coupon(client: &Client) -> String {
    let css = "[data-testid^=\"coupon-use-\"]:not([hidden])";
    let button = eventually("a usable coupon", || async {
        client.find(Locator::Css(css)).await.ok()
    })
    .await;
    button
        .attr("data-coupon")
        .await
        .unwrap()
        .expect("data-coupon")
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_shop_site_frames_the_app_logged_in_and_hears_from_it() {
    let host = HostSite::start();
    let stranger = HostSite::start();
    let server = Server::start_demo_with(&["--frame-ancestors", &host.origin]);
    let app_origin = server.base_url.clone();
    let (link, _) = server.login_link("13800000002", "/coupons?host_bar=1");
    host.set_framing_page(&link);

    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&host.origin).await.expect("open the host page");

    // Logged in by the link, no phone code: the host hears of it from the app's origin.
    let login = eventually("the login message", || async {
        messages(client, "login").await.into_iter().next()
    })
    .await;
    assert_eq!(login["origin"], app_origin.as_str());
    assert_eq!(login["data"]["tier"], "silver");
    // `ready` once the app has started, then the frame's height once its layout has
    // settled: the wallet's, not the boot screen's or the spinner's on the way.
    eventually("the wallet's height", || async {
        let heights = messages(client, "height").await;
        heights
            .iter()
            .any(|m| m["data"]["px"].as_i64().unwrap() > 400)
            .then_some(())
    })
    .await;
    let kinds = js(client, "return window.got.map((m) => m.data.type)").await;
    let kinds: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "member-center:ready", "{kinds:?}");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "member-center:ready")
            .count(),
        1
    );
    let heights: Vec<i64> = messages(client, "height")
        .await
        .iter()
        .map(|m| m["data"]["px"].as_i64().unwrap())
        .collect();
    assert!(heights.iter().all(|px| *px > 400), "{heights:?}");

    client.enter_frame(0).await.expect("into the frame");
    let coupon = first_usable_coupon(client).await;
    let address = js(client, "return location.href").await;
    assert!(!address.as_str().unwrap().contains("login="), "{address}");
    // The host draws its own bar (host_bar=1): the app's is hidden.
    let bar = js(
        client,
        "return getComputedStyle(document.querySelector('.top-bar')).display",
    )
    .await;
    assert_eq!(bar, "none");
    client.enter_parent_frame().await.unwrap();
    let shot = browser.screenshot("embedded-iframe-wallet").await;
    println!("screenshot: {}", shot.display());

    client.enter_frame(0).await.unwrap();
    find(client, &format!("coupon-use-{coupon}"))
        .await
        .click()
        .await
        .expect("use the coupon");
    // The app goes on to its preview, as it does on its own…
    find(client, "preview-amount").await;
    client.enter_parent_frame().await.unwrap();
    // …and the host has heard which coupon, and where the app went.
    let chosen = eventually("the coupon-chosen message", || async {
        messages(client, "coupon-chosen").await.pop()
    })
    .await;
    assert_eq!(chosen["data"]["coupon"], coupon.as_str());
    let moved = messages(client, "navigate").await;
    assert!(
        moved.iter().any(|m| m["data"]["path"] == "/preview"),
        "{moved:?}"
    );

    // The host logs the member out.
    js(
        client,
        &format!(
            "document.getElementById('app').contentWindow.postMessage({{type:'member-center:logout'}}, '{app_origin}'); return 1"
        ),
    )
    .await;
    eventually("the logged-out message", || async {
        messages(client, "logged-out").await.pop()
    })
    .await;
    client.enter_frame(0).await.unwrap();
    find(client, "nav-login").await;
    client.enter_parent_frame().await.unwrap();

    // A site not in --frame-ancestors cannot frame the app: the browser shows its own
    // error page in the frame, and nothing is said to that site.
    stranger.set_framing_page(&format!("{app_origin}/"));
    client.goto(&stranger.origin).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(js(client, "return window.got.length").await, 0);
    client.enter_frame(0).await.unwrap();
    let blocked = js(client, "return location.href").await;
    assert!(
        !blocked.as_str().unwrap().starts_with(&app_origin),
        "{blocked}"
    );
    client.enter_parent_frame().await.unwrap();

    // On its own, the app does not even load the bridge.
    client.goto(&app_origin).await.unwrap();
    find(client, "nav-login").await;
    let bridges: Vec<_> = requests(client)
        .await
        .into_iter()
        .filter(|(url, _)| url.path().ends_with("/host.js"))
        .collect();
    assert_eq!(bridges, []);
    browser.close().await;
}

/// What the JS-SDK would define in a mini-program's web-view, recording every call.
const FAKE_WX: &str = "window.__wxjs_environment = 'miniprogram'; window.wxCalls = [];\
    window.wx = { miniProgram: {\
      navigateTo: (o) => wxCalls.push({ navigateTo: o.url }),\
      postMessage: (o) => wxCalls.push({ postMessage: o.data }) } };";

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn in_a_mini_program_coupons_and_shopping_open_the_host_pages() {
    let server = Server::start_demo_with(&[
        "--miniprogram-coupon-page",
        "/pages/checkout/index",
        "--miniprogram-shop-page",
        "/pages/shop/index",
    ]);
    let browser = Browser::start().await;
    let client = &browser.client;
    cdp(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": FAKE_WX }),
    )
    .await;
    client
        .goto(&server.login_link("13800000003", "/coupons").0)
        .await
        .expect("open the login link");
    let coupon = first_usable_coupon(client).await;
    // Here "use" opens the host's checkout, and says so.
    assert_eq!(
        text(client, &format!("coupon-use-{coupon}")).await,
        "去使用"
    );
    let calls = || async { js(client, "return window.wxCalls").await };
    // The login reached the mini-program (it reads it on back, share or destroy).
    let login = eventually("the login message", || async {
        let calls = calls().await;
        let posted = calls
            .as_array()?
            .iter()
            .find(|c| c["postMessage"]["type"] == "member-center:login")?;
        Some(posted.clone())
    })
    .await;
    assert_eq!(login["postMessage"]["tier"], "gold");
    // The web-view's navigation bar is the host's: the app's is hidden.
    let bar = js(
        client,
        "return getComputedStyle(document.querySelector('.top-bar')).display",
    )
    .await;
    assert_eq!(bar, "none");
    let shot = browser.screenshot("embedded-miniprogram-wallet").await;
    println!("screenshot: {}", shot.display());

    find(client, &format!("coupon-use-{coupon}"))
        .await
        .click()
        .await
        .expect("use the coupon");
    let navigated = |url: String| async move {
        let calls = js(client, "return window.wxCalls").await;
        calls
            .as_array()?
            .iter()
            .any(|c| c["navigateTo"] == url.as_str())
            .then_some(())
    };
    eventually("navigateTo the checkout", || {
        navigated(format!("/pages/checkout/index?coupon={coupon}"))
    })
    .await;
    // The host's checkout took over: the app stayed on the wallet.
    let path = client.current_url().await.unwrap();
    assert_eq!(path.path(), "/coupons");
    let posted = calls().await;
    assert!(
        posted.as_array().unwrap().iter().any(|c| {
            c["postMessage"]["type"] == "member-center:coupon-chosen"
                && c["postMessage"]["coupon"] == coupon.as_str()
        }),
        "{posted}"
    );

    find(client, "go-shopping").await.click().await.unwrap();
    eventually("navigateTo the shop", || {
        navigated("/pages/shop/index".to_owned())
    })
    .await;
    browser.close().await;
}
