//! `/api/me…`: the home screen's numbers, the points history, check-in, profile changes,
//! export and account deletion.

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestResponse;
use crate::support::{order, world, World, PHONE_A, PHONE_B};

async fn call(
    w: &World,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> TestResponse {
    w.app.call(method, path, Some(token), body).await
}

async fn checkin(w: &World, token: &str) -> TestResponse {
    call(w, Method::POST, "/api/me/checkin", token, None).await
}

async fn patch(w: &World, token: &str, body: Value) -> TestResponse {
    call(w, Method::PATCH, "/api/me", token, Some(&body)).await
}

#[tokio::test]
async fn the_summary_adds_up_orders_spend_points_expiry_and_coupons() {
    let mut w = world("2025-03-01T12:00:00+08:00").await;
    // ¥800 at regular: 800 points, silver, and the first-order ¥10 coupon (30 days), next
    // to the two coupons of registration (30 days too), of which the first-order one is
    // void from this first order on.
    let res = w
        .post_order(&order("O-1", PHONE_A, "2025-03-01T11:00:00+08:00", 80_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let me = w.me(&w.a).await;
    assert_eq!(me["phone_masked"], "139****0001");
    assert_eq!(me["tier"], "silver");
    assert_eq!(me["qualifying_spend_fen"], 80_000);
    assert_eq!(me["lifetime_spend_fen"], 80_000);
    assert_eq!(
        me["next_tier"],
        json!({ "tier": "gold", "gap_fen": 120_000 })
    );
    assert_eq!(me["retention"], Value::Null);
    assert_eq!(me["points_balance"], 800);
    assert_eq!(me["points_expiring"], Value::Null);
    assert_eq!(
        me["coupons"],
        json!({ "available": 2, "usable": 2, "used": 0, "expired": 0, "void": 1 })
    );
    assert_eq!(me["snapshot"]["points_balance"], 800);
    assert_eq!(me["snapshot"]["first_order"], false);

    // 2026-12-01 23:59:59 local: the 2025 points expire 2027-01-01 00:00, 30 days and one
    // second away; the order has left the 365-day window; the coupon has expired.
    w.app.set_now("2026-12-01T15:59:59Z");
    w.login_again().await;
    let me = w.me(&w.a).await;
    assert_eq!(me["points_expiring"], Value::Null);
    assert_eq!(me["qualifying_spend_fen"], 0);
    assert_eq!(me["lifetime_spend_fen"], 80_000);
    assert_eq!(me["tier"], "silver");
    assert_eq!(
        me["retention"],
        json!({ "tier": "silver", "gap_fen": 50_000, "by": "2027-06-01" })
    );
    assert_eq!(
        me["coupons"],
        json!({ "available": 0, "usable": 0, "used": 0, "expired": 3, "void": 0 })
    );
    // One second later (local midnight): within 30 days.
    w.app.set_now("2026-12-01T16:00:00Z");
    assert_eq!(
        w.me(&w.a).await["points_expiring"],
        json!({ "points": 800, "at": "2027-01-01T00:00:00+08:00" })
    );

    // ¥300 at silver: 360 points.
    w.app.set_now("2026-12-10T12:00:00+08:00");
    let res = w
        .post_order(&order("O-2", PHONE_A, "2026-12-10T11:00:00+08:00", 30_000))
        .await;
    assert_eq!(res.json()["quote"]["points"]["total"], 360);
    let me = w.me(&w.a).await;
    assert_eq!(me["qualifying_spend_fen"], 30_000);
    assert_eq!(me["lifetime_spend_fen"], 110_000);
    assert_eq!(
        me["next_tier"],
        json!({ "tier": "gold", "gap_fen": 170_000 })
    );
    assert_eq!(
        me["retention"],
        json!({ "tier": "silver", "gap_fen": 20_000, "by": "2027-06-01" })
    );
    assert_eq!(me["points_balance"], 1_160);
    assert_eq!(
        me["points_expiring"],
        json!({ "points": 800, "at": "2027-01-01T00:00:00+08:00" })
    );
    assert_eq!(me["snapshot"]["qualifying_spend_fen"], 30_000);
    assert_eq!(me["now"], "2026-12-10T12:00:00+08:00");
    // B has none of it.
    let b = w.me(&w.b).await;
    assert_eq!(
        (
            &b["points_balance"],
            &b["lifetime_spend_fen"],
            &b["phone_masked"]
        ),
        (&json!(0), &json!(0), &json!("139****0002"))
    );
}

#[tokio::test]
async fn the_history_pages_newest_first_by_cursor_and_filters_by_kind() {
    let w = world("2026-03-01T09:00:00+08:00").await;
    // ¥1,000 at regular: 1,000 + the ¥1,000 order bonus 200.
    w.post_order(&order(
        "SO-1",
        PHONE_A,
        "2026-03-01T08:00:00+08:00",
        100_000,
    ))
    .await;
    for day in 1..=9 {
        w.app.set_now(&format!("2026-03-{day:02}T09:00:00+08:00"));
        assert_eq!(checkin(&w, &w.a).await.status, StatusCode::CREATED);
    }
    // ¥200 with 200 points at silver: ¥198 earns 237; half refunded: 119 back, 101 returned.
    let mut spend = order("SO-2", PHONE_A, "2026-03-09T08:30:00+08:00", 20_000);
    spend["points"] = json!(200);
    let res = w.post_order(&spend).await;
    assert_eq!(
        res.json()["quote"]["points"]["total"],
        237,
        "{}",
        res.json()
    );
    let res = w.refund("SO-2", "R-1", 10_000).await;
    assert_eq!(
        (
            &res.json()["points_taken_back"],
            &res.json()["points_returned"]
        ),
        (&json!(119), &json!(101))
    );

    let all = w.ledger(&w.a).await;
    let kinds: Vec<&str> = all.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    let mut expected = vec!["earn", "order_bonus"];
    expected.extend(["checkin"; 9]);
    expected.extend(["points_used", "earn", "refund_take_back", "refund_return"]);
    assert_eq!(kinds, expected);
    let balance = 1_200 + 5 * 8 + 25 - 200 + 237 - 119 + 101;
    assert_eq!(all.last().unwrap()["balance_after"], balance);
    assert_eq!(w.me(&w.a).await["points_balance"], balance);
    // Every entry's balance_after is the one before it plus its points.
    for pair in all.windows(2) {
        assert_eq!(
            pair[1]["balance_after"].as_i64().unwrap(),
            pair[0]["balance_after"].as_i64().unwrap() + pair[1]["points"].as_i64().unwrap()
        );
    }

    let newest_first: Vec<Value> = all.iter().rev().cloned().collect();
    let pages = |query: &'static str, limit: usize| {
        let w = &w;
        async move {
            let mut got = vec![];
            let mut sizes = vec![];
            let mut cursor: Option<i64> = None;
            loop {
                let path = match cursor {
                    Some(c) => format!("/api/me/points?limit={limit}{query}&cursor={c}"),
                    None => format!("/api/me/points?limit={limit}{query}"),
                };
                let res = call(w, Method::GET, &path, &w.a, None).await;
                assert_eq!(res.status, StatusCode::OK, "{}", res.json());
                let page = res.json();
                let entries = page["entries"].as_array().unwrap().clone();
                sizes.push(entries.len());
                got.extend(entries);
                match page["next_cursor"].as_i64() {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
                assert!(sizes.len() < 20, "paging does not end");
            }
            (got, sizes)
        }
    };
    let (got, sizes) = pages("", 4).await;
    assert_eq!(sizes, [4, 4, 4, 3]);
    assert_eq!(got, newest_first);
    let (got, sizes) = pages("", 15).await;
    assert_eq!((got.len(), sizes), (15, vec![15]));

    let (earn, sizes) = pages("&kind=earn", 5).await;
    assert_eq!(sizes, [5, 5, 3]);
    let credits: Vec<Value> = newest_first
        .iter()
        .filter(|e| e["points"].as_i64().unwrap() > 0)
        .cloned()
        .collect();
    assert_eq!(earn, credits);
    let (spent, _) = pages("&kind=spend", 5).await;
    let kinds: Vec<&str> = spent.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["refund_take_back", "points_used"]);
    assert_eq!(spent[0]["points"], -119);
    assert_eq!(spent[0]["order_id"], "SO-2");

    // Default page size: 20.
    let res = call(&w, Method::GET, "/api/me/points", &w.a, None).await;
    assert_eq!(res.json()["entries"].as_array().unwrap().len(), 15);
    assert_eq!(res.json()["next_cursor"], Value::Null);

    for (query, code) in [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=-5", "invalid_limit"),
        ("cursor=0", "invalid_cursor"),
        ("cursor=-3", "invalid_cursor"),
        ("cursor=abc", "invalid_query"),
        ("limit=1.5", "invalid_query"),
        ("kind=all", "invalid_query"),
        ("kind=EARN", "invalid_query"),
        ("member_id=m_x", "invalid_query"),
        ("limit=99999999999999999999", "invalid_query"),
    ] {
        call(
            &w,
            Method::GET,
            &format!("/api/me/points?{query}"),
            &w.a,
            None,
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
}

#[tokio::test]
async fn check_in_once_a_local_day_with_a_seven_day_streak() {
    let w = world("2026-03-01T08:00:00+08:00").await;
    let first = checkin(&w, &w.a).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());
    assert_eq!(
        first.json(),
        json!({ "date": "2026-03-01", "streak_day": 1, "points": 5, "points_balance": 5 })
    );
    // Later the same local day (23:59:59 +08:00, written in UTC): refused, nothing changes.
    w.app.set_now("2026-03-01T15:59:59Z");
    checkin(&w, &w.a)
        .await
        .assert_error(StatusCode::CONFLICT, "already_checked_in");
    assert_eq!(w.me(&w.a).await["points_balance"], 5);
    assert_eq!(w.ledger(&w.a).await.len(), 1);
    assert_eq!(
        w.me(&w.a).await["checkin"],
        json!({ "checked_in_today": true, "streak_day": 1 })
    );
    // One second later it is the 2nd locally.
    w.app.set_now("2026-03-01T16:00:00Z");
    assert_eq!(
        w.me(&w.a).await["checkin"],
        json!({ "checked_in_today": false, "streak_day": 1 })
    );
    let mut got = vec![(1, 5)];
    let res = checkin(&w, &w.a).await;
    got.push((
        res.json()["streak_day"].as_i64().unwrap(),
        res.json()["points"].as_i64().unwrap(),
    ));
    for day in 3..=10 {
        w.app.set_now(&format!("2026-03-{day:02}T12:00:00+08:00"));
        if day == 8 {
            // The day after a completed streak: the next check-in is day 1, shown as 0 now.
            assert_eq!(w.me(&w.a).await["checkin"]["streak_day"], 0);
        }
        let res = checkin(&w, &w.a).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        assert_eq!(res.json()["date"], format!("2026-03-{day:02}"));
        got.push((
            res.json()["streak_day"].as_i64().unwrap(),
            res.json()["points"].as_i64().unwrap(),
        ));
    }
    // Seven days: 5 × 6 + 25; then a new streak.
    assert_eq!(
        got,
        [
            (1, 5),
            (2, 5),
            (3, 5),
            (4, 5),
            (5, 5),
            (6, 5),
            (7, 25),
            (1, 5),
            (2, 5),
            (3, 5)
        ]
    );
    assert_eq!(
        got[..7].iter().map(|g| g.1).sum::<i64>(),
        5 * 6 + 25,
        "the week's points"
    );
    assert_eq!(w.me(&w.a).await["points_balance"], 55 + 15);
    // The 11th is missed: on the 12th the streak shows broken and starts again at 1.
    w.app.set_now("2026-03-12T12:00:00+08:00");
    assert_eq!(w.me(&w.a).await["checkin"]["streak_day"], 0);
    let res = checkin(&w, &w.a).await;
    assert_eq!(
        (&res.json()["streak_day"], &res.json()["points"]),
        (&json!(1), &json!(5))
    );
    // B's check-ins are B's own.
    assert_eq!(checkin(&w, &w.b).await.json()["streak_day"], 1);
    assert_eq!(w.me(&w.b).await["points_balance"], 5);
    let kinds: Vec<Value> = w
        .ledger(&w.a)
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("checkin"); 11]);
}

#[tokio::test]
async fn patch_validates_every_field_and_sets_the_birthday_once() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let before = w.me(&w.a).await;
    assert_eq!(before["nickname"], Value::Null, "none chosen yet");
    let bad = [
        (json!({ "nickname": "" }), "invalid_nickname"),
        (json!({ "nickname": "   " }), "invalid_nickname"),
        (json!({ "nickname": "一".repeat(21) }), "invalid_nickname"),
        // 21 characters as people count them, though each is five code points.
        (
            json!({ "nickname": "👨\u{200d}👩\u{200d}👧".repeat(21) }),
            "invalid_nickname",
        ),
        // Refused at the edge, like every control character but tab and line breaks.
        (json!({ "nickname": "a\u{0}b" }), "invalid_characters"),
        (json!({ "nickname": "a\nb" }), "invalid_nickname"),
        (json!({ "locale": "fr" }), "invalid_locale"),
        (json!({ "locale": "" }), "invalid_locale"),
        (json!({ "birthday": "2026-03-11" }), "invalid_birthday"),
        (json!({ "birthday": "1899-12-31" }), "invalid_birthday"),
        (json!({ "birthday": "1990-02-30" }), "invalid_request"),
        (json!({ "birthday": "20/05/1990" }), "invalid_request"),
        (json!({ "birthday": "--02-30" }), "invalid_request"),
        (json!({ "birthday": "--13-01" }), "invalid_request"),
        (json!({ "birthday": "07-14" }), "invalid_request"),
        (json!({ "nickname": 5 }), "invalid_request"),
        (json!({ "phone": "13900000009" }), "invalid_request"),
        (json!({ "tier": "diamond" }), "invalid_request"),
        (json!({ "id": "m_other" }), "invalid_request"),
        (json!([]), "invalid_request"),
        // A valid field next to an invalid one: nothing is applied.
        (
            json!({ "nickname": "小明", "locale": "de" }),
            "invalid_locale",
        ),
        (
            json!({ "nickname": "小明", "birthday": "2999-01-01" }),
            "invalid_birthday",
        ),
    ];
    for (body, code) in bad {
        patch(&w, &w.a, body)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    w.app
        .send(Method::PATCH, "/api/me", Some("application/json"), "{")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let res = w
        .app
        .call_with(
            Method::PATCH,
            "/api/me",
            &[
                ("authorization", &format!("Bearer {}", w.a)),
                ("content-type", "application/json"),
            ],
            None,
            None,
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "invalid_json");
    let res = w
        .app
        .call_with(
            Method::PATCH,
            "/api/me",
            &[("authorization", &format!("Bearer {}", w.a))],
            None,
            None,
        )
        .await;
    res.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let after = w.me(&w.a).await;
    for field in ["nickname", "locale", "birthday", "tier", "phone_masked"] {
        assert_eq!(after[field], before[field], "{field}");
    }

    // Valid changes, trimmed; 20 characters is the most; the answer is the new summary.
    let res = patch(&w, &w.a, json!({ "nickname": "  小明  ", "locale": "en" })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(
        (&res.json()["nickname"], &res.json()["locale"]),
        (&json!("小明"), &json!("en"))
    );
    let twenty = "一".repeat(20);
    assert_eq!(
        patch(&w, &w.a, json!({ "nickname": twenty })).await.json()["nickname"],
        twenty
    );
    // Absent or null fields are left as they are.
    let res = patch(&w, &w.a, json!({ "nickname": null })).await;
    assert_eq!(
        (&res.json()["nickname"], &res.json()["locale"]),
        (&json!(twenty), &json!("en"))
    );

    // The birthday: today is allowed; once set, only the same date again.
    let res = patch(&w, &w.a, json!({ "birthday": "2026-03-10" })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json()["birthday"], "2026-03-10");
    assert_eq!(res.json()["snapshot"]["birthday"], "2026-03-10");
    patch(
        &w,
        &w.a,
        json!({ "birthday": "1990-05-20", "locale": "zh" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "birthday_already_set");
    let res = patch(
        &w,
        &w.a,
        json!({ "birthday": "2026-03-10", "locale": "zh" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        (&res.json()["birthday"], &res.json()["locale"]),
        (&json!("2026-03-10"), &json!("zh"))
    );
    // B is untouched by all of it.
    let b = w.me(&w.b).await;
    assert_eq!(
        (&b["nickname"], &b["locale"], &b["birthday"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );

    // Without the year: month and day, Feb 29 too; set once like any birthday.
    let res = patch(&w, &w.b, json!({ "birthday": "--02-29" })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(res.json()["birthday"], "--02-29");
    assert_eq!(w.me(&w.b).await["birthday"], "--02-29");
    for other in ["--03-01", "2000-02-29"] {
        patch(&w, &w.b, json!({ "birthday": other }))
            .await
            .assert_error(StatusCode::CONFLICT, "birthday_already_set");
    }
}

#[tokio::test]
async fn the_export_has_the_orders_ledger_coupons_checkins_and_consent() {
    let mut w = world("2026-03-10T12:00:00+08:00").await;
    w.post_order(&order("SO-1", PHONE_A, "2026-03-10T11:00:00+08:00", 30_000))
        .await;
    checkin(&w, &w.a).await;
    patch(
        &w,
        &w.a,
        json!({ "birthday": "1990-05-20", "nickname": "小明" }),
    )
    .await;
    w.post_order(&order("SO-B", PHONE_B, "2026-03-10T11:00:00+08:00", 10_000))
        .await;
    let res = call(&w, Method::GET, "/api/me/export", &w.a, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert!(res
        .header(header::CONTENT_DISPOSITION)
        .starts_with("attachment"));
    let doc = res.json();
    let m = &doc["member"];
    assert_eq!(m["phone"], "+8613900000001");
    assert_eq!(m["nickname"], "小明");
    assert_eq!(m["birthday"], "1990-05-20");
    assert_eq!(m["points_balance"], 305);
    assert_eq!(m["privacy_consent"]["version"], "2026-11-01");
    assert_eq!(m["privacy_consent"]["at"], "2026-03-10T12:00:00+08:00");
    let orders = doc["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["order_id"], "SO-1");
    assert_eq!(orders[0]["earn_base_fen"], 30_000);
    assert_eq!(orders[0]["quote"]["points"]["total"], 300);
    // The history's entries as stored: what each names (`subject`) is the history's
    // reading of the orders and redemptions the export holds beside them.
    let ledger: Vec<Value> = w
        .ledger(&w.a)
        .await
        .into_iter()
        .rev()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("subject");
            e
        })
        .collect();
    assert_eq!(doc["points_ledger"], json!(ledger));
    assert_eq!(ledger.len(), 2);
    // The registration's welcome and first-order coupons, and the first order's award.
    let mut sources: Vec<&str> = doc["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    sources.sort();
    assert_eq!(sources, ["first_order", "first_order", "welcome"]);
    assert_eq!(
        doc["checkins"],
        json!([{ "date": "2026-03-10", "streak_day": 1, "points": 5 }])
    );

    // After the points' expiry (before any job or write records it), the export says what
    // /api/me says.
    w.app.set_now("2028-01-01T00:00:00+08:00");
    w.login_again().await;
    assert_eq!(w.me(&w.a).await["points_balance"], 0);
    let doc = call(&w, Method::GET, "/api/me/export", &w.a, None)
        .await
        .json();
    assert_eq!(doc["member"]["points_balance"], 0);
}

#[tokio::test]
async fn deleting_the_account_erases_personal_data_and_keeps_the_ledger_anonymized() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let old_id = w.id(&w.a).await;
    w.post_order(&order("SO-1", PHONE_A, "2026-03-10T11:00:00+08:00", 30_000))
        .await;
    checkin(&w, &w.a).await;
    patch(
        &w,
        &w.a,
        json!({ "birthday": "1990-05-20", "nickname": "小明", "locale": "en" }),
    )
    .await;
    // A second session of A, by cookie.
    w.app.set_now("2026-03-10T12:02:00+08:00");
    let second = w.app.login(PHONE_A).await;
    let b_before = w.me(&w.b).await;

    let res = call(&w, Method::DELETE, "/api/me", &w.a, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert!(res.header(header::SET_COOKIE).contains("Max-Age=0"));
    for token in [&w.a, &second] {
        for (method, path) in [
            (Method::GET, "/api/me"),
            (Method::GET, "/api/me/points"),
            (Method::GET, "/api/me/export"),
            (Method::POST, "/api/me/checkin"),
            (Method::DELETE, "/api/me"),
        ] {
            call(&w, method, path, token, None)
                .await
                .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        }
    }
    // The row is an anonymous tombstone; the ledger, lots and orders are kept under it.
    let db = &w.app.state.db;
    let (phone, nickname, birthday, locale): (
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as("SELECT phone, nickname, birthday, locale FROM members WHERE id = $1")
        .bind(&old_id)
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(
        (phone, nickname.as_str(), birthday, locale),
        (None, "", None, None)
    );
    let app = &w.app;
    let count = |table: &'static str| {
        let old_id = old_id.clone();
        async move {
            app.scalar(
                &format!("SELECT COUNT(*) FROM {table} WHERE member_id = $1"),
                &[&old_id],
            )
            .await
        }
    };
    assert_eq!(count("points_ledger").await, 2);
    assert_eq!(count("orders").await, 1);
    assert_eq!(count("sessions").await, 0);
    assert_eq!(count("coupons").await, 0, "unused coupons go");

    // The phone registers again as a new member, with nothing of the old one.
    let token = w.app.login(PHONE_A).await;
    let me = w.me(&token).await;
    assert_ne!(me["id"], json!(old_id));
    assert_eq!(me["points_balance"], 0);
    assert_eq!(me["lifetime_spend_fen"], 0);
    assert_eq!(me["birthday"], Value::Null);
    assert_eq!(me["nickname"], Value::Null);
    assert!(w.ledger(&token).await.is_empty());
    let doc = call(&w, Method::GET, "/api/me/export", &token, None)
        .await
        .json();
    assert_eq!(doc["orders"], json!([]));
    // The shop's old order can still be refunded; it touches only the old, anonymous books.
    let res = w.refund("SO-1", "R-1", 30_000).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(count("points_ledger").await, 3);
    assert_eq!(w.me(&token).await["points_balance"], 0);
    // B is untouched.
    let b = w.me(&w.b).await;
    assert_eq!(
        (&b["id"], &b["nickname"]),
        (&b_before["id"], &b_before["nickname"])
    );
}

#[tokio::test]
async fn a_nickname_is_counted_in_characters_as_people_count_them() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    // Twenty family emojis: 100 code points, 20 characters; stored whole.
    let family = "👨\u{200d}👩\u{200d}👧".repeat(20);
    let res = patch(&w, &w.a, json!({ "nickname": family })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    assert_eq!(w.me(&w.a).await["nickname"], family.as_str());
}

/// `GET /api/me` reads an SQLite file on the request's thread through rusqlite
/// (`db::sqlite_reads`), everything else through sqlx: both read the same home, to the
/// coupon and the points expiring. (PostgreSQL has the sqlx path only.)
#[tokio::test]
async fn the_home_reads_the_same_through_either_sqlite_path() {
    use member_center::db::{backend, home, Backend};
    let mut w = world("2025-03-01T12:00:00+08:00").await;
    let res = w
        .post_order(&order("O-1", PHONE_A, "2025-03-01T11:00:00+08:00", 80_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    // A month before the points expire: the warning's sum and date are read too.
    w.app.set_now("2026-12-05T12:00:00+08:00");
    w.login_again().await;
    let state = &w.app.state;
    let sqlite = state.sqlite_reads.as_deref();
    if backend(&state.db) == Backend::Postgres {
        assert!(sqlite.is_none(), "no rusqlite path on PostgreSQL");
        return;
    }
    let sqlite = sqlite.expect("an SQLite file has the rusqlite path");
    let now = state.clock.now();
    let warn_until = now + chrono::Days::new(30);
    let offset = state.program.program.offset();
    let read = |path| home::read(&state.db, path, &w.a, &now, &warn_until, offset);
    let through_rusqlite = read(Some(sqlite)).await.unwrap().expect("a live session");
    let through_sqlx = read(None).await.unwrap().expect("a live session");
    assert_eq!(through_rusqlite, through_sqlx);
    assert_eq!(through_rusqlite.wallet.len(), 3, "{through_rusqlite:?}");
    assert!(through_rusqlite.sums.expiring.is_some());
    let unknown = |path| home::read(&state.db, path, "no-such-token", &now, &warn_until, offset);
    assert_eq!(unknown(Some(sqlite)).await.unwrap(), None);
    assert_eq!(unknown(None).await.unwrap(), None);
}
