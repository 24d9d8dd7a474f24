//! An upgrade is celebrated once: `/api/me` names the new tier until the member says they
//! were shown it (`POST /api/me/celebrated`); a new member, a tier kept or a downgrade is
//! nothing to celebrate.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{order, world, World, PHONE_A};

async fn celebrated(w: &World, tier: &str) -> crate::helpers::TestResponse {
    w.app
        .call(
            Method::POST,
            "/api/me/celebrated",
            Some(&w.a),
            Some(&json!({ "tier": tier })),
        )
        .await
}

#[tokio::test]
async fn an_upgrade_is_celebrated_until_the_member_was_shown_it() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let me = w.me(&w.a).await;
    assert_eq!(me["celebrate"], Value::Null, "a new member");
    assert_eq!(me["next_monthly_coupon"], Value::Null, "none for regular");

    // ¥600: silver.
    let placed = w
        .post_order(&order("SO-1", PHONE_A, "2026-03-10T11:00:00+08:00", 60_000))
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.json());
    let me = w.me(&w.a).await;
    assert_eq!(me["celebrate"], "silver");
    assert_eq!(
        me["next_monthly_coupon"], "2026-04-01",
        "silver's, on the 1st"
    );
    assert_eq!(w.me(&w.b).await["celebrate"], Value::Null, "only A's");

    // Refused or ignored, changing nothing: a tier the program lacks, one not held.
    celebrated(&w, "platinum")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    let res = w
        .app
        .call(
            Method::POST,
            "/api/me/celebrated",
            Some(&w.a),
            Some(&json!({ "tier": "silver", "extra": 1 })),
        )
        .await;
    res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert_eq!(celebrated(&w, "gold").await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&w.a).await["celebrate"], "silver");

    // Shown: not again, however often it is said.
    for _ in 0..2 {
        assert_eq!(
            celebrated(&w, "silver").await.status,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(w.me(&w.a).await["celebrate"], Value::Null);

    // ¥2,000 more: gold, celebrated in its turn.
    let placed = w
        .post_order(&order(
            "SO-2",
            PHONE_A,
            "2026-03-10T11:30:00+08:00",
            200_000,
        ))
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.json());
    let me = w.me(&w.a).await;
    assert_eq!(me["celebrate"], "gold", "{me}");

    // Logged out, nothing is recorded.
    let res = w
        .app
        .call(
            Method::POST,
            "/api/me/celebrated",
            None,
            Some(&json!({ "tier": "gold" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.me(&w.a).await["celebrate"], "gold");
}
