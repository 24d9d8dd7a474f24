//! Gifts are announced once: `/api/me` lists the coupons given to the member since they
//! last saw them announced (`POST /api/me/gifts-seen`), never their own mall redemptions.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{order, world, World, PHONE_A};

async fn seen(w: &World, until_ms: &Value) -> crate::helpers::TestResponse {
    w.app
        .call(
            Method::POST,
            "/api/me/gifts-seen",
            Some(&w.a),
            Some(&json!({ "until_ms": until_ms })),
        )
        .await
}

fn titles(me: &Value) -> Vec<String> {
    me["arrived"]["titles"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| t["en"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_new_members_pack_is_announced_once_and_a_later_gift_in_its_turn() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let me = w.me(&w.a).await;
    let mut pack = titles(&me);
    pack.sort();
    assert_eq!(
        pack,
        ["First order: ¥30.00 off ¥100.00", "¥10.00 welcome coupon"],
        "{me}"
    );
    let until = me["arrived"]["until_ms"].clone();

    // Bad bodies change nothing.
    let res = w
        .app
        .call(
            Method::POST,
            "/api/me/gifts-seen",
            Some(&w.a),
            Some(&json!({ "until_ms": "soon" })),
        )
        .await;
    assert!(res.status.is_client_error(), "{}", res.status);
    assert_eq!(titles(&w.me(&w.a).await).len(), 2);

    assert_eq!(seen(&w, &until).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&w.a).await["arrived"], Value::Null);
    // An earlier instant does not bring them back.
    assert_eq!(seen(&w, &json!(0)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&w.a).await["arrived"], Value::Null);
    assert_eq!(titles(&w.me(&w.b).await).len(), 2, "B's are B's own");

    // The first order's gift, an hour later: announced alone.
    w.app.set_now("2026-03-10T13:00:00+08:00");
    let placed = w
        .post_order(&order("SO-1", PHONE_A, "2026-03-10T12:30:00+08:00", 5_000))
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.json());
    let me = w.me(&w.a).await;
    assert_eq!(titles(&me), ["¥10.00 first-order gift"], "{me}");
}
