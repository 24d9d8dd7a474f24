//! The member center as a shopper uses it: the built app served by the real server,
//! driven in headless Chromium at phone size.

use e2e::pages::{
    attr, click, eventually, find, int_attr, shown, text, HomePage, LoginPage, PointsPage,
    PreviewPage,
};
use e2e::{Browser, Server};
use rules::quote::{MemberSnapshot, QuoteInput};
use rules::Program;
use serde_json::Value;

fn yuan_number(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn home_shows_tier_progress_and_preview_matches_the_server() {
    let server = Server::start_demo();
    let program: Program =
        serde_json::from_value(server.get_json("/api/program")).expect("program");
    let members = server.get_json("/api/demo/members");
    let members = members["members"].as_array().expect("demo members").clone();
    assert_eq!(
        members.len(),
        program.tiers.len(),
        "one demo member per tier"
    );

    let browser = Browser::start().await;
    let client = &browser.client;
    let home = HomePage(client);
    home.open(&server.base_url).await;
    assert_eq!(home.role_of_progress().await, "progressbar");

    // Every persona: the bar and the prompt are what the rules say for their data.
    for member in &members {
        let id = member["id"].as_str().expect("id");
        let snapshot: MemberSnapshot =
            serde_json::from_value(member["snapshot"].clone()).expect("snapshot");
        home.choose_persona(id).await;
        let tier = program.tier(&snapshot.tier).expect("tier");
        eventually(&format!("tier name of {id}"), || async {
            (home.tier_name().await.trim() == tier.name.zh).then_some(())
        })
        .await;
        let progress = home.progress().await;
        let top = program.tiers.last().unwrap().threshold_fen;
        assert_eq!(progress.min, "0", "{id}");
        assert_eq!(progress.max, yuan_number(top), "{id}");
        assert_eq!(
            progress.now,
            yuan_number(snapshot.qualifying_spend_fen.min(top)),
            "{id}"
        );
        assert!(
            !progress.text.is_empty(),
            "{id}: the bar has a spoken value"
        );
        match program.next_tier(&snapshot.tier, snapshot.qualifying_spend_fen) {
            Some(next) => {
                home.wait_prompt(&program.next_tier_prompt(&next, "zh"))
                    .await;
            }
            None => assert_eq!(tier.id, program.tiers.last().unwrap().id),
        }
    }

    // The silver member, one order short of gold: the example prompt.
    home.choose_persona("demo-silver").await;
    home.wait_prompt("距金卡会员还差¥123.45，升级即享顺丰包邮")
        .await;
    let shot = browser.screenshot("home").await;
    println!("screenshot: {}", shot.display());

    // Preview: every keystroke re-quotes in wasm; the result equals the server's quote.
    let preview = PreviewPage(client);
    preview.open_from_home().await;
    preview.type_amount("1234.56").await;
    let input_json = eventually("the quoted input for ¥1,234.56", || async {
        let json = attr(client, "quote-input", "data-json").await?;
        let input: QuoteInput = serde_json::from_str(&json).ok()?;
        let subtotal: i64 = input.cart.lines.iter().map(|l| l.total_fen()).sum();
        (subtotal == 123456).then_some(json)
    })
    .await;
    let input: Value = serde_json::from_str(&input_json).unwrap();
    let server_quote = server.post_json("/api/quote", &input);
    let payable = server_quote["payable_fen"].as_i64().expect("payable");
    let points = server_quote["points"]["total"].as_i64().expect("points");
    eventually("the preview to show the server's payable", || async {
        (preview.payable_fen().await == payable).then_some(())
    })
    .await;
    assert_eq!(preview.points_total().await, points);
    assert_eq!(
        preview.payable_text().await.trim(),
        rules::money::format_yuan_exact(payable)
    );
    let silver: MemberSnapshot = serde_json::from_value(
        members.iter().find(|m| m["id"] == "demo-silver").unwrap()["snapshot"].clone(),
    )
    .unwrap();
    assert_eq!(
        input["member"],
        serde_json::to_value(&silver).unwrap(),
        "the preview uses the persona's snapshot"
    );
    let shot = browser.screenshot("preview").await;
    println!("screenshot: {}", shot.display());

    browser
        .client
        .clone()
        .close()
        .await
        .expect("close the browser");
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn member_logs_in_checks_in_and_manages_the_profile() {
    let server = Server::start_demo();
    let program: Program =
        serde_json::from_value(server.get_json("/api/program")).expect("program");
    let browser = Browser::start().await;
    let client = &browser.client;

    // Login: a wrong number is refused on the spot; the demo server shows the code.
    let login = LoginPage(client);
    login.open(&server.base_url).await;
    let shot = browser.screenshot("login-empty").await;
    println!("screenshot: {}", shot.display());
    click(client, "get-code").await;
    assert_eq!(login.error_code().await, "invalid_phone");
    let code = login.request_code("13800000002").await;
    login.fill_code_and_consent(&code).await;
    let shot = browser.screenshot("login").await;
    println!("screenshot: {}", shot.display());
    login.submit().await;

    // Home shows the member's own numbers, as GET /api/me gives them.
    let logged_in = eventually("home after login", || async {
        if shown(client, "login-error").await {
            return attr(client, "login-error", "data-code").await.map(Err);
        }
        if shown(client, "nav-login").await {
            let cookies = client.get_all_cookies().await.unwrap_or_default();
            return Some(Err(format!("logged out at home; cookies {cookies:?}")));
        }
        shown(client, "nav-points").await.then_some(Ok(()))
    })
    .await;
    if let Err(code) = logged_in {
        browser.screenshot("login-failed").await;
        panic!("login failed: {code}");
    }
    let cookie = eventually("the session cookie", || async {
        client.get_named_cookie("mc_session").await.ok()
    })
    .await;
    let token = cookie.value().to_string();
    let me = server.get_json_as("/api/me", &token);
    let home = HomePage(client);
    let tier_id = me["tier"].as_str().expect("tier");
    let tier = program
        .tiers
        .iter()
        .find(|t| t.id.as_str() == tier_id)
        .expect("tier");
    eventually("the member's tier on the card", || async {
        (home.tier_name().await.trim() == tier.name.zh).then_some(())
    })
    .await;
    assert_eq!(
        int_attr(client, "points-balance", "data-value").await,
        me["points_balance"].as_i64().unwrap()
    );
    let top = program.tiers.last().unwrap().threshold_fen;
    let spend = me["qualifying_spend_fen"].as_i64().unwrap();
    assert_eq!(home.progress().await.now, yuan_number(spend.min(top)));
    assert!(
        !shown(client, "persona-switcher").await,
        "no personas when logged in"
    );
    match me["retention"]["gap_fen"].as_i64() {
        Some(gap) => assert_eq!(int_attr(client, "retention", "data-value").await, gap),
        None => assert!(!shown(client, "retention").await),
    }
    match me["points_expiring"]["points"].as_i64() {
        Some(points) => assert_eq!(
            int_attr(client, "points-expiring", "data-value").await,
            points
        ),
        None => assert!(!shown(client, "points-expiring").await),
    }
    let shot = browser.screenshot("home-member").await;
    println!("screenshot: {}", shot.display());

    // Points: check in; the balance, the streak and the history follow.
    click(client, "nav-points").await;
    let points = PointsPage(client);
    assert_eq!(
        points.balance().await,
        me["points_balance"].as_i64().unwrap()
    );
    let before = server.get_json_as("/api/me/points?limit=20", &token);
    let before_count = before["entries"].as_array().unwrap().len();
    eventually("the history", || async {
        (points.entries().await.len() == before_count).then_some(())
    })
    .await;
    click(client, "checkin-button").await;
    eventually("the check-in confirmation", || async {
        shown(client, "checkin-done").await.then_some(())
    })
    .await;
    let after = server.get_json_as("/api/me", &token);
    assert_eq!(after["checkin"]["checked_in_today"], true);
    let balance = after["points_balance"].as_i64().unwrap();
    eventually("the new balance", || async {
        (points.balance().await == balance).then_some(())
    })
    .await;
    assert_eq!(
        int_attr(client, "streak", "data-value").await,
        after["checkin"]["streak_day"].as_i64().unwrap()
    );
    let history = server.get_json_as("/api/me/points?limit=20", &token);
    let newest = &history["entries"][0];
    assert_eq!(newest["kind"], "checkin");
    let shown_entries = eventually("the check-in in the history", || async {
        let entries = points.entries().await;
        (entries.first().map(|e| e.0.as_str()) == Some("checkin")).then_some(entries)
    })
    .await;
    assert_eq!(shown_entries[0].1, newest["points"].as_i64().unwrap());
    assert_eq!(shown_entries.len(), before_count + 1);
    assert_eq!(
        find(client, "checkin-button")
            .await
            .attr("disabled")
            .await
            .unwrap(),
        Some("true".into())
    );
    // The filter: only what was spent (the demo members have spent nothing, or some).
    click(client, "points-filter-spend").await;
    let spent = server.get_json_as("/api/me/points?limit=20&kind=spend", &token);
    let spent = spent["entries"].as_array().unwrap().len();
    eventually("the spend filter", || async {
        let entries = points.entries().await;
        (entries.len() == spent && entries.iter().all(|e| e.1 <= 0)).then_some(())
    })
    .await;
    click(client, "points-filter-all").await;
    eventually("all entries again", || async {
        (points.entries().await.len() == before_count + 1).then_some(())
    })
    .await;
    let shot = browser.screenshot("points").await;
    println!("screenshot: {}", shot.display());

    // Profile: the member's masked phone; then log out.
    client
        .goto(&format!("{}/profile", server.base_url))
        .await
        .expect("open profile");
    let phone = text(client, "profile-phone").await;
    assert_eq!(phone.trim(), me["phone_masked"].as_str().unwrap());
    let shot = browser.screenshot("profile").await;
    println!("screenshot: {}", shot.display());
    click(client, "logout").await;
    find(client, "nav-login").await;
    find(client, "persona-switcher").await;
    let status = ureq::get(&format!("{}/api/me", server.base_url))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .map(|r| r.status().as_u16())
        .unwrap_or_else(|e| match e {
            ureq::Error::StatusCode(code) => code,
            other => panic!("GET /api/me: {other}"),
        });
    assert_eq!(status, 401, "the session ended");

    browser
        .client
        .clone()
        .close()
        .await
        .expect("close the browser");
}
