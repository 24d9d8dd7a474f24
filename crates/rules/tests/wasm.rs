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

#[wasm_bindgen_test]
fn the_browser_reads_the_staff_menu_and_not_the_rule_grants_nor_the_mall() {
    let program = Program::default_program();
    let file: serde_json::Value =
        serde_json::from_str(member_rules::program::DEFAULT_PROGRAM_JSON).unwrap();
    let ids: Vec<&str> = file["coupon_issuance"]["staff"]
        .as_array()
        .expect("a staff menu")
        .iter()
        .map(|grant| grant["id"].as_str().expect("an id"))
        .collect();
    let read: Vec<&str> = program
        .coupon_issuance
        .staff
        .iter()
        .map(|grant| grant.id.as_str())
        .collect();
    assert!(!ids.is_empty());
    assert_eq!(read, ids);
    // The rule grants are stand-ins: the welcome coupon's title is not the program's.
    assert!(program.coupon_issuance.welcome.title.zh.is_empty());
    // The mall's catalog comes from the API.
    assert!(program.mall.items.is_empty());
    assert!(!file["mall"]["items"].as_array().expect("items").is_empty());
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
