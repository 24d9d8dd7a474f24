use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::spawn_app;

const VECTORS: &str = include_str!("../../../rules/tests/vectors/quote.json");

fn cases() -> Vec<Value> {
    let file: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    file["cases"].as_array().expect("cases").clone()
}

/// A change that breaks a valid input.
type Edit = fn(&mut Value);

/// A valid input to break in one place.
fn valid_input() -> Value {
    cases()[0]["input"].clone()
}

#[tokio::test]
async fn every_vector_gives_exactly_its_expected_answer() {
    let app = spawn_app().await;
    let cases = cases();
    assert!(cases.len() >= 49, "the vectors file lost cases");
    let mut bad = vec![];
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let expected = &case["expected"];
        let res = app.post_json("/api/quote", &case["input"]).await;
        let got = match res.status {
            StatusCode::OK => res.json(),
            StatusCode::UNPROCESSABLE_ENTITY => json!({ "error": res.json()["error"]["code"] }),
            other => json!({ "status": other.as_u16(), "body": res.json() }),
        };
        if &got != expected {
            bad.push(format!("{name}:\n  expected {expected}\n  got      {got}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} vectors differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[tokio::test]
async fn a_quote_error_has_its_code_and_message() {
    let app = spawn_app().await;
    let mut input = valid_input();
    input["options"]["coupon"] = json!("no-such-coupon");
    let res = app.post_json("/api/quote", &input).await;
    res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "coupon_not_found");
    assert_eq!(
        res.json()["error"]["message"],
        "no coupon with that id in the wallet"
    );
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    for body in ["{", "", "not json", "{\"now\": }", "[1,2,]"] {
        app.post_raw("/api/quote", body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_json");
    }
    // Trailing data after a valid document is malformed too.
    let body = format!("{} x", valid_input());
    app.post_raw("/api/quote", body)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_json");
}

#[tokio::test]
async fn deep_nesting_is_refused_without_a_crash() {
    let app = spawn_app().await;
    let body = "[".repeat(100_000);
    let res = app.post_raw("/api/quote", body).await;
    assert!(res.status.is_client_error(), "{}", res.status);
    let body = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let res = app.post_raw("/api/quote", body).await;
    res.assert_error(StatusCode::BAD_REQUEST, "invalid_json");
}

#[tokio::test]
async fn wrong_shape_type_or_unknown_field_is_422_with_serde_message() {
    let app = spawn_app().await;
    let edits: [(&str, Edit); 8] = [
        ("unknown field", |v| v["surprise"] = json!(1)),
        ("missing field", |v| {
            drop(v.as_object_mut().unwrap().remove("cart"))
        }),
        ("qty as text", |v| v["cart"]["lines"][0]["qty"] = json!("2")),
        ("fractional price", |v| {
            v["cart"]["lines"][0]["unit_price_fen"] = json!(1.5)
        }),
        ("unknown coupon kind", |v| {
            v["member"]["coupons"] = json!([{"id": "x", "kind": {"type": "free"}}])
        }),
        ("points keyword", |v| v["options"]["points"] = json!("all")),
        ("array body", |v| *v = json!([1, 2])),
        ("birthday not a date", |v| {
            v["member"]["birthday"] = json!("13/45")
        }),
    ];
    for (what, edit) in edits {
        let mut input = valid_input();
        edit(&mut input);
        let res = app.post_json("/api/quote", &input).await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        let message = res.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(!message.is_empty(), "{what}");
        if what == "unknown field" {
            assert!(message.contains("surprise"), "{message}");
        }
    }
}

#[tokio::test]
async fn numbers_beyond_i64_are_422_not_500() {
    let app = spawn_app().await;
    for number in [
        "99999999999999999999",
        "1e30",
        "-99999999999999999999",
        "18446744073709551615",
    ] {
        let body = valid_input().to_string().replace(
            "\"unit_price_fen\":48000",
            &format!("\"unit_price_fen\":{number}"),
        );
        assert!(body.contains(number));
        app.post_raw("/api/quote", body)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    }
}

#[tokio::test]
async fn absurd_amounts_are_refused_by_the_rules() {
    let app = spawn_app().await;
    let cases: Vec<(&str, &str, Value)> = vec![
        ("/cart/lines/0/unit_price_fen", "invalid_cart", json!(-1)),
        ("/cart/lines/0/qty", "invalid_cart", json!(10_001)),
        ("/cart/lines/0/qty", "invalid_cart", json!(0)),
        // Over ¥100,000,000.
        (
            "/cart/lines/0/unit_price_fen",
            "invalid_cart",
            json!(10_000_000_001_i64),
        ),
        ("/cart/shipping_fen", "invalid_cart", json!(-500)),
        (
            "/cart/lines/0/unit_price_fen",
            "invalid_cart",
            json!(i64::MAX),
        ),
        ("/member/qualifying_spend_fen", "invalid_member", json!(-1)),
        ("/member/points_balance", "invalid_member", json!(i64::MIN)),
        ("/member/tier", "invalid_member", json!("platinum")),
        ("/options/points", "invalid_options", json!(-100)),
        ("/now", "invalid_time", json!("2026-03-10T10:00:00")),
    ];
    for (pointer, code, value) in cases {
        let mut input = valid_input();
        *input.pointer_mut(pointer).expect(pointer) = value;
        app.post_json("/api/quote", &input)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    let mut input = valid_input();
    input["cart"]["lines"] = json!([]);
    app.post_json("/api/quote", &input)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_cart");
}

#[tokio::test]
async fn extreme_times_and_dates_never_cause_a_5xx() {
    let app = spawn_app().await;
    let times = [
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "2026-02-30T10:00:00+08:00",
        "2026-03-10T25:00:00+08:00",
        "",
    ];
    for time in times {
        let mut input = valid_input();
        input["now"] = json!(time);
        let res = app.post_json("/api/quote", &input).await;
        assert!(
            res.status == StatusCode::OK || res.status.is_client_error(),
            "{time}: {}",
            res.status
        );
        let mut input = valid_input();
        input["member"]["coupons"] = json!([{"id": "c", "kind": {"type": "no_threshold", "off_fen": 100},
            "valid_from": time, "valid_until": "9999-12-31T23:59:59-23:59"}]);
        input["options"]["coupon"] = json!("c");
        let res = app.post_json("/api/quote", &input).await;
        assert!(
            res.status == StatusCode::OK || res.status.is_client_error(),
            "{time}: {}",
            res.status
        );
        input["member"]["birthday"] = json!("9999-12-31");
        let res = app.post_json("/api/quote", &input).await;
        assert!(
            res.status == StatusCode::OK || res.status.is_client_error(),
            "{time}: {}",
            res.status
        );
    }
}

#[tokio::test]
async fn content_type_must_be_json() {
    let app = spawn_app().await;
    let body = valid_input().to_string();
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        app.send(Method::POST, "/api/quote", ct, body.clone())
            .await
            .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    }
    let res = app
        .send(
            Method::POST,
            "/api/quote",
            Some("application/json; charset=utf-8"),
            body,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = spawn_app().await;
    let mut input = valid_input();
    input["cart"]["lines"][0]["sku"] = json!("x".repeat(member_center::BODY_LIMIT_BYTES));
    app.post_json("/api/quote", &input)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_json() {
    let app = spawn_app().await;
    app.get("/api/nope")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    app.get("/api")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    app.post_json("/api/quotes", &json!({}))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let res = app.get("/api/quote").await;
    res.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(res.header("allow"), "POST");
    app.send(Method::DELETE, "/api/program", None, "")
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}
