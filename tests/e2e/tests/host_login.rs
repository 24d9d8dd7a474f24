//! A host app's login handoff (issue 15, item 1) in the browser: the shop mints a login
//! link for a member it knows, the web-view opens it, and the member is in, on the page
//! the host asked for, with the code gone from the address; the same link again logs
//! nobody in.

use e2e::pages::{eventually, find, shown};
use e2e::{Browser, Server};

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_login_link_logs_the_member_in_once_and_leaves_no_code_in_the_address() {
    let server = Server::start_demo();
    let (url, code) = server.login_link("13800000002", "/points");

    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the login link");
    // The member's points screen, where the host sent them: logged in, no phone code.
    find(client, "points-page-balance").await;
    let address = client.current_url().await.unwrap();
    assert_eq!(address.path(), "/points");
    assert!(!address.as_str().contains(&code), "{address}");
    assert!(!address.as_str().contains("login="), "{address}");
    let shot = browser.screenshot("host-login").await;
    println!("screenshot: {}", shot.display());
    browser.close().await;

    // The same link in another browser: used up, so the app starts logged out.
    let again = Browser::start().await;
    let client = &again.client;
    client.goto(&url).await.expect("open the link again");
    eventually("the logged-out home", || async {
        shown(client, "nav-login").await.then_some(())
    })
    .await;
    assert!(!client
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("login="));
    again.close().await;
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_new_member_without_the_hosts_consent_is_asked_for_it_then_logged_in() {
    let server = Server::start_demo();
    // A phone the center has never seen, and no consent_version from the host.
    let (url, _) = server.login_link("13900000077", "/points");

    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the login link");
    // Only the consent is asked: no phone, no code.
    find(client, "link-consent").await;
    assert!(!shown(client, "login-phone").await);
    let address = client.current_url().await.unwrap();
    assert_eq!(address.path(), "/login");
    assert!(!address.as_str().contains("login="), "{address}");
    // Without the box ticked, it says what is missing.
    find(client, "link-continue").await.click().await.unwrap();
    eventually("the consent error", || async {
        shown(client, "login-error").await.then_some(())
    })
    .await;
    let shot = browser.screenshot("host-login-consent").await;
    println!("screenshot: {}", shot.display());
    find(client, "login-consent").await.click().await.unwrap();
    find(client, "link-continue").await.click().await.unwrap();
    // Registered, logged in, on the page the host asked for.
    find(client, "points-page-balance").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/points");
    browser.close().await;
}
