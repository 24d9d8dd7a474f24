//! The scheduled jobs, called as `member-center jobs run --date` calls them: points expiry
//! (also applied on read and before every write) and the monthly downgrade evaluation, both
//! idempotent for a date.

use axum::http::StatusCode;
use member_center::workflows::issuance::Issued;
use member_center::workflows::jobs::{self, JobReport};
use serde_json::{json, Value};

use crate::support::{order, world, World, PHONE_A};

async fn run(w: &World, date: &str) -> JobReport {
    jobs::run(
        &w.app.state.db,
        &w.app.state.program.program,
        date.parse().unwrap(),
    )
    .await
    .unwrap()
}

/// (tier, consecutive evaluations below) as stored.
async fn standing(w: &World, member_id: &str) -> (String, i64) {
    sqlx::query_as("SELECT tier, below_count FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&w.app.state.db)
        .await
        .unwrap()
}

fn kinds(ledger: &[Value]) -> Vec<&str> {
    ledger.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn points_earned_in_a_year_expire_when_the_second_year_after_begins() {
    let mut w = world("2026-03-10T12:00:00+08:00").await;
    // 2026: ¥300 earns 300 points (they expire 2028-01-01 00:00 local).
    w.post_order(&order("SO-1", PHONE_A, "2026-03-10T11:00:00+08:00", 30_000))
        .await;
    // 2027: ¥500 paid with 100 points; the oldest (2026) points are the ones used. The 2026
    // order has left the window: regular, ¥499 earns 499 (they expire 2029-01-01).
    w.app.set_now("2027-12-20T12:00:00+08:00");
    w.login_again().await;
    let mut spend = order("SO-2", PHONE_A, "2027-12-20T11:00:00+08:00", 50_000);
    spend["points"] = json!(100);
    let res = w.post_order(&spend).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    assert_eq!(res.json()["quote"]["points"]["total"], 499);
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], 699);
    assert_eq!(
        me["points_expiring"],
        json!({ "points": 200, "at": "2028-01-01T00:00:00+08:00" })
    );

    // The last second of 2027 (local, written in UTC): nothing has expired; the job for
    // Dec 31 records nothing.
    w.app.set_now("2027-12-31T15:59:59Z");
    assert_eq!(w.me(&w.a).await["points_balance"], 699);
    run(&w, "2027-12-31").await;
    assert_eq!(w.ledger(&w.a).await.len(), 3);

    // Midnight: the balance drops on read, before any job has run.
    w.app.set_now("2027-12-31T16:00:00Z");
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], 499);
    assert_eq!(me["snapshot"]["points_balance"], 499);
    assert_eq!(me["points_expiring"], Value::Null);
    assert_eq!(
        kinds(&w.ledger(&w.a).await),
        ["earn", "points_used", "earn"]
    );

    // The job writes one `expire` entry for what was left of the 2026 lot, at its expiry.
    run(&w, "2028-01-01").await;
    let ledger = w.ledger(&w.a).await;
    assert_eq!(kinds(&ledger), ["earn", "points_used", "earn", "expire"]);
    let expire = ledger.last().unwrap();
    assert_eq!(expire["points"], -200);
    assert_eq!(expire["balance_after"], 499);
    assert_eq!(expire["at"], "2028-01-01T00:00:00+08:00");
    assert_eq!(w.me(&w.a).await["points_balance"], 499);
    // Twice for the date, or again the day after: nothing more.
    run(&w, "2028-01-01").await;
    run(&w, "2028-01-02").await;
    assert_eq!(w.ledger(&w.a).await, ledger);
    assert!(w.ledger(&w.b).await.is_empty());
}

#[tokio::test]
async fn a_write_records_the_expiry_first_and_the_job_then_adds_nothing() {
    let mut w = world("2026-03-10T12:00:00+08:00").await;
    w.post_order(&order("SO-1", PHONE_A, "2026-03-10T11:00:00+08:00", 30_000))
        .await;
    w.app.set_now("2028-01-01T09:00:00+08:00");
    w.login_again().await;
    let res = w
        .app
        .call(
            axum::http::Method::POST,
            "/api/me/checkin",
            Some(&w.a),
            None,
        )
        .await;
    assert_eq!(res.json()["points_balance"], 5, "{}", res.json());
    let ledger = w.ledger(&w.a).await;
    assert_eq!(kinds(&ledger), ["earn", "expire", "checkin"]);
    assert_eq!(ledger[1]["points"], -300);
    run(&w, "2028-01-01").await;
    assert_eq!(w.ledger(&w.a).await, ledger);
}

