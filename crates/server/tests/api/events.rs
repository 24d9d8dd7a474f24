//! The event calendar over HTTP: a member's occurrences and why some are locked, the
//! public calendar, bad ranges, the .ics parsed back with a real parser, the private feed
//! link replaced and revoked, and the shop's early-access check.

use std::collections::BTreeMap;

use axum::http::{header, Method, StatusCode};
use chrono::{DateTime, FixedOffset};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestResponse};
use crate::support::{members_with, order, world, World, PHONE_A, PHONE_B};

/// A Monday; the spring launch's early access opens on Friday 2027-03-05 10:00.
const NOW: &str = "2027-03-01T12:00:00+08:00";

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> TestResponse {
    app.call(Method::GET, path, token, None).await
}

async fn events(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    let res = get(app, &format!("/api/events?{query}"), token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()
}

/// uid → the occurrence.
fn by_uid(page: &Value) -> BTreeMap<String, Value> {
    page["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["uid"].as_str().unwrap().to_owned(), o.clone()))
        .collect()
}

async fn patch_me(w: &World, body: Value) {
    let res = w
        .app
        .call(Method::PATCH, "/api/me", Some(&w.a), Some(&body))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
}

#[tokio::test]
async fn a_member_sees_their_events_and_why_some_are_locked() {
    let w = world(NOW).await;
    let march = "from=2027-03-01&to=2027-03-31";
    let page = events(&w.app, march, Some(&w.a)).await;
    assert_eq!(page["personal"], true);
    assert_eq!(page["time_zone"], "Asia/Shanghai");
    let all = by_uid(&page);
    let day = &all["member-day-20270315"];
    assert_eq!(day["start"], "2027-03-15T00:00:00+08:00");
    assert_eq!(day["end"], "2027-03-16T00:00:00+08:00");
    assert_eq!(day["all_day"], true);
    assert_eq!(day["locked"], Value::Null);
    let sale = &all["flash-sale-20270305"];
    assert_eq!(sale["start"], "2027-03-05T20:00:00+08:00");
    assert_eq!(sale["all_day"], false);
    // A regular member: the silver coupon day and gold early access are locked, naming
    // the tier that opens them.
    let locked = |uid: &str| all[uid]["locked"].clone();
    assert_eq!(
        locked("monthly-coupon-20270301"),
        json!({ "code": "tier_too_low", "opens": "silver" })
    );
    assert_eq!(
        locked("early-access-spring-tea-2027"),
        json!({ "code": "tier_too_low", "opens": "gold" })
    );
    assert_eq!(
        page["undated"],
        json!([{ "event": "birthday", "title": { "zh": "生日礼包", "en": "Birthday gift" },
                 "locked": { "code": "no_birthday_set" } }])
    );

    // With a birthday: the day and the month, and nothing undated.
    patch_me(&w, json!({ "birthday": "1992-03-20" })).await;
    let page = events(&w.app, march, Some(&w.a)).await;
    let all = by_uid(&page);
    assert!(all.contains_key("birthday-20270320"), "{all:?}");
    assert_eq!(
        all["birthday-month-20270301"]["end"],
        "2027-04-01T00:00:00+08:00"
    );
    assert_eq!(page["undated"], json!([]));
    // Nobody else sees them.
    let b = by_uid(&events(&w.app, march, Some(&w.b)).await);
    assert!(!b.keys().any(|k| k.starts_with("birthday")), "{b:?}");
}

#[tokio::test]
async fn anyone_sees_the_public_calendar_without_locks() {
    let w = world(NOW).await;
    let page = events(&w.app, "from=2027-03-01&to=2027-03-31", None).await;
    assert_eq!(page["personal"], false);
    let all = by_uid(&page);
    assert!(all.contains_key("member-day-20270315"));
    assert!(all.contains_key("early-access-spring-tea-2027"));
    assert!(all.values().all(|o| o["locked"].is_null()));
    assert!(all.values().all(|o| o["audience"]["type"] != "personal"));
    assert_eq!(page["undated"], json!([]));
    // A stale cookie is no error: the public calendar.
    let stale = events(
        &w.app,
        "from=2027-03-01&to=2027-03-02",
        Some("not-a-session"),
    )
    .await;
    assert_eq!(stale["personal"], false);
    // Without a range: from today, 41 days.
    let default = events(&w.app, "", None).await;
    assert_eq!(default["from"], "2027-03-01");
    assert_eq!(default["to"], "2027-04-10");
}

#[tokio::test]
async fn points_expiring_unlock_the_year_end_reminder() {
    let w = world(NOW).await;
    let res = w.post_order(&order("o-1", PHONE_A, NOW, 30_000)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    // Earned in 2027: expire at the end of 2028.
    let reminder = |page: &Value, uid: &str| by_uid(page)[uid]["locked"].clone();
    let page = events(&w.app, "from=2028-12-01&to=2028-12-31", Some(&w.a)).await;
    assert_eq!(reminder(&page, "points-expiry-20281231"), Value::Null);
    let page = events(&w.app, "from=2027-12-01&to=2027-12-31", Some(&w.a)).await;
    assert_eq!(
        reminder(&page, "points-expiry-20271231"),
        json!({ "code": "no_points_expiring" })
    );
}

#[tokio::test]
async fn bad_dates_and_ranges_are_refused_with_codes() {
    let w = world(NOW).await;
    let cases = [
        ("from=2027-13-01", StatusCode::BAD_REQUEST, "invalid_date"),
        (
            "from=2027-03-01&to=31/03/2027",
            StatusCode::BAD_REQUEST,
            "invalid_date",
        ),
        (
            "from=2027-03-10&to=2027-03-01",
            StatusCode::BAD_REQUEST,
            "invalid_range",
        ),
        (
            "from=2027-01-01&to=2028-01-02",
            StatusCode::BAD_REQUEST,
            "invalid_range",
        ),
        (
            "from=2027-01-01&days=3",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
        ),
    ];
    for (query, status, code) in cases {
        for token in [None, Some(w.a.as_str())] {
            get(&w.app, &format!("/api/events?{query}"), token)
                .await
                .assert_error(status, code);
        }
    }
    // A whole leap year is one request.
    let year = events(&w.app, "from=2028-01-01&to=2028-12-31", Some(&w.a)).await;
    assert!(by_uid(&year).contains_key("member-day-20281215"));
}

/// The feed's events: UID → (summary, start), parsed by `icalendar`'s parser.
fn parse_ics(res: &TestResponse) -> BTreeMap<String, (String, DatePerhapsTime)> {
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header(header::CONTENT_TYPE),
        "text/calendar; charset=utf-8"
    );
    assert_eq!(res.header(header::CACHE_CONTROL), "private, no-store");
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    let calendar: Calendar = text.parse().expect("the feed parses");
    calendar
        .events()
        .map(|e| {
            let uid = e.get_uid().unwrap().to_owned();
            let start = e.get_start().expect("DTSTART");
            (uid, (e.get_summary().unwrap().to_owned(), start))
        })
        .collect()
}

fn local(start: &DatePerhapsTime) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    match start {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => at.with_timezone(&offset),
        other => panic!("a UTC time, not {other:?}"),
    }
}

#[tokio::test]
async fn the_ics_parses_back_with_local_wall_clock_times() {
    let w = world(NOW).await;
    let events = parse_ics(&get(&w.app, "/api/me/events.ics", Some(&w.a)).await);
    let (title, start) = &events["flash-sale-20270305@member-center"];
    assert_eq!(title, "会员专享秒杀 3件9折");
    assert_eq!(local(start).to_rfc3339(), "2027-03-05T20:00:00+08:00");
    let (title, start) = &events["member-day-20270315@member-center"];
    assert_eq!(title, "会员日 全场95折");
    assert_eq!(
        *start,
        DatePerhapsTime::Date(chrono::NaiveDate::from_ymd_opt(2027, 3, 15).unwrap())
    );
    // What this regular member cannot join is not in their calendar.
    assert!(!events.contains_key("early-access-spring-tea-2027@member-center"));
    assert!(!events.contains_key("monthly-coupon-20270401@member-center"));
    // The member's language.
    patch_me(&w, json!({ "locale": "en" })).await;
    let events = parse_ics(&get(&w.app, "/api/me/events.ics", Some(&w.a)).await);
    assert_eq!(
        events["member-day-20270315@member-center"].0,
        "Member day: 5% off"
    );
    // A session is needed for this one.
    get(&w.app, "/api/me/events.ics", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn the_feed_link_works_without_a_session_until_replaced_or_revoked() {
    let w = world(NOW).await;
    let make = || async {
        let res = w
            .app
            .call(Method::POST, "/api/me/calendar-feed", Some(&w.a), None)
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        res.json()["path"].as_str().unwrap().to_owned()
    };
    let first = make().await;
    assert!(first.starts_with("/api/calendar/") && first.ends_with(".ics"));
    let own = parse_ics(&get(&w.app, "/api/me/events.ics", Some(&w.a)).await);
    let fed = parse_ics(&get(&w.app, &first, None).await);
    assert_eq!(
        fed.keys().collect::<Vec<_>>(),
        own.keys().collect::<Vec<_>>()
    );
    // Only the token's hash is stored.
    let token = first
        .trim_start_matches("/api/calendar/")
        .trim_end_matches(".ics");
    let sql = "SELECT COUNT(*) FROM calendar_feeds WHERE token_sha256 = $1";
    assert_eq!(w.app.scalar(sql, &[token]).await, 0);

    // A new link replaces the old one.
    let second = make().await;
    assert_ne!(first, second);
    get(&w.app, &first, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(get(&w.app, &second, None).await.status, StatusCode::OK);
    // Revoked: gone.
    let res = w
        .app
        .call(Method::DELETE, "/api/me/calendar-feed", Some(&w.a), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    get(&w.app, &second, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // Made-up tokens and paths, and no session to make one.
    for path in [
        "/api/calendar/abc.ics",
        "/api/calendar/abc",
        "/api/calendar/.ics",
    ] {
        get(&w.app, path, None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    w.app
        .call(Method::POST, "/api/me/calendar-feed", None, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn ask(w: &World, member: &str, launch: &str) -> TestResponse {
    let path = format!("/api/v1/members/{member}/early-access?launch={launch}");
    get(&w.app, &path, Some(&w.shop)).await
}

#[tokio::test]
async fn the_shop_asks_whether_a_member_may_buy_a_launch() {
    let w = world("2027-03-06T12:00:00+08:00").await;
    let gold = &members_with(&w.app, 1, 0, "gold").await[0].0;
    let regular = w.id(&w.a).await;
    let res = ask(&w, gold, "spring-tea-2027").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(
        res.json(),
        json!({ "member_id": gold, "launch": "spring-tea-2027", "may_buy": true,
                "opens_at": "2027-03-05T10:00:00+08:00",
                "launch_at": "2027-03-08T10:00:00+08:00" })
    );
    let res = ask(&w, &regular, "spring-tea-2027").await.json();
    assert_eq!(res["may_buy"], false);
    assert_eq!(res["opens_at"], "2027-03-08T10:00:00+08:00");
    // At the launch everyone may.
    w.app.set_now("2027-03-08T10:00:00+08:00");
    assert_eq!(
        ask(&w, &regular, "spring-tea-2027").await.json()["may_buy"],
        true
    );

    ask(&w, &regular, "no-such-launch")
        .await
        .assert_error(StatusCode::NOT_FOUND, "launch_not_found");
    ask(&w, "m_nobody", "spring-tea-2027")
        .await
        .assert_error(StatusCode::NOT_FOUND, "member_not_found");
    let path = format!("/api/v1/members/{regular}/early-access");
    get(&w.app, &path, Some(&w.shop))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query");
    // A member's session is not a shop key.
    let path = format!("/api/v1/members/{regular}/early-access?launch=spring-tea-2027");
    get(&w.app, &path, Some(&w.a))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
}

async fn next_events(w: &World, token: &str) -> Value {
    let res = get(&w.app, "/api/me/next-events", Some(token)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()["events"].clone()
}

fn uids(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn home_lists_the_next_three_events_with_the_expiry_reminder_when_points_expire() {
    // Friday 20:30: the flash sale runs until 21:00.
    let w = world("2026-12-04T20:30:00+08:00").await;
    let next = next_events(&w, &w.a).await;
    assert_eq!(
        uids(&next),
        [
            "flash-sale-20261204",
            "flash-sale-20261211",
            "member-day-20261215"
        ]
    );
    assert_eq!(next[0]["start"], "2026-12-04T20:00:00+08:00");
    assert_eq!(next[0]["all_day"], false);
    assert_eq!(next[2]["title"]["zh"], "会员日 全场95折");
    get(&w.app, "/api/me/next-events", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");

    // Points earned in 2025 are gone on 2027-01-01: Dec 31 is their last day.
    let w = world("2025-06-20T12:00:00+08:00").await;
    let res = w
        .post_order(&order("o-1", PHONE_A, "2025-06-20T12:00:00+08:00", 30_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    w.app.set_now("2026-12-30T12:00:00+08:00");
    let (a, b) = (w.app.login(PHONE_A).await, w.app.login(PHONE_B).await);
    assert_eq!(
        uids(&next_events(&w, &a).await)[0],
        "points-expiry-20261231"
    );
    assert_eq!(uids(&next_events(&w, &b).await)[0], "flash-sale-20270101");
}
