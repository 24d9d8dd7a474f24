//! Laws of the quote that must hold for every valid input, checked with proptest over
//! random members, carts, wallets and options.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use member_rules::quote::{
    Cart, CartLine, CouponChoice, MemberSnapshot, PointsChoice, QuoteOptions,
};
use member_rules::{quote, Coupon, CouponKind, Fen, Points, Program, QuoteInput, TierId};
use proptest::prelude::*;

const CATEGORIES: [&str; 5] = ["apparel", "electronics", "fresh", "special", "beauty"];

fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // Any minute of 2025–2027, written in one of a few offsets.
    (
        0i64..3 * 366 * 24 * 60,
        prop::sample::select(vec![0, 8 * 3600, -5 * 3600]),
    )
        .prop_map(|(minutes, offset)| {
            let base = DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap();
            (base + Duration::minutes(minutes))
                .with_timezone(&FixedOffset::east_opt(offset).unwrap())
        })
}

fn coupon_kind() -> impl Strategy<Value = CouponKind> {
    prop_oneof![
        (1i64..20_000).prop_map(|off_fen| CouponKind::NoThreshold {
            off_fen: Fen(off_fen)
        }),
        (0i64..100_000, 1i64..20_000).prop_map(|(min_spend_fen, off_fen)| CouponKind::Threshold {
            min_spend_fen: Fen(min_spend_fen),
            off_fen: Fen(off_fen),
        }),
        (1i64..=100, prop::option::of(1i64..50_000)).prop_map(|(percent_off, max_off_fen)| {
            CouponKind::Percent {
                percent_off,
                max_off_fen: max_off_fen.map(Fen),
            }
        }),
    ]
}

fn wallet() -> impl Strategy<Value = Vec<Coupon>> {
    prop::collection::vec((coupon_kind(), instant(), 1i64..90, any::<bool>()), 0..6).prop_map(
        |specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (kind, from, days, first_order_only))| Coupon {
                    id: format!("c{i}"),
                    kind,
                    valid_from: from,
                    valid_until: from + Duration::days(days),
                    first_order_only,
                })
                .collect()
        },
    )
}

fn member(program: &Program) -> impl Strategy<Value = MemberSnapshot> {
    let tiers: Vec<TierId> = program.tiers.iter().map(|t| t.id.clone()).collect();
    (
        prop::sample::select(tiers),
        0i64..1_000_000,
        0i64..5_000_000,
        -2_000i64..200_000,
        prop::option::of((1970i32..2010, 1u32..=12, 1u32..=28)),
        any::<bool>(),
        wallet(),
    )
        .prop_map(
            |(tier, qualifying, extra_lifetime, balance, birthday, first_order, coupons)| {
                MemberSnapshot {
                    tier,
                    qualifying_spend_fen: Fen(qualifying),
                    lifetime_spend_fen: Fen(qualifying + extra_lifetime),
                    points_balance: Points(balance),
                    birthday: birthday.map(|(y, m, d)| {
                        member_rules::Birthday::born(NaiveDate::from_ymd_opt(y, m, d).unwrap())
                    }),
                    first_order,
                    coupons,
                }
            },
        )
}

fn cart() -> impl Strategy<Value = Cart> {
    let line = (
        prop::sample::select(CATEGORIES.to_vec()),
        0i64..500_000,
        1i64..20,
    )
        .prop_map(|(category, unit_price_fen, qty)| CartLine {
            sku: format!("sku-{category}"),
            category: category.into(),
            unit_price_fen: Fen(unit_price_fen),
            qty,
        });
    (prop::collection::vec(line, 1..6), 0i64..3_000).prop_map(|(lines, shipping_fen)| Cart {
        lines,
        shipping_fen: Fen(shipping_fen),
    })
}

