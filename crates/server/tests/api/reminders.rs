//! Points-expiry reminders (issue 39 §1): to members who opted in, once per expiring lot,
//! within the program's warning window, in their language, with a link that stops them.

use axum::http::{Method, StatusCode};
use member_center::clock::Clock;
use member_center::sms::webhook::Webhook;
use member_center::sms::Sender;
use member_center::workflows::reminders::{self, send_due, Sent};
use serde_json::json;

use crate::sms::{receiver, Behaviour, SECRET};
use crate::support::{order, world, World};

/// The points of an order paid in 2026 expire at 2028-01-01 00:00 (+08:00); the program
/// warns 30 days before.
const PAID: &str = "2026-03-10T11:00:00+08:00";
const LINKS: &str = "https://member.example.com/";

async fn choose(w: &World, token: &str, on: bool) -> serde_json::Value {
    let res = w
        .app
        .call(
            Method::PUT,
            "/api/me/reminders",
            Some(token),
            Some(&json!({ "points_expiry": on })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()
}

async fn send(w: &World, sender: &Sender, at: &str) -> Sent {
    let clock = Clock::pinned(chrono::DateTime::parse_from_rfc3339(at).unwrap());
    send_due(
        &w.app.state.db,
        &w.app.state.program.program,
        sender,
        Some(LINKS),
        &clock,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_opted_in_member_is_texted_once_in_the_window_and_the_link_stops_it() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    for (id, phone) in [("o-a", "13900000001"), ("o-b", "13900000002")] {
        let res = w.post_order(&order(id, phone, PAID, 20_000)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    }
    let mine = w
        .app
        .call(Method::GET, "/api/me/reminders", Some(&w.a), None)
        .await;
    assert_eq!(
        mine.json(),
        json!({ "points_expiry": false }),
        "off by default"
    );
    // A body that is not the choice, or no session, is refused and changes nothing.
    for bad in [
        json!({ "points_expiry": "yes" }),
        json!({ "points_expiry": true, "sms": 1 }),
    ] {
        let res = w
            .app
            .call(Method::PUT, "/api/me/reminders", Some(&w.a), Some(&bad))
            .await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    }
    let on = json!({ "points_expiry": true });
    let res = w
        .app
        .call(Method::PUT, "/api/me/reminders", None, Some(&on))
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let mine = w
        .app
        .call(Method::GET, "/api/me/reminders", Some(&w.a), None)
        .await;
    assert_eq!(mine.json(), json!({ "points_expiry": false }), "unchanged");
    assert_eq!(
        choose(&w, &w.a, true).await,
        json!({ "points_expiry": true })
    );
    w.app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.a),
            Some(&json!({ "locale": "en" })),
        )
        .await;
    let (hook, url) = receiver().await;
    let sender = Sender::Webhook(Webhook::new(&url, SECRET).unwrap());

    // A day before the window opens: nothing.
    let early = send(&w, &sender, "2027-12-01T12:00:00+08:00").await;
    assert_eq!(early, Sent::default());
    // In the window: A (opted in) only, once.
    let sent = send(&w, &sender, "2027-12-02T10:00:00+08:00").await;
    assert_eq!((sent.sent, sent.failed), (1, 0));
    let again = send(&w, &sender, "2027-12-03T10:00:00+08:00").await;
    assert_eq!(again, Sent::default(), "once per expiring lot");
    let received = hook.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let text = &received[0];
    assert_eq!(text["purpose"], "points_expiry");
    assert_eq!(text["phone"], "+8613900000001");
    assert_eq!(text["locale"], "en");
    assert_eq!(text["last_day"], "2027-12-31");
    let points = w.me(&w.a).await["points_balance"].clone();
    assert_eq!(text["points"], points);
    let a_id = w.id(&w.a).await;
    let stop = text["stop_url"].as_str().unwrap();
    assert_eq!(stop, reminders::stop_url(LINKS, &a_id).unwrap());
    let path = stop.strip_prefix(LINKS).unwrap();

    // The link: a page with a button (fetching it stops nothing), the button stops it.
    let page = w.app.get(&format!("/{path}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("<form method=\"post\">"),
        "{}",
        page.text()
    );
    let on = w
        .app
        .call(Method::GET, "/api/me/reminders", Some(&w.a), None)
        .await;
    assert_eq!(on.json()["points_expiry"], true);
    let forged = format!("/api/reminders/stop?m={a_id}&t=00000000000000000000000000000000");
    let res = w.app.send(Method::POST, &forged, None, "").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = w
        .app
        .send(Method::POST, &format!("/{path}"), None, "")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let off = w
        .app
        .call(Method::GET, "/api/me/reminders", Some(&w.a), None)
        .await;
    assert_eq!(off.json()["points_expiry"], false);

    // B opts in; the provider fails, then takes it: the reminder is not lost.
    choose(&w, &w.b, true).await;
    *hook.behaviour.lock().unwrap() = Behaviour::Fail;
    let failed = send(&w, &sender, "2027-12-04T10:00:00+08:00").await;
    assert_eq!((failed.sent, failed.failed), (0, 1));
    *hook.behaviour.lock().unwrap() = Behaviour::Accept;
    let retried = send(&w, &sender, "2027-12-04T10:10:00+08:00").await;
    assert_eq!((retried.sent, retried.failed), (1, 0));
    let received = hook.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1]["phone"], "+8613900000002");
    assert_eq!(received[1]["locale"], "zh");
}
