//! The benchmark's input, shared by the native bench (`benches/quote.rs`) and the wasm
//! one (`tests/wasm_bench.rs`) so both time exactly the same quote: a gold member with
//! 20 coupons in the wallet (a mix of kinds, some not usable now) and a 5-line cart,
//! choosing the best coupon automatically and paying with as many points as allowed.

use member_rules::{Program, QuoteInput};
use serde_json::json;

/// The program and the input to quote.
pub fn bench_input() -> (Program, QuoteInput) {
    let program = Program::default_program();
    let coupons: Vec<_> = (0..20)
        .map(|i| {
            let kind = match i % 4 {
                0 => json!({ "type": "no_threshold", "off_fen": 500 + i * 100 }),
                1 => json!({ "type": "threshold", "min_spend_fen": 10_000 * i, "off_fen": 1_000 * i }),
                2 => json!({ "type": "percent", "percent_off": 5 + i, "max_off_fen": 2_000 + i * 500 }),
                _ => json!({ "type": "percent", "percent_off": 3 + i / 2 }),
            };
            // Every fifth coupon is already expired and every seventh not yet valid, so
            // the quote has to look at and reject some of them.
            let (from, until) = match i {
                i if i % 5 == 4 => ("2025-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),
                i if i % 7 == 6 => ("2026-06-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
                _ => ("2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
            };
            json!({ "id": format!("c-{i:02}"), "kind": kind, "valid_from": from, "valid_until": until })
        })
        .collect();
    let lines: Vec<_> = [
        ("A1", "apparel", 32_000, 1),
        ("A2", "apparel", 12_900, 2),
        ("E1", "electronics", 89_900, 1),
        ("F1", "fresh", 2_350, 4),
        ("X1", "accessories", 4_500, 3),
    ]
    .into_iter()
    .map(|(sku, category, price, qty)| {
        json!({ "sku": sku, "category": category, "unit_price_fen": price, "qty": qty })
    })
    .collect();
    let input = json!({
        "now": "2026-03-10T10:00:00+08:00",
        "member": {
            "tier": "gold",
            "qualifying_spend_fen": 1_200_000,
            "lifetime_spend_fen": 3_000_000,
            "points_balance": 25_000,
            "birthday": "1990-03-21",
            "first_order": false,
            "coupons": coupons,
        },
        "cart": { "lines": lines, "shipping_fen": 1_000 },
        "options": { "coupon": "auto", "points": "max" },
    });
    let input: QuoteInput = serde_json::from_value(input).expect("the bench input parses");
    member_rules::quote(&program, &input).expect("the bench input quotes without error");
    (program, input)
}
