//! The dashboard's rollups (issue 40, "fast at scale") change no figure: the answer with
//! nothing rolled (every fact read live, which `dashboard.rs` checks against the raw
//! rows) equals the answer after the nightly roll-up, after writes that land on rolled
//! days (a late order, a refund of a rolled order across the range's start), and after
//! a day rolled again, and after members registered and erased since the latest roll.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{order, world, World, PHONE_A, PHONE_B};

const ANALYST: &str = "13500000008";
const RANGE: &str = "from=2027-03-03&to=2027-03-06";

async fn answer(w: &World, token: &str) -> Value {
    let res = w
        .app
        .call(
            axum::http::Method::GET,
            &format!("/api/admin/dashboard?{RANGE}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

/// Rolls every day before `date` as the nightly job would.
async fn roll(w: &World, date: &str) -> u64 {
    let day =
        (date.parse::<chrono::NaiveDate>().unwrap() - chrono::NaiveDate::default()).num_days();
    member_center::db::rollups::roll_before(&w.app.state.db, 8 * 3_600_000, day, 0)
        .await
        .unwrap()
}

/// Forgets every rolled day: the next answer is read live.
async fn unroll(w: &World) {
    for sql in [
        "DELETE FROM rollups",
        "DELETE FROM rolled_days",
        "DELETE FROM rolled_standing",
    ] {
        sqlx::query(sql).execute(&w.app.state.db).await.unwrap();
    }
}

#[tokio::test]
async fn rolled_days_late_writes_and_a_reroll_change_no_figure() {
    let mut w = world("2027-02-27T10:00:00+08:00").await;
    let paid = [
        ("o-1", PHONE_A, "2027-02-27T09:00:00+08:00", 30_000),
        ("o-2", PHONE_B, "2027-03-01T20:00:00+08:00", 80_000),
    ];
    for (id, phone, at, fen) in paid {
        w.app.set_now(at);
        w.login_again().await;
        let res = w.post_order(&order(id, phone, at, fen)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    w.app.set_now("2027-03-04T09:00:00+08:00");
    w.login_again().await;
    let res = w
        .post_order(&order("o-3", PHONE_A, "2027-03-04T08:00:00+08:00", 50_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    member_center::cli::create_user(&w.app.state.db, "analyst", ANALYST, None)
        .await
        .unwrap();
    let analyst = w.app.login(ANALYST).await;
    let live = answer(&w, &analyst).await;

    // The server was down: the first roll catches up every day before today, oldest first.
    assert!(roll(&w, "2027-03-04").await >= 5);
    assert_eq!(answer(&w, &analyst).await, live, "rolled days");
    assert_eq!(roll(&w, "2027-03-04").await, 0, "a day is rolled once");

    // Later the same day: an order paid on a rolled day (reported late), a refund of a
    // rolled order paid before the range, today's part.
    let late = order("o-4", PHONE_B, "2027-03-03T22:00:00+08:00", 20_000);
    assert_eq!(w.post_order(&late).await.status, StatusCode::CREATED);
    assert_eq!(
        w.refund("o-2", "r-2", 10_000).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        w.refund("o-1", "r-1", 30_000).await.status,
        StatusCode::CREATED
    );
    let after_writes = answer(&w, &analyst).await;
    assert_ne!(after_writes, live);
    unroll(&w).await;
    assert_eq!(answer(&w, &analyst).await, after_writes, "read live");

    // Rolled again through today's writes, and one day rolled twice.
    w.app.set_now("2027-03-07T09:00:00+08:00");
    w.login_again().await;
    let analyst = w.app.login(ANALYST).await;
    let live = answer(&w, &analyst).await;
    roll(&w, "2027-03-07").await;
    assert_eq!(answer(&w, &analyst).await, live, "rolled after the writes");
    let day = ("2027-03-04".parse::<chrono::NaiveDate>().unwrap() - chrono::NaiveDate::default())
        .num_days();
    member_center::db::rollups::roll_day(&w.app.state.db, 8 * 3_600_000, day, 0)
        .await
        .unwrap();
    assert_eq!(answer(&w, &analyst).await, live, "a day rolled again");

    // A member registered and one erased after the latest roll: the rolled standing
    // (members per tier, points outstanding) plus the members touched since.
    w.app.login("13900000003").await;
    let res = w
        .app
        .call(axum::http::Method::DELETE, "/api/me", Some(&w.b), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    let after = answer(&w, &analyst).await;
    assert_ne!(after["members_per_tier"], live["members_per_tier"]);
    assert_ne!(after["points_outstanding"], live["points_outstanding"]);
    unroll(&w).await;
    let mut live_after = answer(&w, &analyst).await;
    // An erasure deletes the member's unused coupons, so the raw rows no longer show them
    // issued while the rolled days still count them: not what this test is about.
    for k in ["coupons_issued", "coupons_issued_by_source"] {
        live_after[k] = after[k].clone();
    }
    assert_eq!(live_after, after, "registered and erased since");
}
