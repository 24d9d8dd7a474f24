//! A shop's server (no `--demo`, no codes on screen) with the webhook SMS sender: the
//! shopper asks for a code, the operator's bridge receives it signed, and the shopper
//! types it in and is home. On the profile, a nickname and the points-expiry texts are
//! chosen; the database's file then holds neither the phone nor the nickname.

use e2e::pages::{attr, click, eventually, find, now, shown, LoginPage};
use e2e::sms_receiver::SmsReceiver;
use e2e::{Browser, Server};

const SECRET: &str = "an-e2e-webhook-secret-of-32-chars!";

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_shopper_logs_in_with_the_code_the_sms_bridge_received() {
    let receiver = SmsReceiver::start(SECRET);
    let server = Server::start_with(&[
        "--sms-sender",
        "webhook",
        "--sms-webhook-url",
        &receiver.url,
        "--sms-webhook-secret",
        SECRET,
    ]);
    let browser = Browser::start().await;
    let client = &browser.client;
    let login = LoginPage(client);
    login.open(&server.site_url()).await;
    find(client, "login-phone")
        .await
        .send_keys("13912340000")
        .await
        .expect("type the phone");
    click(client, "get-code").await;
    let message = eventually("the code at the SMS bridge", || async {
        receiver.messages.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(message["phone"], "+8613912340000");
    assert_eq!(message["locale"], "zh");
    assert!(now(client, "dev-code").await.is_none() || !shown(client, "dev-code").await);
    let code = message["code"].as_str().expect("the code").to_owned();
    login.fill_code_and_consent(&code).await;
    login.submit().await;
    eventually("home after login", || async {
        shown(client, "nav-points").await.then_some(())
    })
    .await;

    let profile = format!("{}/profile", server.site_url().trim_end_matches('/'));
    client.goto(&profile).await.expect("the profile");
    let nickname = find(client, "profile-nickname").await;
    nickname.send_keys("Quokka小满").await.expect("type");
    click(client, "profile-nickname-save").await;
    eventually("the nickname saved", || async {
        let disabled = attr(client, "profile-nickname-save", "disabled").await;
        (disabled.as_deref() == Some("true")).then_some(())
    })
    .await;
    let switch = || async {
        let el = find(client, "profile-expiry-texts").await;
        let checked = el
            .prop("checked")
            .await
            .expect("checked")
            .unwrap_or_default();
        let disabled = el.attr("disabled").await.expect("disabled").is_some();
        (checked == "true", disabled)
    };
    eventually("the texts' switch, off, ready", || async {
        (switch().await == (false, false)).then_some(())
    })
    .await;
    click(client, "profile-expiry-texts").await;
    eventually("the switch on, taken by the server", || async {
        (switch().await == (true, false)).then_some(())
    })
    .await;
    client.refresh().await.expect("reload");
    eventually("the switch still on after a reload", || async {
        (switch().await == (true, false)).then_some(())
    })
    .await;

    let stored = server.database_bytes();
    for needle in ["13912340000", "Quokka", "小满"] {
        assert!(
            !stored.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "the database file holds `{needle}`"
        );
    }
    browser.close().await;
}
