//! The store counter (issue 14) as staff use it: the demo slider through every tier at
//! tablet size, the join QR code counting a shopper who registers through it, a member
//! lookup and a coupon grant at phone size, and a member kept out.

use e2e::pages::{
    attr, click, count, eventually, find, int_attr, requests_for, shown, text, toast, LoginPage,
};
use e2e::{Browser, Server};
use rules::{Program, TierId};
use serde_json::{json, Value};

const STAFF: &str = "13700000001";
const SHOPPER: &str = "13600000001";

/// Sets the demo slider to `fen` as a drag would (an `input` event).
async fn slide_to(client: &fantoccini::Client, fen: i64) {
    client
        .execute(
            "const s = document.querySelector('[data-testid=demo-slider]');
             s.value = String(arguments[0]);
             s.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![json!(fen)],
        )
        .await
        .expect("move the slider");
}

/// The own perks (not the inherited ones) the demo shows.
async fn demo_perks(client: &fantoccini::Client) -> Vec<String> {
    let got: Value = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=staff-demo] .perk:not(.perk--inherited) span')].map((e) => e.textContent);",
            vec![],
        )
        .await
        .expect("read the perks");
    serde_json::from_value(got).expect("strings")
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn staff_demo_the_tiers_sign_a_shopper_up_and_help_a_member() {
    let server = Server::start_demo();
    server.cli(&["store", "create", "--code", "SH001", "--name", "上海静安店"]);
    server.cli(&[
        "user", "create", "--role", "staff", "--phone", STAFF, "--store", "SH001",
    ]);
    let program: Program =
        serde_json::from_value(server.get_json("/api/program")).expect("program");

    // At the till: a tablet in landscape.
    let tablet = Browser::start_at((1024, 768)).await;
    let client = &tablet.client;
    LoginPage(client).log_in(&server.base_url, STAFF).await;
    // Staff find the counter on home, and on their profile.
    click(client, "home-staff").await;
    find(client, "demo-slider").await;
    client.back().await.expect("back home");
    click(client, "nav-profile").await;
    click(client, "nav-staff").await;
    find(client, "demo-slider").await;
    let tier_at = |fen: i64| program.tiers.for_spend(rules::Fen(fen)).id.clone();
    let mut seen = vec![];
    for fen in [
        0, 49_900, 50_000, 199_900, 200_000, 499_900, 500_000, 600_000,
    ] {
        slide_to(client, fen).await;
        let shown_tier = eventually("the tier badge", || async {
            let spend = attr(client, "demo-spend", "data-value").await?;
            (spend == fen.to_string()).then_some(())?;
            attr(client, "demo-tier", "data-tier").await
        })
        .await;
        assert_eq!(TierId(shown_tier.clone()), tier_at(fen), "at {fen} fen");
        let tier = program.tiers.by_id(&tier_at(fen)).unwrap();
        let perks: Vec<String> = tier.perks.iter().map(|p| p.zh.clone()).collect();
        assert_eq!(demo_perks(client).await, perks, "perks at {fen} fen");
        if seen.last() != Some(&shown_tier) {
            seen.push(shown_tier);
        }
    }
    // ¥500, ¥2,000 and ¥5,000 each changed the badge.
    assert_eq!(seen, ["regular", "silver", "gold", "diamond"]);
    let earns = int_attr(client, "demo-earns", "data-value").await;
    assert!(
        earns >= 6_000,
        "an order of ¥6,000 earns at least its base points: {earns}"
    );
    let shot = tablet.screenshot("staff-counter").await;
    println!("screenshot: {}", shot.display());

    // The join QR code: a shopper registers through its link on their own phone.
    find(client, "join-qr").await;
    let link = text(client, "join-link").await;
    assert_eq!(link, format!("{}/join?store=SH001", server.base_url));
    assert_eq!(int_attr(client, "joined-today", "data-value").await, 0);
    let phone = Browser::start().await;
    let shopper = &phone.client;
    shopper.goto(&link).await.expect("open the join link");
    find(shopper, "login-phone").await;
    // The login names the store that brought them.
    let store = text(shopper, "join-store-name").await;
    assert!(store.contains("上海静安店"), "{store}");
    assert!(shopper
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/login"));
    let login = LoginPage(shopper);
    let code = login.request_code(SHOPPER).await;
    login.fill_code_and_consent(&code).await;
    login.submit().await;
    find(shopper, "nav-points").await;
    click(client, "join-refresh").await;
    eventually("the join counted", || async {
        (int_attr(client, "joined-today", "data-value").await == 1).then_some(())
    })
    .await;
    // And listed: when, and the phone masked.
    let joins = text(client, "recent-joins").await;
    assert!(joins.contains("136****0001"), "{joins}");

    // A member is kept out of the counter, and told why.
    shopper
        .goto(&format!("{}/staff", server.base_url))
        .await
        .expect("open the counter as a member");
    find(shopper, "staff-forbidden").await;
    phone.close().await;
    tablet.close().await;

    // At phone size: look the new member up and give them a coupon.
    let small = Browser::start().await;
    let client = &small.client;
    LoginPage(client).log_in(&server.base_url, STAFF).await;
    client
        .goto(&format!("{}/staff", server.base_url))
        .await
        .expect("open the counter");
    find(client, "lookup-phone")
        .await
        .send_keys(SHOPPER)
        .await
        .expect("type");
    click(client, "lookup-submit").await;
    eventually("the member found", || async {
        let error = attr(client, "lookup-error", "data-code")
            .await
            .unwrap_or_default();
        assert!(error.is_empty(), "the lookup failed: {error}");
        shown(client, "member-found").await.then_some(())
    })
    .await;
    assert_eq!(text(client, "member-phone").await, "136****0001");
    assert_eq!(
        attr(client, "member-tier", "data-tier").await.unwrap(),
        "regular"
    );
    let coupons_before = count(client, "member-coupon").await;
    find(client, "grant-reason")
        .await
        .send_keys("演示补偿")
        .await
        .expect("type");
    click(client, "grant-submit").await;
    assert_eq!(toast(client).await, "优惠券已发放");
    // The coupon given shows from the grant's answer: no second lookup (each is audited
    // and counted against the hourly limit).
    eventually("the new coupon", || async {
        (count(client, "member-coupon").await == coupons_before + 1).then_some(())
    })
    .await;
    assert_eq!(requests_for(client, "/api/staff/lookup").await, 1);
    let shot = small.screenshot("staff-counter-help").await;
    println!("screenshot: {}", shot.display());
    client
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .expect("scroll");
    let shot = small.screenshot("staff-counter").await;
    println!("screenshot: {}", shot.display());
    small.close().await;
}
