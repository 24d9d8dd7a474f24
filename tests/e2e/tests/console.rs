//! The operators' console (issue 40) as an admin and an analyst use it: the dashboard
//! for 30 days and a trend with its CSV, a member found and their points adjusted, the
//! churn list granted a coupon (twice: once), the audit log showing each step; the
//! analyst reads everything and is offered no control that changes anything. Every part
//! at 1280 and 768 px, in both languages, checked by axe.

use chrono::{DateTime, Days, FixedOffset};
use e2e::pages::{
    attr, click, count, eventually, find, int_attr, set_language, shown, toast, type_into,
    LoginPage,
};
use e2e::{Browser, Server, TempDir};
use serde_json::{json, Value};

const ADMIN: &str = "13500000001";
const ANALYST: &str = "13500000002";
/// Shoppers whose last order is three days old: past the test program's one day.
const SHOPPERS: [&str; 3] = ["13600000011", "13600000012", "13600000013"];
const PARTS: [&str; 5] = ["", "members", "churn", "audit", "people"];

/// The default program with a churn window of one day (orders are accepted up to 30
/// days old, so a churned member can be made today).
fn short_churn_program(dir: &TempDir) -> String {
    let mut program: Value =
        serde_json::from_str(rules::program::DEFAULT_PROGRAM_JSON).expect("program");
    program["console"]["churn_after_days"] = json!(1);
    let path = dir.0.join("program.json");
    std::fs::write(&path, program.to_string()).expect("write the program");
    path.display().to_string()
}

/// A shopper registered through the API, with a session token.
fn register(server: &Server, phone: &str) -> String {
    let sent = server.post_json("/api/auth/otp", &json!({ "phone": phone }));
    let code = sent["dev_code"].as_str().expect("dev_code");
    let program = server.get_json("/api/program");
    let version = &program["membership"]["privacy_notice_version"];
    let body = json!({ "phone": phone, "code": code, "consent_version": version, "bearer": true });
    let login = server.post_json("/api/auth/login", &body);
    login["token"].as_str().expect("token").to_owned()
}

/// The status of a write as `token`.
fn post_status(server: &Server, path: &str, token: &str, body: &Value) -> u16 {
    let answer = ureq::post(&format!("{}{path}", server.site_url()))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Idempotency-Key", "e2e-analyst-try")
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(body)
        .expect("an answer");
    answer.status().as_u16()
}

/// Catches what the page hands the browser as a download (`URL.createObjectURL`).
async fn catch_downloads(client: &fantoccini::Client) {
    client
        .execute(
            "if (!window.__blobs) { window.__blobs = [];
               const make = URL.createObjectURL;
               URL.createObjectURL = (b) => { window.__blobs.push(b); return make(b); }; }",
            vec![],
        )
        .await
        .expect("hook downloads");
}

/// The text of the last download caught.
async fn last_download(client: &fantoccini::Client) -> String {
    let text = eventually("a download", || async {
        let got = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const b = (window.__blobs || []).at(-1);
                 b ? b.text().then(done) : done(null);",
                vec![],
            )
            .await
            .ok()?;
        got.as_str().map(str::to_owned)
    })
    .await;
    text
}

/// Every part of the console in both languages at the browser's size: a screenshot each,
/// and axe's serious findings.
async fn visit_parts(browser: &Browser, base_url: &str, who: &str) -> Vec<String> {
    let client = &browser.client;
    let (w, _) = browser.viewport;
    let mut violations = vec![];
    for part in PARTS {
        for lang in ["zh", "en"] {
            let path = if part.is_empty() {
                "/admin".to_owned()
            } else {
                format!("/admin/{part}")
            };
            client
                .goto(&format!("{base_url}{path}"))
                .await
                .expect("open the part");
            find(client, "console").await;
            let testid = if part.is_empty() { "dashboard" } else { part };
            find(client, testid).await;
            set_language(client, lang).await;
            // The figures or lists have come.
            eventually("the part settled", || async {
                let busy = attr(client, testid, "aria-busy").await.unwrap_or_default();
                (busy != "true").then_some(())
            })
            .await;
            let name = if part.is_empty() { "dashboard" } else { part };
            let shot = format!("console-{who}-{name}-{lang}-{w}");
            violations.extend(browser.look(&shot, &format!("{who} {name} {lang}")).await);
        }
    }
    violations
}