#[tokio::test]
async fn six_evaluations_below_drop_gold_to_silver_and_reaching_the_threshold_resets() {
    let mut w = world("2026-03-10T12:00:00+08:00").await;
    let a = w.id(&w.a).await;
    let b = w.id(&w.b).await;
    // ¥2,500: gold; ¥1,000 refunded: ¥1,500, below gold's ¥2,000 (the tier is kept).
    w.post_order(&order(
        "SO-1",
        PHONE_A,
        "2026-03-10T11:00:00+08:00",
        250_000,
    ))
    .await;
    w.refund("SO-1", "R-1", 100_000).await;
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 0));

    let report = run(&w, "2026-04-01").await;
    assert_eq!(
        report,
        JobReport {
            members_checked_for_expiry: 2,
            evaluation: Some("2026-04-01".parse().unwrap()),
            members_evaluated: 2,
            tiers_dropped: 0,
            // A, gold, gets the monthly coupon of April.
            coupons_issued: Issued {
                monthly: 1,
                birthday: 0
            },
            // The world's logins a month ago (checked in the auth tests).
            limit_windows_pruned: report.limit_windows_pruned,
            login_links_pruned: 0,
            // Every day since the database's first, on the first run.
            days_rolled: report.days_rolled,
        }
    );
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 1));
    // The same evaluation again (that day or later that month) changes nothing.
    for date in ["2026-04-01", "2026-04-15", "2026-03-20"] {
        assert_eq!(run(&w, date).await.members_evaluated, 0, "{date}");
    }
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 1));
    run(&w, "2026-05-01").await;
    run(&w, "2026-06-01").await;
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 3));
    w.app.set_now("2026-06-10T12:00:00+08:00");
    w.login_again().await;
    assert_eq!(
        w.me(&w.a).await["retention"],
        json!({ "tier": "gold", "gap_fen": 50_000, "by": "2026-09-01" })
    );

    // Back to ¥2,000 before the July evaluation: the count starts again.
    w.app.set_now("2026-06-20T12:00:00+08:00");
    w.post_order(&order("SO-2", PHONE_A, "2026-06-20T11:00:00+08:00", 50_000))
        .await;
    assert_eq!(w.me(&w.a).await["retention"], Value::Null);
    run(&w, "2026-07-01").await;
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 0));

    // Below again from July on: five evaluations keep gold, the sixth drops one tier.
    w.app.set_now("2026-07-05T12:00:00+08:00");
    w.refund("SO-2", "R-2", 50_000).await;
    for (i, date) in [
        "2026-08-01",
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
        "2026-12-01",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(run(&w, date).await.tiers_dropped, 0);
        assert_eq!(standing(&w, &a).await, ("gold".to_owned(), i as i64 + 1));
    }
    w.app.set_now("2026-12-05T12:00:00+08:00");
    w.login_again().await;
    assert_eq!(
        w.me(&w.a).await["retention"],
        json!({ "tier": "gold", "gap_fen": 50_000, "by": "2027-01-01" })
    );
    let report = run(&w, "2027-01-01").await;
    assert_eq!((report.members_evaluated, report.tiers_dropped), (2, 1));
    assert_eq!(standing(&w, &a).await, ("silver".to_owned(), 0));
    // A drop is seen as it happens: nothing to celebrate, and gold again would be.
    let celebrated: String =
        sqlx::query_scalar("SELECT tier_celebrated FROM members WHERE id = $1")
            .bind(&a)
            .fetch_one(&w.app.state.db)
            .await
            .unwrap();
    assert_eq!(celebrated, "silver");
    w.app.set_now("2027-01-05T12:00:00+08:00");
    w.login_again().await;
    let me = w.me(&w.a).await;
    assert_eq!(me["tier"], "silver");
    assert_eq!(me["qualifying_spend_fen"], 150_000);
    assert_eq!(
        me["next_tier"],
        json!({ "tier": "gold", "gap_fen": 50_000 })
    );
    assert_eq!(me["retention"], Value::Null);
    // Running it again, or an older month's evaluation, changes nothing.
    let report = run(&w, "2027-01-01").await;
    assert_eq!((report.members_evaluated, report.tiers_dropped), (0, 0));
    run(&w, "2026-12-01").await;
    assert_eq!(standing(&w, &a).await, ("silver".to_owned(), 0));
    // Regular cannot drop.
    assert_eq!(standing(&w, &b).await, ("regular".to_owned(), 0));
}

#[tokio::test]
async fn an_evaluation_only_counts_members_who_existed_at_its_instant() {
    // Registered on the 10th and gold at once: the evaluation of the 1st (run late, e.g. by
    // a daily cron) is not about this member.
    let w = world("2026-03-10T12:00:00+08:00").await;
    let a = w.id(&w.a).await;
    w.post_order(&order(
        "SO-1",
        PHONE_A,
        "2026-03-10T11:00:00+08:00",
        250_000,
    ))
    .await;
    run(&w, "2026-03-10").await;
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 0));
    // The next evaluation counts it as usual.
    w.refund("SO-1", "R-1", 100_000).await;
    run(&w, "2026-04-01").await;
    assert_eq!(standing(&w, &a).await, ("gold".to_owned(), 1));
}

