//! The points planner over HTTP: the member's lots by expiry date from real orders, what
//! each can buy, the campaigns before it, and a redemption taking the oldest points first.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::mall::redeem;
use crate::support::{order, world, PHONE_A};

async fn plan(w: &crate::support::World, token: &str) -> Value {
    let res = w
        .app
        .call(Method::GET, "/api/me/points/plan", Some(token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    res.json()
}

/// A lot as the test compares it: expires_on, points, points_by_then, item ids, and
/// campaigns as `id first..last`.
type Lot = (String, i64, i64, Vec<String>, Vec<String>);

fn lots(plan: &Value) -> Vec<Lot> {
    let strings = |list: &Value, f: &dyn Fn(&Value) -> String| {
        list.as_array().unwrap().iter().map(f).collect::<Vec<_>>()
    };
    plan["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["expires_on"].as_str().unwrap().to_owned(),
                l["points"].as_i64().unwrap(),
                l["points_by_then"].as_i64().unwrap(),
                strings(&l["items"], &|i| i["id"].as_str().unwrap().to_owned()),
                strings(&l["campaigns"], &|c| {
                    format!(
                        "{} {}..{}",
                        c["id"].as_str().unwrap(),
                        c["first"],
                        c["last"]
                    )
                    .replace('"', "")
                }),
            )
        })
        .collect()
}

/// The default mall's items a member below diamond may redeem, cheapest first, that
/// cost at most `points` (PROGRAM.md §5).
fn affordable(points: i64) -> Vec<String> {
    [
        ("sticker-pack", 100),
        ("keychain", 300),
        ("coupon-10", 500),
        ("tote-bag", 800),
        ("coupon-300-50", 1_000),
    ]
    .iter()
    .filter(|(_, p)| *p <= points)
    .map(|(id, _)| id.to_string())
    .collect()
}

#[tokio::test]
async fn the_plan_groups_points_by_expiry_with_what_they_buy_and_spends_oldest_first() {
    // Points earned in 2026 expire on 2028-01-01, those of 2027 on 2029-01-01.
    let w = world("2026-03-10T12:00:00+08:00").await;
    let res = w
        .post_order(&order(
            "o-2026",
            PHONE_A,
            "2026-03-10T12:00:00+08:00",
            60_000,
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    w.app.set_now("2027-03-10T12:00:00+08:00");
    let res = w
        .post_order(&order(
            "o-2027",
            PHONE_A,
            "2027-03-10T12:00:00+08:00",
            40_000,
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    w.app.set_now("2027-12-02T12:00:00+08:00");
    let token = w.app.login(PHONE_A).await;

    // What each year earned, from the ledger itself.
    let mut earned: BTreeMap<String, i64> = BTreeMap::new();
    for e in w.ledger(&token).await {
        let year = e["at"].as_str().unwrap()[..4].to_owned();
        *earned.entry(year).or_default() += e["points"].as_i64().unwrap();
    }
    let (old, new) = (earned["2026"], earned["2027"]);
    assert!(old >= 600 && new >= 400, "{earned:?}");

    let got = plan(&w, &token).await;
    assert_eq!(got["points_balance"], old + new);
    let expected = vec![
        (
            "2028-01-01".to_owned(),
            old,
            old,
            affordable(old),
            // From today to 2027-12-31: 618 and 双十一 of 2027 are over.
            vec![],
        ),
        (
            "2029-01-01".to_owned(),
            new,
            old + new,
            affordable(old + new),
            vec![
                "campaign-618 2028-06-01..2028-06-18".to_owned(),
                "campaign-1111 2028-11-01..2028-11-11".to_owned(),
            ],
        ),
    ];
    assert_eq!(lots(&got), expected);
    assert_eq!(got["lots"][0]["last_day"], "2027-12-31");

    // A redemption takes the points that expire first.
    let res = redeem(
        &w.app,
        Some(&token),
        Some("r-1"),
        &json!({ "item_id": "keychain" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let after = lots(&plan(&w, &token).await);
    assert_eq!((after[0].1, after[1].1), (old - 300, new));
}

#[tokio::test]
async fn the_plan_is_the_members_own_and_empty_without_points() {
    let w = world("2027-12-02T12:00:00+08:00").await;
    let res = w
        .app
        .call(Method::GET, "/api/me/points/plan", None, None)
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let got = plan(&w, &w.b).await;
    assert_eq!(got, json!({ "points_balance": 0, "lots": [] }));
}
