//! The rules compiled to wasm and run in headless Chromium (`cargo xtask test`): the same
//! shared vectors as natively, and a few direct checks, so the browser's preview is
//! known to compute exactly what the server charges.
#![cfg(target_arch = "wasm32")]

use member_rules::money::{format_yuan, parse_yuan, percent_of};
use member_rules::{quote, Fen, Program, QuoteInput};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

#[path = "vectors.rs"]
mod vectors;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_vector_matches_in_wasm() {
    let (count, bad) = vectors::mismatches();
    assert!(count >= 49, "the vectors file lost cases: {count}");
    assert!(
        bad.is_empty(),
        "{} of {count} vectors differ in wasm:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[wasm_bindgen_test]
fn default_program_is_valid() {
    Program::default_program()
        .validate()
        .expect("the default program validates in wasm");
}

/// `Program` means one thing everywhere: in the browser it reads every section, as on the
/// server.
#[wasm_bindgen_test]
fn the_program_reads_whole_in_wasm() {
    let program = Program::default_program();
    let file: serde_json::Value =
        serde_json::from_str(member_rules::program::DEFAULT_PROGRAM_JSON).unwrap();
    let issuance = &file["coupon_issuance"];
    assert_eq!(
        program.coupon_issuance.welcome.title.zh,
        issuance["welcome"]["title"]["zh"].as_str().unwrap()
    );
    let count = |v: &serde_json::Value| v.as_array().expect("a list").len();
    assert_eq!(
        program.coupon_issuance.staff.len(),
        count(&issuance["staff"])
    );
    assert_eq!(program.mall.items.len(), count(&file["mall"]["items"]));
    assert_eq!(
        program.events.launches.len(),
        count(&file["events"]["launches"])
    );
}

#[wasm_bindgen_test]
fn money_is_exact_in_wasm() {
    // i64 arithmetic must not go through f64 anywhere on the way to the browser.
    assert_eq!(percent_of(Fen(9_999_999_999), 95), Fen(9_499_999_999));
    assert_eq!(parse_yuan("¥1,234.50"), Some(Fen(123_450)));
    assert_eq!(format_yuan(Fen(123_450)), "¥1,234.50");
}

#[wasm_bindgen_test]
fn quote_rejects_a_time_without_offset() {
    let file: serde_json::Value = serde_json::from_str(vectors::VECTORS_JSON).unwrap();
    let mut input: QuoteInput =
        serde_json::from_value(file["cases"][0]["input"].clone()).expect("first case parses");
    input.now = "2026-03-10T10:00:00".into();
    let err = quote(&Program::default_program(), &input).expect_err("no offset is an error");
    assert_eq!(err.code(), "invalid_time");
}