#[tokio::test]
#[ignore = "needs the built app, the server binary and Chromium: run by `cargo xtask test`"]
async fn an_admin_runs_the_program_and_an_analyst_only_reads() {
    let dir = TempDir::new("e2e-console");
    let program = short_churn_program(&dir);
    let server = Server::start_demo_with(&["--program", &program]);
    server.cli(&["store", "create", "--code", "SH001", "--name", "上海静安店"]);
    server.cli(&["user", "create", "--role", "admin", "--phone", ADMIN]);
    server.cli(&["user", "create", "--role", "analyst", "--phone", ANALYST]);
    // Three shoppers who bought three days ago and not since.
    let printed = server.cli(&["api-key", "create", "--name", "shop"]);
    let key = printed.lines().last().expect("the key").trim().to_owned();
    for (i, phone) in SHOPPERS.iter().enumerate() {
        let token = register(&server, phone);
        let now = server.get_json_as("/api/me", &token)["now"].clone();
        let now: DateTime<FixedOffset> = serde_json::from_value(now).expect("now");
        let paid_at = now.checked_sub_days(Days::new(3)).expect("a date");
        let order = json!({
            "order_id": format!("SO-CHURN-{i}"), "phone": phone, "paid_at": paid_at.to_rfc3339(),
            "lines": [{ "sku": "SKU-1", "category": "apparel", "unit_price_fen": 20_000 * (i as i64 + 1), "qty": 1 }],
            "shipping_fen": 0, "coupon": "none", "points": 0
        });
        server.post_json_as("/api/v1/orders", &key, &order);
    }

    // The admin, on a laptop.
    let laptop = Browser::start_at((1280, 800)).await;
    let client = &laptop.client;
    let token = LoginPage(client).log_in(&server.base_url, ADMIN).await;
    client
        .goto(&format!("{}/admin", server.base_url))
        .await
        .expect("open the console");
    find(client, "dashboard").await;
    assert!(!shown(client, "console-read-only").await);

    // The dashboard for 30 days (the default), its figures the API's.
    let api = server.get_json_as("/api/admin/dashboard", &token);
    let new_members = api["new_members"]["current"].as_i64().expect("a count");
    eventually("the new members' card", || async {
        let current = attr(client, "kpi", "data-current").await?;
        (current == new_members.to_string()).then_some(())
    })
    .await;
    assert_eq!(count(client, "kpi").await, 12);
    // Its trend: a table of exactly the API's points, and the same in the CSV.
    catch_downloads(client).await;
    click(client, "kpi-trend").await;
    find(client, "trend").await;
    let points = api["new_members"]["trend"].as_array().expect("trend").len();
    let rows: Value = client
        .execute(
            "return document.querySelectorAll('[data-testid=trend-table] tbody tr').length;",
            vec![],
        )
        .await
        .expect("rows");
    assert_eq!(rows.as_u64(), Some(points as u64));
    click(client, "trend-csv").await;
    let csv = last_download(client).await;
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), points + 1, "{csv}");
    let total: i64 = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        total,
        api["new_members"]["current"].as_i64().unwrap(),
        "{csv}"
    );
    let shot = laptop.screenshot("console-admin-trend-1280").await;
    println!("screenshot: {}", shot.display());

    // A member found by phone, and their points adjusted with a reason.
    click(client, "console-tab-members").await;
    type_into(client, "member-phone-input", SHOPPERS[0]).await;
    click(client, "member-find").await;
    find(client, "member-page").await;
    let before = int_attr(client, "member-balance", "data-value").await;
    type_into(client, "adjust-points", "300").await;
    type_into(client, "adjust-reason", "客诉补偿").await;
    click(client, "adjust-submit").await;
    assert_eq!(toast(client).await, "积分已调整");
    eventually("the new balance", || async {
        (int_attr(client, "member-balance", "data-value").await == before + 300).then_some(())
    })
    .await;
    let shot = laptop.screenshot("console-admin-member-1280").await;
    println!("screenshot: {}", shot.display());

    // The churn list: the three shoppers, the most valuable first; a coupon to all of them,
    // and a second click grants nothing more.
    click(client, "console-tab-churn").await;
    eventually("the churn list", || async {
        (count(client, "churn-row").await == 3).then_some(())
    })
    .await;
    type_into(client, "churn-grant-reason", "召回老客").await;
    for _ in 0..2 {
        click(client, "churn-grant-submit").await;
        eventually("the grant done", || async {
            (attr(client, "grant-progress", "data-status").await? == "done").then_some(())
        })
        .await;
        assert_eq!(int_attr(client, "grant-progress", "data-granted").await, 3);
    }
    let shot = laptop.screenshot("console-admin-churn-granted-1280").await;
    println!("screenshot: {}", shot.display());
    for phone in SHOPPERS {
        let found = server.post_json_as(
            "/api/admin/members/lookup",
            &token,
            &json!({ "phone": phone }),
        );
        let id = found["member_id"].as_str().unwrap();
        let page = server.get_json_as(&format!("/api/admin/members/{id}"), &token);
        let staff = page["coupons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["source"] == "staff")
            .count();
        assert_eq!(staff, 1, "{phone}");
    }

    // The audit log shows each step.
    click(client, "console-tab-audit").await;
    eventually("the audit rows", || async {
        let actions: Value = client
            .execute("return [...document.querySelectorAll('[data-testid=audit-row]')].map((r) => r.dataset.action);", vec![])
            .await
            .ok()?;
        let actions: Vec<String> = serde_json::from_value(actions).ok()?;
        ["member_lookup", "points_adjustment", "churn_grant", "coupon_grant"]
            .iter()
            .all(|a| actions.iter().any(|x| x == a))
            .then_some(())
    })
    .await;

    let mut violations = visit_parts(&laptop, &server.base_url, "admin").await;
    laptop.close().await;
    let tablet = Browser::start_at((768, 1024)).await;
    LoginPage(&tablet.client)
        .log_in(&server.base_url, ADMIN)
        .await;
    violations.extend(visit_parts(&tablet, &server.base_url, "admin").await);
    tablet.close().await;

    // The analyst reads every part, and no control that changes anything is offered.
    let tablet = Browser::start_at((768, 1024)).await;
    let client = &tablet.client;
    let analyst = LoginPage(client).log_in(&server.base_url, ANALYST).await;
    client
        .goto(&format!("{}/admin/churn", server.base_url))
        .await
        .expect("open");
    eventually("the churn list", || async {
        (count(client, "churn-row").await == 3).then_some(())
    })
    .await;
    assert!(shown(client, "console-read-only").await);
    assert_eq!(count(client, "churn-grant").await, 0);
    click(client, "console-tab-members").await;
    type_into(client, "member-phone-input", SHOPPERS[1]).await;
    click(client, "member-find").await;
    find(client, "member-page").await;
    assert_eq!(count(client, "adjust-form").await, 0);
    click(client, "console-tab-people").await;
    find(client, "users-table").await;
    assert_eq!(
        count(client, "role-form").await + count(client, "key-form").await,
        0
    );
    // And the server refuses them anyway.
    let body = json!({ "points": 1, "reason": "x" });
    let id = server.post_json_as(
        "/api/admin/members/lookup",
        &analyst,
        &json!({ "phone": SHOPPERS[1] }),
    );
    let path = format!(
        "/api/admin/members/{}/points",
        id["member_id"].as_str().unwrap()
    );
    assert_eq!(post_status(&server, &path, &analyst, &body), 403);
    violations.extend(visit_parts(&tablet, &server.base_url, "analyst").await);
    tablet.close().await;

    // A member is told the console is not for them.
    let phone = Browser::start().await;
    LoginPage(&phone.client)
        .log_in(&server.base_url, SHOPPERS[2])
        .await;
    phone
        .client
        .goto(&format!("{}/admin", server.base_url))
        .await
        .expect("open");
    find(&phone.client, "console-forbidden").await;
    phone.close().await;

    assert!(
        violations.is_empty(),
        "axe-core: {} serious or critical accessibility violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}
