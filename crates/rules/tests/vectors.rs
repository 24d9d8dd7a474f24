//! The shared worked examples (`tests/vectors/quote.json`, copied from the program's
//! authors): every case must give exactly the expected answer or error code. The same
//! file runs compiled to wasm in headless Chromium (see `tests/wasm.rs`).

use member_rules::{quote, Program, QuoteInput};
use serde_json::Value;

pub const VECTORS_JSON: &str = include_str!("vectors/quote.json");

/// Runs every vector and returns one line per mismatch (empty when all are equal).
pub fn mismatches() -> (usize, Vec<String>) {
    let program = Program::default_program();
    let file: Value = serde_json::from_str(VECTORS_JSON).expect("vectors parse");
    let cases = file["cases"].as_array().expect("cases");
    let mut bad = vec![];
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let expected = &case["expected"];
        let got = serde_json::from_value::<QuoteInput>(case["input"].clone())
            .map_err(|e| format!("input does not parse: {e}"))
            .map(|input| quote(&program, &input));
        let got = match got {
            Ok(Ok(q)) => serde_json::to_value(q).unwrap(),
            Ok(Err(e)) => serde_json::json!({ "error": e.code() }),
            Err(e) => serde_json::json!({ "error": e }),
        };
        if &got != expected {
            bad.push(format!("{name}:\n  expected {expected}\n  got      {got}"));
        }
    }
    (cases.len(), bad)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_vector_matches() {
    let (count, bad) = mismatches();
    assert!(count >= 49, "the vectors file lost cases: {count}");
    assert!(
        bad.is_empty(),
        "{} of {count} vectors differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Extreme numbers are refused with the quote's own codes, never overflow.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn extreme_numbers_are_refused_not_overflowed() {
    let program = Program::default_program();
    let file: Value = serde_json::from_str(VECTORS_JSON).unwrap();
    let base = file["cases"][0]["input"].clone();
    let cases = [
        ("/member/points_balance", i64::MIN, "invalid_member"),
        ("/member/points_balance", i64::MAX, "invalid_member"),
        ("/member/qualifying_spend_fen", i64::MAX, "invalid_member"),
        ("/member/lifetime_spend_fen", -1, "invalid_member"),
        ("/cart/lines/0/unit_price_fen", i64::MAX, "invalid_cart"),
        ("/cart/lines/0/unit_price_fen", -1, "invalid_cart"),
        ("/cart/lines/0/qty", 10_001, "invalid_cart"),
        ("/cart/lines/0/qty", i64::MIN, "invalid_cart"),
        ("/cart/shipping_fen", i64::MAX, "invalid_cart"),
        ("/options/points", i64::MIN, "invalid_options"),
    ];
    for (pointer, value, code) in cases {
        let mut input = base.clone();
        *input.pointer_mut(pointer).unwrap() = value.into();
        let input: QuoteInput = serde_json::from_value(input).unwrap();
        let err = quote(&program, &input).expect_err(pointer);
        assert_eq!(err.code(), code, "{pointer} = {value}");
    }
}