async fn issued(w: &World, member_id: &str, source: &str) -> i64 {
    w.app
        .scalar(
            "SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND source = $2",
            &[member_id, source],
        )
        .await
}

#[tokio::test]
async fn monthly_and_birthday_coupons_are_issued_once_and_feb_29_on_feb_28() {
    let mut w = world("2027-02-20T12:00:00+08:00").await;
    let (a, b) = (w.id(&w.a).await, w.id(&w.b).await);
    // A: silver by ¥600. B: regular, born on Feb 29.
    let res = w
        .post_order(&order("SO-1", PHONE_A, "2027-02-20T11:00:00+08:00", 60_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let res = w
        .app
        .call(
            axum::http::Method::PATCH,
            "/api/me",
            Some(&w.b),
            Some(&json!({ "birthday": "2000-02-29" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
    let nothing = Issued::default();

    // 2027 has no Feb 29: the birthday coupon comes on Feb 28, once however often run.
    let report = run(&w, "2027-02-28").await;
    assert_eq!(
        report.coupons_issued,
        Issued {
            monthly: 0,
            birthday: 1
        }
    );
    assert_eq!(run(&w, "2027-02-28").await.coupons_issued, nothing);
    assert_eq!(issued(&w, &b, "birthday").await, 1);
    assert_eq!(issued(&w, &a, "birthday").await, 0);

    // The 1st: silver and up get the monthly coupon, valid from local midnight.
    let report = run(&w, "2027-03-01").await;
    assert_eq!(
        report.coupons_issued,
        Issued {
            monthly: 1,
            birthday: 0
        }
    );
    assert_eq!(run(&w, "2027-03-01").await.coupons_issued, nothing);
    assert_eq!(issued(&w, &a, "monthly").await, 1);
    assert_eq!(issued(&w, &b, "monthly").await, 0);
    let from: i64 =
        sqlx::query_scalar("SELECT valid_from_ms FROM coupons WHERE source = 'monthly'")
            .fetch_one(&w.app.state.db)
            .await
            .unwrap();
    let midnight = chrono::DateTime::parse_from_rfc3339("2027-03-01T00:00:00+08:00").unwrap();
    assert_eq!(from, midnight.timestamp_millis());

    // 2028 is a leap year: Feb 29 itself, not Feb 28.
    w.app.set_now("2028-02-28T12:00:00+08:00");
    w.login_again().await;
    assert_eq!(run(&w, "2028-02-28").await.coupons_issued.birthday, 0);
    assert_eq!(run(&w, "2028-02-29").await.coupons_issued.birthday, 1);
    assert_eq!(run(&w, "2028-02-29").await.coupons_issued.birthday, 0);
    assert_eq!(issued(&w, &b, "birthday").await, 2);
}

#[tokio::test]
async fn registration_issues_the_welcome_and_first_order_coupons_once() {
    let w = world("2027-02-20T12:00:00+08:00").await;
    let a = w.id(&w.a).await;
    assert_eq!(issued(&w, &a, "welcome").await, 1);
    assert_eq!(issued(&w, &a, "first_order").await, 1);
    // A second login is no registration.
    w.app.login(PHONE_A).await;
    assert_eq!(issued(&w, &a, "welcome").await, 1);
    assert_eq!(issued(&w, &a, "first_order").await, 1);
    let only = "SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND first_order_only = TRUE";
    assert_eq!(w.app.scalar(only, &[&a]).await, 1);
}

/// The job walks the members a page of ids at a time (1,000): every member of several
/// pages is reached once, deleted ones are not.
#[tokio::test]
async fn the_job_reaches_every_member_across_pages_of_ids() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let members = crate::support::members_with(&w.app, 2_050, 10, "regular").await;
    sqlx::query("UPDATE members SET deleted_at_ms = 1 WHERE id = $1")
        .bind(&members[1_500].0)
        .execute(&w.app.state.db)
        .await
        .unwrap();
    // Two years on, every opening balance has expired: one expiry entry per member left.
    let report = run(&w, "2028-03-10").await;
    let walked = 2 + 2_050 - 1;
    assert_eq!(report.members_checked_for_expiry, walked);
    let expired = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM points_ledger WHERE kind = 'expire' AND points = -10",
            &[],
        )
        .await;
    assert_eq!(expired, 2_050 - 1);
    assert_eq!(report.members_evaluated, walked);
}
