//! The harness's own promises, in a real Chromium: a helper that reads an element the page
//! has just removed says "not shown" (it said "shown", and the login test then waited
//! 30 s for an element gone with its screen: issue 44), and a test leaves no browser
//! process behind.

use e2e::pages::{now, shown, shown_attr, shown_text, visible};
use e2e::{processes_in_group, Browser};

const PAGE: &str = "data:text/html,<p data-testid=note data-code=kept>hello</p>\
    <p data-testid=hidden-note hidden>hidden</p>";

#[tokio::test]
#[ignore = "needs Chromium: run by `cargo xtask test`"]
async fn an_element_removed_after_it_was_found_is_not_shown() {
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(PAGE).await.expect("open the page");
    assert!(shown(client, "note").await);
    assert_eq!(
        shown_attr(client, "note", "data-code").await.as_deref(),
        Some("kept")
    );
    assert_eq!(shown_text(client, "note").await.as_deref(), Some("hello"));
    assert!(!shown(client, "hidden-note").await);
    assert_eq!(shown_text(client, "hidden-note").await, None);

    // Found, then removed by the page (a screen unmounted between two commands).
    let found = now(client, "note").await.expect("the element");
    client
        .execute(
            "document.querySelector('[data-testid=note]').remove();",
            vec![],
        )
        .await
        .expect("remove it");
    assert!(!visible(&found).await, "a stale element is not shown");
    assert!(!shown(client, "note").await);
    assert_eq!(shown_attr(client, "note", "data-code").await, None);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs Chromium: run by `cargo xtask test`"]
async fn a_browser_ends_with_every_process_it_started() {
    let browser = Browser::start().await;
    browser.client.goto(PAGE).await.expect("open the page");
    let group = browser.process_group();
    assert!(
        processes_in_group(group).len() > 1,
        "chromedriver and Chromium run in the group"
    );
    drop(browser);
    assert_eq!(processes_in_group(group), Vec::<i32>::new());
}
