use axum::http::StatusCode;
use rules::quote::{MemberSnapshot, QuoteInput};
use serde_json::{json, Value};

use crate::helpers::{now, spawn_app, spawn_demo};

async fn demo_members(app: &crate::helpers::TestApp) -> Vec<Value> {
    let res = app.get("/api/demo/members").await;
    assert_eq!(res.status, StatusCode::OK);
    res.json()["members"].as_array().expect("members").clone()
}

#[tokio::test]
async fn one_member_per_tier_in_tier_order_with_usable_snapshots() {
    let app = spawn_demo().await;
    let members = demo_members(&app).await;
    let ids: Vec<&str> = members.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["demo-regular", "demo-silver", "demo-gold", "demo-diamond"]
    );
    let program = &app.state.program.program;
    for (member, tier) in members.iter().zip(&program.tiers) {
        assert!(!member["nickname"].as_str().unwrap().is_empty());
        let snapshot: MemberSnapshot =
            serde_json::from_value(member["snapshot"].clone()).expect("a MemberSnapshot");
        assert_eq!(snapshot.tier, tier.id);
        // What the home shows of the member, beside the snapshot it is taken from.
        assert_eq!(member["tier"], tier.id.as_str());
        assert_eq!(
            member["qualifying_spend_fen"],
            snapshot.qualifying_spend_fen.0
        );
        assert_eq!(member["points_balance"], snapshot.points_balance.get());
        let usable = rules::coupon::usable_at(&snapshot.coupons, &now(), snapshot.first_order);
        assert_eq!(member["usable_coupons"], usable);
        assert!(snapshot.lifetime_spend_fen >= snapshot.qualifying_spend_fen);
        assert!(!snapshot.coupons.is_empty());
        for c in &snapshot.coupons {
            assert_eq!(
                c.valid_from.offset().local_minus_utc(),
                8 * 3600,
                "{}",
                c.id
            );
        }
        // The quote accepts the snapshot, natively and through the API.
        let input: QuoteInput = serde_json::from_value(json!({
            "now": now().to_rfc3339(),
            "member": member["snapshot"],
            "cart": {"lines": [{"sku": "A1", "category": "apparel", "unit_price_fen": 20000, "qty": 1}], "shipping_fen": 800},
            "options": {"coupon": "auto", "points": "max"}
        }))
        .unwrap();
        let native = rules::quote(program, &input).expect("quote accepts the snapshot");
        let res = app
            .post_json("/api/quote", &serde_json::to_value(&input).unwrap())
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json(), serde_json::to_value(native).unwrap());
    }
    // The example: silver is ¥123.45 short of gold.
    let silver: MemberSnapshot = serde_json::from_value(members[1]["snapshot"].clone()).unwrap();
    let next = program
        .tiers
        .next(&silver.tier, silver.qualifying_spend_fen)
        .unwrap();
    assert_eq!(next.gap_fen, rules::Fen(12_345));
}

#[tokio::test]
async fn demo_endpoint_is_404_without_demo_mode() {
    let app = spawn_app().await;
    app.get("/api/demo/members")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn seeding_again_resets_without_duplicating() {
    let app = spawn_demo().await;
    let before = demo_members(&app).await;
    let program = &app.state.program.program;
    member_center::demo_seed::seed(&app.state.db, program, now())
        .await
        .unwrap();
    member_center::demo_seed::seed(&app.state.db, program, now())
        .await
        .unwrap();
    assert_eq!(demo_members(&app).await, before);
    let (members,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(members, 4);
    // Every seeded coupon once (the snapshots hold only those valid now).
    let coupons: usize = member_center::demo_seed::demo_members(program, now())
        .iter()
        .map(|m| m.coupons.len())
        .sum();
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM coupons")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored as usize, coupons);
}

#[tokio::test]
async fn an_in_memory_database_keeps_its_schema_and_seed() {
    crate::helpers::install_data_keys();
    let pool = member_center::db::connect("sqlite::memory:").await.unwrap();
    member_center::db::migrate(&pool).await.unwrap();
    let program = rules::Program::default_program();
    let at = now();
    let seeded = member_center::demo_seed::seed(&pool, &program, at)
        .await
        .unwrap();
    assert_eq!(seeded.len(), 4);
    let listed = member_center::reads::demo::demo_members(&pool, &program, &at)
        .await
        .unwrap();
    assert_eq!(listed, seeded);
}
