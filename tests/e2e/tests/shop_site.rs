//! The app on a server as a shop runs it: `serve` without `--demo`. Logged out, home has
//! no demo personas to offer: it leads to the login, the tiers compared and the events,
//! and nothing asks for the personas (a 404 there).

use e2e::pages::{click, eventually, find, requests, shown, LoginPage};
use e2e::{Browser, Server};

/// The paths under /api the page has requested since it loaded.
async fn api_requests(client: &fantoccini::Client) -> Vec<String> {
    requests(client)
        .await
        .into_iter()
        .map(|(url, _)| url.path().to_owned())
        .filter(|path| path.starts_with("/api/"))
        .collect()
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_shops_logged_out_home_has_no_demo_personas() {
    // Codes shown on screen, as on a staging site, so the test can log in.
    let server = Server::start_with(&["--dev-codes"]);
    let site = server.site_url();
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&format!("{site}/")).await.unwrap();
    find(client, "nav-login").await;
    for testid in ["nav-benefits", "nav-events"] {
        assert!(shown(client, testid).await, "{testid}");
    }
    assert!(!shown(client, "persona-switcher").await);
    assert!(!shown(client, "member-card").await);
    let text = client
        .find(fantoccini::Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !text.contains("演示") && !text.contains("Demo"),
        "a demo word on a shop's home: {text}"
    );
    let shot = browser.screenshot("shop-home-logged-out").await;
    println!("screenshot: {}", shot.display());
    let requested = api_requests(client).await;
    assert!(
        requested.contains(&"/api/program/home".to_owned()),
        "{requested:?}"
    );
    assert!(
        !requested.iter().any(|p| p.starts_with("/api/demo")),
        "{requested:?}"
    );

    // The tiers compared, logged out.
    click(client, "nav-benefits").await;
    find(client, "benefits-table").await;
    client.back().await.unwrap();
    find(client, "nav-login").await;

    // A new member logs in (and joins); home is theirs, and still no personas.
    LoginPage(client).log_in(&site, "13900000007").await;
    eventually("the member's card", || async {
        shown(client, "member-card").await.then_some(())
    })
    .await;
    assert!(!shown(client, "persona-switcher").await);
    let requested = api_requests(client).await;
    assert!(
        !requested.iter().any(|p| p.starts_with("/api/demo")),
        "{requested:?}"
    );
}
