//! Invites: the code and progress, acceptance rewarding both sides, the 3rd-invite bonus,
//! the 10-per-year cap, and refusals with stable codes.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::support::{members_with, world, World};

const NOW: &str = "2027-03-10T12:00:00+08:00";

async fn progress(w: &World, token: &str) -> Value {
    let res = w
        .app
        .call(Method::GET, "/api/me/invite", Some(token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()
}

async fn accept(w: &World, token: &str, code: &str) -> crate::helpers::TestResponse {
    accept_on(&w.app, token, code).await
}

async fn accept_on(app: &TestApp, token: &str, code: &str) -> crate::helpers::TestResponse {
    app.call(
        Method::POST,
        "/api/invites/accept",
        Some(token),
        Some(&json!({ "code": code })),
    )
    .await
}

async fn invite_coupons(w: &World, member_id: &str, off_fen: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND source = 'invite' \
               AND kind LIKE $2";
    w.app
        .scalar(sql, &[member_id, &format!("%{off_fen}%")])
        .await
}

#[tokio::test]
async fn an_invite_rewards_both_and_the_third_adds_the_bonus() {
    let w = world(NOW).await;
    let a = w.id(&w.a).await;
    let p = progress(&w, &w.a).await;
    let code = p["code"].as_str().unwrap().to_owned();
    assert_eq!(p["link"], format!("/?invite={code}"));
    assert_eq!(p["rewarded_this_year"], 0);
    assert_eq!(p["invites_to_bonus"], 3);
    assert_eq!(
        progress(&w, &w.a).await["code"],
        json!(code),
        "one code, kept"
    );

    let invitees = members_with(&w.app, 3, 0, "regular").await;
    for (n, (id, token)) in invitees.iter().enumerate() {
        let res = accept(&w, token, &code).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        let answer = res.json();
        assert_eq!(answer["inviter_rewarded"], true);
        assert_eq!(answer["inviter_bonus"], n == 2);
        assert_eq!(invite_coupons(&w, id, "2000").await, 1);
    }
    assert_eq!(invite_coupons(&w, &a, "2000").await, 3);
    assert_eq!(invite_coupons(&w, &a, "5000").await, 1);
    let p = progress(&w, &w.a).await;
    assert_eq!(
        (p["rewarded_this_year"].clone(), p["bonus_earned"].clone()),
        (json!(3), json!(true))
    );
    assert_eq!(p["invites_to_bonus"], 0);
    // Both sides' exports list the invite, without the other member's id.
    let export = w
        .app
        .call(Method::GET, "/api/me/export", Some(&w.a), None)
        .await
        .json();
    assert_eq!(export["invites"].as_array().unwrap().len(), 3);
    assert_eq!(export["invites"][0]["as"], "inviter");
    assert_eq!(export["invites"][0]["inviter_rewarded"], true);
    let (invitee, token) = &invitees[0];
    let export = w
        .app
        .call(Method::GET, "/api/me/export", Some(token), None)
        .await
        .json();
    assert_eq!(export["invites"][0]["as"], "invitee");
    assert!(!export.to_string().contains(&a));
    assert!(export.to_string().contains(invitee.as_str()));
}

/// Codes go into links as they are and are read aloud: no character a URL escapes or a
/// reader confuses. (Base64 codes held `-` and `_` in about one of five, and the app's
/// link reader dropped those.)
#[tokio::test]
async fn codes_are_readable_link_safe_and_typed_in_any_case() {
    let w = world(NOW).await;
    let members = members_with(&w.app, 40, 0, "regular").await;
    let mut codes = Vec::new();
    for (_, token) in &members {
        let code = progress(&w, token).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(code.len(), 8, "{code}");
        assert!(
            code.bytes()
                .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
            "{code}"
        );
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes.len(),
        members.len(),
        "every member has their own code"
    );

    let code = progress(&w, &w.a).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, fresh) = &members_with(&w.app, 1, 0, "regular").await[0];
    let res = accept(&w, fresh, &format!(" {} ", code.to_ascii_lowercase())).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
}

/// Guessing codes is limited per member (10 tries an hour by default): the 11th try is
/// refused with 429 and `Retry-After` even with the right code, and changes nothing;
/// another member is not held up.
#[tokio::test]
async fn code_guessing_is_limited_per_member() {
    let w = world(NOW).await;
    let code = progress(&w, &w.a).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh = members_with(&w.app, 2, 0, "regular").await;
    let (guesser, other) = (&fresh[0].1, &fresh[1].1);
    for n in 0..10 {
        accept(&w, guesser, &format!("WRONG{n:03}"))
            .await
            .assert_error(StatusCode::NOT_FOUND, "invite_not_found");
    }
    let res = accept(&w, guesser, &code).await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert!(
        res.header(axum::http::header::RETRY_AFTER)
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM invites", &[]).await, 0);
    let res = accept(&w, other, &code).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
}

#[tokio::test]
async fn the_yearly_cap_and_bad_accepts() {
    let w = world(NOW).await;
    let a = w.id(&w.a).await;
    let code = progress(&w, &w.a).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let invitees = members_with(&w.app, 11, 0, "regular").await;
    for (n, (id, token)) in invitees.iter().enumerate() {
        let res = accept(&w, token, &code).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
        assert_eq!(res.json()["inviter_rewarded"], n < 10, "invite {n}");
        assert_eq!(
            invite_coupons(&w, id, "2000").await,
            1,
            "the invitee is rewarded"
        );
    }
    assert_eq!(
        invite_coupons(&w, &a, "2000").await,
        10,
        "at most 10 a year"
    );
    assert_eq!(invite_coupons(&w, &a, "5000").await, 1);
    assert_eq!(progress(&w, &w.a).await["rewarded_this_year"], 10);

    let coupons_before = w.app.scalar("SELECT COUNT(*) FROM coupons", &[]).await;
    let (_, first) = &invitees[0];
    accept(&w, first, &code)
        .await
        .assert_error(StatusCode::CONFLICT, "invite_already_accepted");
    accept(&w, &w.a, &code)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invite_self");
    let (_, fresh) = &members_with(&w.app, 1, 0, "regular").await[0];
    accept(&w, fresh, "nope")
        .await
        .assert_error(StatusCode::NOT_FOUND, "invite_not_found");
    w.app
        .call(
            Method::POST,
            "/api/invites/accept",
            None,
            Some(&json!({ "code": code })),
        )
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    // Registration was more than 7 days ago.
    w.app.set_now("2027-03-17T12:00:01+08:00");
    accept(&w, fresh, &code)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invite_too_late");
    assert_eq!(
        w.app.scalar("SELECT COUNT(*) FROM coupons", &[]).await,
        coupons_before
    );
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM invites", &[]).await, 11);

    // A new year: the cap starts again.
    w.app.set_now("2028-01-02T12:00:00+08:00");
    let (_, next) = &members_with(&w.app, 1, 0, "regular").await[0];
    let res = accept(&w, next, &code).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(res.json()["inviter_rewarded"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_concurrent_acceptances_reward_the_inviter_ten_times_and_one_bonus() {
    let w = std::sync::Arc::new(world(NOW).await);
    let a = w.id(&w.a).await;
    let code = progress(&w, &w.a).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let invitees = members_with(&w.app, 12, 0, "regular").await;
    // Half go to a second server on the same database, as to another process.
    let second = std::sync::Arc::new(w.app.second_server());
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (_, token)) in invitees.into_iter().enumerate() {
        let (w, second, code) = (w.clone(), second.clone(), code.clone());
        tasks.spawn(async move {
            let app = if i % 2 == 0 { &w.app } else { &second };
            accept_on(app, &token, &code).await.json()
        });
    }
    let answers = tasks.join_all().await;
    assert!(
        answers.iter().all(|r| r["inviter_rewarded"].is_boolean()),
        "{answers:?}"
    );
    let rewarded = answers
        .iter()
        .filter(|r| r["inviter_rewarded"] == true)
        .count();
    let bonuses = answers
        .iter()
        .filter(|r| r["inviter_bonus"] == true)
        .count();
    assert_eq!((rewarded, bonuses), (10, 1));
    assert_eq!(invite_coupons(&w, &a, "2000").await, 10);
    assert_eq!(invite_coupons(&w, &a, "5000").await, 1);
}

/// What an invite or join link shows before the login: the inviter as a friend knows
/// them, the store by name, the welcome coupons; unknown or malformed codes show nothing
/// of them, and nobody needs to be logged in.
#[tokio::test]
async fn a_link_shows_who_brought_the_shopper_and_what_joining_gives() {
    let w = world(NOW).await;
    let code = progress(&w, &w.a).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    member_center::db::stores::upsert(&w.app.state.db, "SH001", "上海静安店", 0)
        .await
        .unwrap();
    let context = |query: String| {
        let app = &w.app;
        async move {
            let res = app
                .call(
                    Method::GET,
                    &format!("/api/join-context?{query}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.json());
            res.json()
        }
    };
    let both = context(format!("store=SH001&invite={code}")).await;
    assert_eq!(
        both["store"],
        json!({ "code": "SH001", "name": "上海静安店" })
    );
    // A has no nickname: the masked phone.
    assert_eq!(both["invite"]["inviter"], "139****0001");
    assert_eq!(both["invite"]["reward"]["en"], "¥20.00 invite coupon");
    assert_eq!(
        both["gifts"],
        json!([
            { "zh": "注册礼 ¥10.00 无门槛券", "en": "¥10.00 welcome coupon" },
            { "zh": "新人首单券 满100减30", "en": "First order: ¥30.00 off ¥100.00" }
        ])
    );
    // A chose a nickname: its first character.
    let res = w
        .app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.a),
            Some(&json!({ "nickname": "林小满" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let invited = context(format!("invite={}", code.to_lowercase())).await;
    assert_eq!(invited["invite"]["inviter"], "林**");
    assert_eq!(invited["store"], Value::Null);
    for query in ["store=NOPE", "invite=ZZZZZZZZ", "store=%20x&invite=a", ""] {
        let nothing = context(query.to_owned()).await;
        assert_eq!(
            (&nothing["store"], &nothing["invite"]),
            (&Value::Null, &Value::Null),
            "{query}"
        );
    }
    let res = w
        .app
        .call(Method::GET, "/api/join-context?other=1", None, None)
        .await;
    res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query");
}
