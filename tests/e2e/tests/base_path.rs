//! The whole app under `serve --base-path /member` (issue 15, item 2): a host mounts the
//! member center inside its own site. Home, a screen fetched on demand, a login, a deep
//! link reloaded, an invite link and the service worker all stay under the prefix; the
//! root of the site is not the app's.

use e2e::pages::{click, eventually, find, requests, text, HomePage, LoginPage};
use e2e::{Browser, Server};

/// Every URL the page has requested since it loaded, and its own, is under `site/`.
async fn assert_all_inside(client: &fantoccini::Client, site: &str) {
    let mut urls: Vec<String> = requests(client)
        .await
        .into_iter()
        .map(|(url, _)| url.to_string())
        .collect();
    urls.push(
        client
            .current_url()
            .await
            .expect("the page's URL")
            .to_string(),
    );
    assert!(urls.len() > 3, "{urls:?}");
    let outside: Vec<&String> = urls
        .iter()
        .filter(|url| !url.starts_with(&format!("{site}/")))
        .collect();
    assert!(outside.is_empty(), "requested outside {site}/: {outside:?}");
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn the_whole_app_works_under_a_base_path() {
    let server = Server::start_demo_with(&["--base-path", "/member"]);
    let site = server.site_url();
    assert!(site.ends_with("/member"), "{site}");
    // The site's root is not the app's.
    let root = ureq::get(&format!("{}/", server.base_url)).call();
    assert!(
        matches!(root, Err(ureq::Error::StatusCode(404))),
        "{root:?}"
    );

    let browser = Browser::start().await;
    let client = &browser.client;
    HomePage(client).open(&site).await;

    // A screen fetched on demand, by the home's link.
    click(client, "nav-events").await;
    find(client, "events-month").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/member/events");
    assert_all_inside(client, &site).await;

    // Log in (the session cookie is the prefix's only), then a deep link, reloaded.
    LoginPage(client).log_in(&site, "13800000002").await;
    let cookie = client.get_named_cookie("mc_session").await.expect("cookie");
    assert_eq!(cookie.path(), Some("/member/"));
    client.goto(&format!("{site}/points")).await.unwrap();
    find(client, "points-page-balance").await;
    client.refresh().await.unwrap();
    find(client, "points-page-balance").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/member/points");
    let shot = browser.screenshot("base-path-points").await;
    println!("screenshot: {}", shot.display());

    // The links the app hands out carry the prefix.
    client.goto(&format!("{site}/invite")).await.unwrap();
    find(client, "invite-link").await;
    let link = text(client, "invite-link").await;
    assert!(link.starts_with(&format!("{site}/?invite=")), "{link}");

    // The service worker lives under the prefix and caches from there.
    let scope = client
        .execute_async(
            "const done = arguments[0]; navigator.serviceWorker.ready.then(r => done(r.scope))",
            vec![],
        )
        .await
        .expect("the service worker's scope");
    assert_eq!(scope.as_str(), Some(format!("{site}/").as_str()));
    // The manifest, linked once the page was idle (with the worker), under the prefix too.
    let manifest = client
        .execute(
            "const l = document.querySelector('link[rel=manifest]'); return l && l.href;",
            vec![],
        )
        .await
        .expect("the manifest's link");
    assert_eq!(
        manifest.as_str(),
        Some(format!("{site}/manifest.webmanifest").as_str())
    );

    assert_all_inside(client, &site).await;

    // Logging out under the prefix ends the session.
    client.goto(&format!("{site}/profile")).await.unwrap();
    click(client, "logout").await;
    click(client, "logout-confirm").await;
    eventually("the logged-out home", || async {
        e2e::pages::shown(client, "nav-login").await.then_some(())
    })
    .await;
    browser.close().await;
}
