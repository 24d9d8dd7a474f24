//! The member center as a shopper uses it: the built app served by the real server,
//! driven in headless Chromium at phone size.

use e2e::pages::{attr, eventually, HomePage, PreviewPage};
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