fn input(program: &Program) -> impl Strategy<Value = QuoteInput> {
    (
        instant(),
        member(program),
        cart(),
        0usize..8,
        prop_oneof![Just(None), (0i64..300).prop_map(Some)],
    )
        .prop_map(|(now, member, cart, coupon_pick, points)| {
            let coupon = match coupon_pick {
                0 => CouponChoice::None,
                n if n <= member.coupons.len() => {
                    CouponChoice::Id(member.coupons[n - 1].id.clone())
                }
                _ => CouponChoice::Auto,
            };
            let points = points.map_or(PointsChoice::MAX, |hundreds| {
                PointsChoice::Amount(Points(hundreds * 100))
            });
            QuoteInput {
                now: now.to_rfc3339(),
                member,
                cart,
                options: QuoteOptions { coupon, points },
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn quote_laws(input in input(&Program::default_program())) {
        let program = Program::default_program();
        let Ok(q) = quote(&program, &input) else { return Ok(()) };
        let member_discount = q.member_discount.map_or(Fen::ZERO, |d| d.fen);
        let coupon = q.coupon.as_ref().map_or(Fen::ZERO, |c| c.saving_fen);

        // Savings never exceed the subtotal, and every step is non-negative.
        prop_assert!(member_discount >= Fen::ZERO && coupon >= Fen::ZERO && q.points_offset_fen >= Fen::ZERO);
        prop_assert!(member_discount + coupon + q.points_offset_fen <= q.subtotal_fen);
        prop_assert_eq!(q.earn_base_fen, q.subtotal_fen - member_discount - coupon - q.points_offset_fen);
        // Payable covers at least the shipping charged.
        prop_assert!(q.payable_fen >= q.shipping_fen && q.shipping_fen >= Fen::ZERO);
        prop_assert!(q.shipping_fen <= input.cart.shipping_fen);
        // Points earned are never negative, and add up.
        let p = q.points;
        prop_assert!(p.base >= Points::ZERO && p.tier_points >= Points::ZERO && p.campaign_bonus >= Points::ZERO);
        prop_assert_eq!(p.total, p.tier_points + p.campaign_bonus + p.order_bonus + p.milestone_bonus);
        prop_assert_eq!(q.points_balance_after, input.member.points_balance - q.points_used + p.total);
        // Points used are whole steps, within the balance and the cap.
        prop_assert!(q.points_used >= Points::ZERO && q.points_used.get() % 100 == 0);
        prop_assert!(q.points_used == Points::ZERO || q.points_used <= input.member.points_balance);
        prop_assert!(q.points_offset_fen * 2 <= q.after_discount_fen - coupon);
        // The tier never drops because of an order; the gap to the next one is positive.
        let rank = |t: &TierId| program.tiers.rank(t).unwrap();
        prop_assert!(rank(&q.tier_after) >= rank(&input.member.tier));
        prop_assert!(program.tiers.by_id(&q.tier_after).unwrap().threshold_fen <= q.qualifying_spend_after_fen
            || q.tier_after == input.member.tier);
        if let Some(next) = &q.next_tier {
            prop_assert!(next.gap_fen > Fen::ZERO, "gap {} for {:?}", next.gap_fen, next);
            prop_assert_eq!(rank(&next.tier), rank(&q.tier_after) + 1);
        } else {
            prop_assert_eq!(rank(&q.tier_after), program.tiers.len() - 1);
        }
        // Deterministic, and the input survives a JSON round trip unchanged in meaning.
        prop_assert_eq!(quote(&program, &input).unwrap(), q.clone());
        let json = serde_json::to_string(&input).unwrap();
        let back: QuoteInput = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(quote(&program, &back).unwrap(), q);
    }

    /// "max" never uses more than any explicit amount that would be accepted.
    #[test]
    fn max_points_is_the_largest_accepted_amount(input in input(&Program::default_program())) {
        let program = Program::default_program();
        let mut max_input = input.clone();
        max_input.options.points = PointsChoice::MAX;
        let Ok(max) = quote(&program, &max_input) else { return Ok(()) };
        let mut explicit = input;
        explicit.options.points = PointsChoice::Amount(max.points_used + Points(100));
        prop_assert!(quote(&program, &explicit).is_err());
        explicit.options.points = PointsChoice::Amount(max.points_used);
        prop_assert_eq!(quote(&program, &explicit).unwrap().payable_fen, max.payable_fen);
    }
}

/// The laws above skip inputs the quote refuses; make sure most generated inputs are
/// accepted so that the laws are actually exercised.
#[test]
fn generated_inputs_are_mostly_valid() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let program = Program::default_program();
    let strategy = input(&program);
    let mut runner = TestRunner::deterministic();
    let accepted = (0..1_000)
        .filter(|_| quote(&program, &strategy.new_tree(&mut runner).unwrap().current()).is_ok())
        .count();
    assert!(
        accepted >= 500,
        "only {accepted} of 1000 generated inputs were quoted"
    );
}
