//! The event calendar as a member uses it (months, a day's events, early access locked
//! for a silver member, the calendar file and the private feed link), and the tiers
//! side by side; home's next events and the points planner.

use chrono::{Datelike, NaiveDate};
use e2e::pages::{attr, click, eventually, find, shown, text, LoginPage};
use e2e::{demo_member, Browser, Server};
use rules::Program;
use serde_json::{json, Value};

/// The month title's date: the first of the month shown (`2026年12月`).
async fn month_shown(client: &fantoccini::Client) -> NaiveDate {
    let title = text(client, "events-month-title").await;
    let (year, rest) = title.split_once('年').expect("a zh month title");
    let month = rest.trim_end_matches('月');
    NaiveDate::from_ymd_opt(year.parse().unwrap(), month.parse().unwrap(), 1).unwrap()
}

/// Moves the grid to `target`'s month with the arrows.
async fn go_to_month(client: &fantoccini::Client, target: NaiveDate) {
    loop {
        let shown = month_shown(client).await;
        let diff =
            (target.year() - shown.year()) * 12 + target.month() as i32 - shown.month() as i32;
        if diff == 0 {
            return;
        }
        click(
            client,
            if diff > 0 {
                "events-next"
            } else {
                "events-prev"
            },
        )
        .await;
        eventually("the month to change", || async {
            (month_shown(client).await != shown).then_some(())
        })
        .await;
    }
}

