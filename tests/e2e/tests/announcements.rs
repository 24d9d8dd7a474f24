//! What is announced once on home: a new tier (after an order lifts the regular demo
//! member to silver, a sheet with the tier, what it unlocks and the next tier's line) and
//! the coupons that arrived (a new member's pack, with a count on the wallet's icon);
//! once seen, neither comes back.

use e2e::pages::{attr, click, eventually, find, now, set_language, shown, text};
use e2e::{demo_member, Browser, Server};

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_new_tier_is_celebrated_once_on_home() {
    let phone = "13800000001";
    let (server, browser, token): (Server, Browser, String) = demo_member(phone).await;
    let client = &browser.client;
    // The sheet is decided with the member's data: absent when the card is there.
    find(client, "member-card").await;
    assert!(now(client, "celebration").await.is_none(), "nothing yet");

    // ¥500 more lifts the regular demo member to silver.
    server.place_order(
        &token,
        serde_json::json!({
            "order_id": "SO-UP", "phone": phone,
            "lines": [{ "sku": "SKU-1", "category": "apparel", "unit_price_fen": 50_000, "qty": 1 }],
            "shipping_fen": 0, "coupon": "none", "points": 0
        }),
    );
    let me = server.get_json_as("/api/me", &token);
    assert_eq!(me["celebrate"], "silver", "{me}");
    client.refresh().await.expect("reload home");
    find(client, "celebration").await;
    eventually("the sheet, shown", || async {
        shown(client, "celebration").await.then_some(())
    })
    .await;
    assert_eq!(
        attr(client, "celebration", "data-tier").await.as_deref(),
        Some("silver")
    );
    let next = text(client, "celebration-next").await;
    assert!(next.contains("金卡会员"), "{next}");
    let shot = browser.screenshot("celebration").await;
    println!("screenshot: {}", shot.display());
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");

    click(client, "celebration-ok").await;
    eventually("the sheet, closed", || async {
        (!shown(client, "celebration").await).then_some(())
    })
    .await;
    eventually("the server, told", || async {
        server.get_json_as("/api/me", &token)["celebrate"]
            .is_null()
            .then_some(())
    })
    .await;
    client.refresh().await.expect("reload home");
    // The sheet is decided with the member's data: absent when the card is there.
    find(client, "member-card").await;
    assert!(now(client, "celebration").await.is_none(), "once only");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_new_members_coupons_are_announced_until_the_wallet_is_opened() {
    let (server, browser, token): (Server, Browser, String) = demo_member("13800000078").await;
    let client = &browser.client;
    let me = server.get_json_as("/api/me", &token);
    let count = me["arrived"]["titles"].as_array().expect("a pack").len();
    assert!(count >= 2, "{me}");
    find(client, "gifts").await;
    eventually("the card, shown", || async {
        shown(client, "gifts").await.then_some(())
    })
    .await;
    assert_eq!(text(client, "wallet-badge").await, count.to_string());
    let shot = browser.screenshot("gifts").await;
    println!("screenshot: {}", shot.display());
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");

    click(client, "gifts-open").await;
    find(client, "wallet-list").await;
    client.back().await.expect("back home");
    find(client, "member-card").await;
    assert!(!shown(client, "gifts").await, "seen in the wallet");
    assert!(!shown(client, "wallet-badge").await);
    eventually("the server, told", || async {
        server.get_json_as("/api/me", &token)["arrived"]
            .is_null()
            .then_some(())
    })
    .await;
    client.refresh().await.expect("reload home");
    find(client, "member-card").await;
    assert!(now(client, "gifts").await.is_none(), "once only");
    browser.close().await;
}

/// Chinese characters or punctuation in English text.
fn cjk_in(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| matches!(*c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF))
        .collect()
}

/// The same two moments on the smallest phone, in English: the gift card first, then
/// (after an order lifts the new member to silver) the celebration, both in English only
/// and clean for axe.
#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn the_moments_in_english_at_320_px() {
    let phone = "13800000079";
    let server = Server::start_demo();
    let browser = Browser::start_at((320, 568)).await;
    let client = &browser.client;
    let token = e2e::pages::LoginPage(client)
        .log_in(&server.base_url, phone)
        .await;
    set_language(client, "en").await;
    find(client, "gifts").await;
    eventually("the card, shown", || async {
        shown(client, "gifts").await.then_some(())
    })
    .await;
    let card = text(client, "gifts").await;
    assert!(cjk_in(&card).is_empty(), "{card}");
    let shot = browser.screenshot("gifts-320-en").await;
    println!("screenshot: {}", shot.display());
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");
    click(client, "gifts-dismiss").await;

    server.place_order(
        &token,
        serde_json::json!({
            "order_id": "SO-UP-EN", "phone": phone,
            "lines": [{ "sku": "SKU-1", "category": "apparel", "unit_price_fen": 80_000, "qty": 1 }],
            "shipping_fen": 0, "coupon": "none", "points": 0
        }),
    );
    client.refresh().await.expect("reload home");
    eventually("the sheet, shown", || async {
        shown(client, "celebration").await.then_some(())
    })
    .await;
    let sheet = text(client, "celebration").await;
    assert!(cjk_in(&sheet).is_empty(), "{sheet}");
    assert!(sheet.contains("Silver"), "{sheet}");
    let shot = browser.screenshot("celebration-320-en").await;
    println!("screenshot: {}", shot.display());
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await;
}
