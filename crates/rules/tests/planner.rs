//! The points planner (issue 13, item 5) on the default program: lots by expiry date,
//! what each can buy, the bonus-points campaigns before it.
#![cfg(not(target_arch = "wasm32"))]

use chrono::NaiveDate;
use member_rules::calendar::MonthDay;
use member_rules::mall::MallItem;
use member_rules::planner::{plan, LotPlan};
use member_rules::{Points, Program};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Every item of the default mall but the diamond-only one (a silver member's view).
fn silver_items(program: &Program) -> Vec<&MallItem> {
    program
        .mall
        .items
        .iter()
        .filter(|i| i.min_tier.is_none())
        .collect()
}

fn ids<T>(list: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    list.iter().map(|x| id(x).to_string()).collect()
}

fn item_ids(lot: &LotPlan) -> Vec<String> {
    ids(&lot.items, |i| &i.id)
}

fn campaigns(lot: &LotPlan) -> Vec<(String, NaiveDate, NaiveDate)> {
    lot.campaigns
        .iter()
        .map(|c| (c.id.clone(), c.first, c.last))
        .collect()
}

#[test]
fn lots_are_grouped_by_date_oldest_first_with_what_they_buy() {
    let program = Program::default_program();
    let lots = [
        (date("2028-01-01"), Points(500)),
        (date("2027-01-01"), Points(1_200)),
        (date("2027-01-01"), Points(100)),
        // Gone already, or empty: not in the plan.
        (date("2026-12-02"), Points(999)),
        (date("2029-01-01"), Points(0)),
    ];
    let plan = plan(&program, date("2026-12-02"), &lots, &silver_items(&program));
    assert_eq!(plan.len(), 2, "{plan:#?}");

    let first = &plan[0];
    assert_eq!(first.expires_on, date("2027-01-01"));
    assert_eq!(first.last_day, date("2026-12-31"));
    assert_eq!(
        (first.points, first.points_by_then),
        (Points(1_300), Points(1_300))
    );
    // PROGRAM.md §5's prices: 100, 300, 500, 800, 1,000 all fit in 1,300.
    assert_eq!(
        item_ids(first),
        [
            "sticker-pack",
            "keychain",
            "coupon-10",
            "tote-bag",
            "coupon-300-50"
        ]
    );
    // 双十一 2026 is over and 618 2027 is after the last day.
    assert_eq!(campaigns(first), []);

    let second = &plan[1];
    assert_eq!(second.expires_on, date("2028-01-01"));
    assert_eq!(
        (second.points, second.points_by_then),
        (Points(500), Points(1_800))
    );
    assert_eq!(item_ids(second).len(), 5);
    assert_eq!(
        campaigns(second),
        [
            (
                "campaign-618".into(),
                date("2027-06-01"),
                date("2027-06-18")
            ),
            (
                "campaign-1111".into(),
                date("2027-11-01"),
                date("2027-11-11")
            ),
        ]
    );
}

#[test]
fn only_items_within_the_points_by_then_are_listed_cheapest_first() {
    let program = Program::default_program();
    let items = silver_items(&program);
    for held in [50, 100, 299, 300, 799, 1_000, 5_000] {
        let plan = plan(
            &program,
            date("2026-03-01"),
            &[(date("2027-01-01"), Points(held))],
            &items,
        );
        let listed = &plan[0].items;
        let expected: Vec<i64> = {
            let mut prices: Vec<i64> = items
                .iter()
                .map(|i| i.points.get())
                .filter(|p| *p <= held)
                .collect();
            prices.sort();
            prices
        };
        let got: Vec<i64> = listed.iter().map(|i| i.points.get()).collect();
        assert_eq!(got, expected, "{held} points");
    }
}

#[test]
fn a_campaign_under_way_or_ending_on_the_last_day_counts_one_starting_after_does_not() {
    let mut program = Program::default_program();
    let lot = [(date("2027-01-01"), Points(300))];
    // 双十一 began on Nov 1: on Nov 5 it is still a day to earn double.
    let under_way = plan(&program, date("2026-11-05"), &lot, &[]);
    assert_eq!(
        campaigns(&under_way[0]),
        [(
            "campaign-1111".into(),
            date("2026-11-01"),
            date("2026-11-11")
        )]
    );
    let over = plan(&program, date("2026-11-12"), &lot, &[]);
    assert_eq!(campaigns(&over[0]), []);

    // A one-day campaign on the last day counts; one at 100% raises nothing.
    let last_day = &mut program.points.campaigns[0];
    last_day.from = MonthDay { month: 12, day: 31 };
    last_day.to = last_day.from;
    program.points.campaigns[1].rate_percent = 100;
    let plan = plan(&program, date("2026-12-02"), &lot, &[]);
    assert_eq!(
        campaigns(&plan[0]),
        [(
            "campaign-618".into(),
            date("2026-12-31"),
            date("2026-12-31")
        )]
    );
}