/// `fetch` in the page (the session cookie goes along unless `omit`): status, content
/// type and the body's first line.
async fn fetch(client: &fantoccini::Client, url: &str, credentials: &str) -> Value {
    client
        .execute_async(
            r#"const [url, credentials, done] = arguments;
               fetch(url, { credentials }).then(async (r) => done({
                 status: r.status,
                 type: r.headers.get('content-type'),
                 first: (await r.text()).split('\r\n')[0],
               })).catch((e) => done({ status: 0, type: String(e) }));"#,
            vec![json!(url), json!(credentials)],
        )
        .await
        .expect("fetch in the page")
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn a_silver_member_browses_the_calendar_and_takes_it_to_their_phone() {
    let server = Server::start_demo();
    let program: Program =
        serde_json::from_value(server.get_json("/api/program")).expect("program");
    let browser = Browser::start().await;
    let client = &browser.client;
    LoginPage(client)
        .log_in(&server.base_url, "13800000002")
        .await;
    click(client, "nav-events").await;
    find(client, "events-month").await;
    let this_month = month_shown(client).await;

    // Next month, its 15th: member day.
    click(client, "events-next").await;
    let next = eventually("the next month", || async {
        let m = month_shown(client).await;
        (m != this_month).then_some(m)
    })
    .await;
    let fifteenth = next.with_day(15).unwrap();
    click(client, &format!("events-day-{fifteenth}")).await;
    let member_day = format!("event-member-day-{}", fifteenth.format("%Y%m%d"));
    find(client, &member_day).await;
    assert_eq!(
        attr(client, &member_day, "data-locked").await.unwrap(),
        "false"
    );
    let shot = browser.screenshot("events-member-day").await;
    println!("screenshot: {}", shot.display());

    // A launch's early access: locked for silver, naming the tier that opens it.
    let launch = &program.events.launches[0];
    let access = &program.events.early_access;
    let opens = launch.launch_at - chrono::Duration::days(access.days_before);
    let opens = opens.with_timezone(&program.offset()).date_naive();
    go_to_month(client, opens.with_day(1).unwrap()).await;
    click(client, &format!("events-day-{opens}")).await;
    let early = format!("event-early-access-{}", launch.id);
    find(client, &early).await;
    assert_eq!(attr(client, &early, "data-locked").await.unwrap(), "true");
    let lock = eventually("the lock's words", || async {
        let text: Value = client
            .execute(
                "return document.querySelector(`[data-testid='${arguments[0]}'] .event__lock`).textContent;",
                vec![json!(early)],
            )
            .await
            .ok()?;
        text.as_str().filter(|t| !t.is_empty()).map(str::to_owned)
    })
    .await;
    assert_eq!(lock, "金卡会员及以上专享");
    let shot = browser.screenshot("events-early-access-locked").await;
    println!("screenshot: {}", shot.display());

    // "Add to phone calendar" is the member's .ics file.
    let href = attr(client, "events-download", "href").await.unwrap();
    assert_eq!(
        attr(client, "events-download", "download").await.unwrap(),
        "member-events.ics"
    );
    let file = fetch(client, &href, "same-origin").await;
    assert_eq!(file["status"], 200, "{file}");
    assert_eq!(file["type"], "text/calendar; charset=utf-8");
    assert_eq!(file["first"], "BEGIN:VCALENDAR");

    // Subscribe: a link that works without the session, until stopped.
    click(client, "events-subscribe").await;
    let url = eventually("the feed link", || async {
        let url: Value = client
            .execute(
                "return document.querySelector('[data-testid=events-feed-url]').value;",
                vec![],
            )
            .await
            .ok()?;
        url.as_str()
            .filter(|u| u.ends_with(".ics"))
            .map(str::to_owned)
    })
    .await;
    assert!(url.starts_with(&server.base_url), "{url}");
    let shot = browser.screenshot("events-feed").await;
    println!("screenshot: {}", shot.display());
    let feed = fetch(client, &url, "omit").await;
    assert_eq!(feed["status"], 200, "{feed}");
    assert_eq!(feed["first"], "BEGIN:VCALENDAR");
    click(client, "events-unsubscribe").await;
    eventually("the link hidden", || async {
        (!shown(client, "events-feed-link").await).then_some(())
    })
    .await;
    assert_eq!(fetch(client, &url, "omit").await["status"], 404);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn the_benefits_page_shows_every_tier_and_the_gap_to_each() {
    let server = Server::start_demo();
    let program: Program =
        serde_json::from_value(server.get_json("/api/program")).expect("program");
    let members = server.get_json("/api/demo/members");
    // The first persona is the one shown when none was picked.
    let persona = &members["members"][0]["snapshot"];
    let held = persona["tier"].as_str().unwrap();
    let spend = persona["qualifying_spend_fen"].as_i64().unwrap();
    let browser = Browser::start().await;
    let client = &browser.client;
    client
        .goto(&format!("{}/", server.base_url))
        .await
        .expect("home");
    click(client, "nav-benefits").await;
    find(client, "benefits-table").await;
    let held_rank = program
        .tiers
        .iter()
        .position(|t| t.id.as_str() == held)
        .unwrap();
    for (i, tier) in program.tiers.iter().enumerate() {
        let id = tier.id.as_str();
        let current = attr(client, &format!("benefits-tier-{id}"), "aria-current").await;
        assert_eq!(
            current.as_deref(),
            (i == held_rank).then_some("true"),
            "{id}"
        );
        let gap: i64 = attr(client, &format!("benefits-gap-{id}"), "data-value")
            .await
            .unwrap()
            .parse()
            .unwrap();
        let expected = if i <= held_rank {
            0
        } else {
            (tier.threshold_fen.get() - spend).max(0)
        };
        assert_eq!(gap, expected, "{id}");
    }
    let shot = browser.screenshot("benefits").await;
    println!("screenshot: {}", shot.display());
    browser.close().await;
}

/// The `data-*` attribute of every element with this test id, in document order.
async fn attrs_of(client: &fantoccini::Client, id: &str, name: &str) -> Vec<String> {
    let got: Value = client
        .execute(
            "return [...document.querySelectorAll(`[data-testid='${arguments[0]}']`)].map((e) => e.getAttribute(arguments[1]));",
            vec![json!(id), json!(name)],
        )
        .await
        .expect("read the attributes");
    serde_json::from_value(got).expect("strings")
}

async fn scroll_to(client: &fantoccini::Client, id: &str) {
    client
        .execute(
            "document.querySelector(`[data-testid='${arguments[0]}']`).scrollIntoView({ block: 'center' });",
            vec![json!(id)],
        )
        .await
        .expect("scroll");
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn home_lists_the_next_events_and_the_planner_shows_what_expiring_points_buy() {
    let (server, browser, token) = demo_member("13800000002").await;
    let client = &browser.client;

    // Home: the next three events of `/api/me/next-events`, linking to the calendar.
    let next = server.get_json_as("/api/me/next-events", &token);
    let expected: Vec<String> = next["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(expected.len(), 3, "{next}");
    find(client, "next-events").await;
    assert_eq!(attrs_of(client, "next-event", "data-uid").await, expected);
    scroll_to(client, "next-events").await;
    let shot = browser.screenshot("home-next-events").await;
    println!("screenshot: {}", shot.display());

    // The planner: the lots of `/api/me/points/plan`, oldest first, with their items.
    let plan = server.get_json_as("/api/me/points/plan", &token);
    let lots = plan["lots"].as_array().unwrap();
    assert!(!lots.is_empty(), "the demo member holds points: {plan}");
    scroll_to(client, "nav-points").await;
    click(client, "nav-points").await;
    find(client, "planner").await;
    let expires = eventually("the plan", || async {
        let got = attrs_of(client, "planner-lot", "data-expires").await;
        (!got.is_empty()).then_some(got)
    })
    .await;
    let want: Vec<&str> = lots
        .iter()
        .map(|l| l["expires_on"].as_str().unwrap())
        .collect();
    assert_eq!(expires, want);
    let points: Vec<i64> = lots.iter().map(|l| l["points"].as_i64().unwrap()).collect();
    let shown_points: Vec<i64> = attrs_of(client, "planner-lot", "data-points")
        .await
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(shown_points, points);
    let items: Vec<String> = lots
        .iter()
        .flat_map(|l| l["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(attrs_of(client, "planner-item", "data-id").await, items);

    scroll_to(client, "planner").await;
    let shot = browser.screenshot("planner").await;
    println!("screenshot: {}", shot.display());
    click(client, "lang-switch").await;
    eventually("English", || async {
        let lang: Value = client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .ok()?;
        (lang == "en").then_some(())
    })
    .await;
    let shot = browser.screenshot("planner-en").await;
    println!("screenshot: {}", shot.display());
    browser.close().await;
}
