//! The event calendar (PROGRAM.md §6) against a computation of its own, written from the
//! table rather than from the program's settings, and against the quote: the calendar and
//! the price of an order cannot disagree about member day or a points campaign.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use member_rules::occurrences::{
    calendar, launch_opens_for, upcoming, Audience, DateRange, EventMember, Locked,
};
use member_rules::quote::{MemberDiscountKind, QuoteInput};
use member_rules::{quote, Points, Program, TierId};
use serde_json::json;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn year(y: i32) -> DateRange {
    DateRange {
        from: NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
    }
}

/// (event, local start, local end as given, locked code): what the table says.
type Row = (String, String, String, Option<String>);

fn rows(cal: &member_rules::occurrences::Calendar) -> BTreeSet<Row> {
    let fmt = "%Y-%m-%d %H:%M";
    cal.occurrences
        .iter()
        .map(|o| {
            let locked = o.locked.as_ref().map(|l| {
                serde_json::to_value(l).unwrap()["code"]
                    .as_str()
                    .unwrap()
                    .to_string()
            });
            let start = o.start.format(fmt).to_string();
            (
                o.event.clone(),
                start,
                o.end.format(fmt).to_string(),
                locked,
            )
        })
        .collect()
}

/// PROGRAM.md §6 for one year, from the table: a member of `rank` (0 regular … 3 diamond)
/// born on Feb 29, holding points that expire at the end of the year.
fn expected_year(y: i32, rank: usize) -> BTreeSet<Row> {
    let mut out = BTreeSet::new();
    let day = |d: NaiveDate| format!("{} 00:00", d.format("%Y-%m-%d"));
    let next = |d: NaiveDate| d.succ_opt().unwrap();
    let mut add = |event: &str, start: String, end: String, locked: Option<&str>| {
        out.insert((event.into(), start, end, locked.map(String::from)));
    };
    let leap = NaiveDate::from_ymd_opt(y, 2, 29).is_some();
    let mut d = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    while d.year() == y {
        if d.day() == 15 {
            add("member-day", day(d), day(next(d)), None);
        }
        if d.day() == 1 {
            let locked = (rank < 1).then_some("tier_too_low");
            add("monthly-coupon", day(d), day(next(d)), locked);
        }
        if d.weekday() == Weekday::Fri {
            let ymd = d.format("%Y-%m-%d");
            add(
                "flash-sale",
                format!("{ymd} 20:00"),
                format!("{ymd} 21:00"),
                None,
            );
        }
        let birthday = if leap { (2, 29) } else { (2, 28) };
        if (d.month(), d.day()) == birthday {
            add("birthday", day(d), day(next(d)), None);
        }
        if (d.month(), d.day()) == (12, 31) {
            add("points-expiry", day(d), day(next(d)), None);
        }
        d = next(d);
    }
    let ymd = |m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    add("campaign-618", day(ymd(6, 1)), day(ymd(6, 19)), None);
    add("campaign-1111", day(ymd(11, 1)), day(ymd(11, 12)), None);
    add("birthday-month", day(ymd(2, 1)), day(ymd(3, 1)), None);
    out
}

fn member(tier: &str, birthday: Option<&str>, expiring: &[(&str, i64)]) -> EventMember {
    EventMember {
        tier: TierId(tier.into()),
        birthday: birthday.map(|d| member_rules::Birthday::born(date(d))),
        expiring: expiring
            .iter()
            .map(|(d, p)| (date(d), Points(*p)))
            .collect(),
    }
}

#[test]
fn a_year_of_each_tier_is_the_table() {
    // The launches are checked on their own below.
    let mut program = Program::default_program();
    program.events.launches.clear();
    for y in [2027, 2028] {
        for (rank, tier) in ["regular", "silver", "gold", "diamond"].iter().enumerate() {
            let expiring = [(format!("{}-01-01", y + 1), 1_200)];
            let expiring: Vec<(&str, i64)> =
                expiring.iter().map(|(d, p)| (d.as_str(), *p)).collect();
            let m = member(tier, Some("2000-02-29"), &expiring);
            let got = calendar(&program, Some(&m), year(y));
            assert_eq!(rows(&got), expected_year(y, rank), "{tier} in {y}");
            assert!(got.undated.is_empty());
        }
    }
}

#[test]
fn a_member_without_points_expiring_or_a_birthday_sees_why() {
    let program = Program::default_program();
    let m = member("gold", None, &[("2029-01-01", 500), ("2028-01-01", 0)]);
    let got = calendar(&program, Some(&m), year(2027));
    let expiry: Vec<_> = got
        .occurrences
        .iter()
        .filter(|o| o.event == "points-expiry")
        .collect();
    assert_eq!(expiry.len(), 1);
    assert_eq!(expiry[0].locked, Some(Locked::NoPointsExpiring));
    assert!(!got
        .occurrences
        .iter()
        .any(|o| o.event.starts_with("birthday")));
    assert_eq!(got.undated.len(), 1);
    assert_eq!(got.undated[0].locked, Locked::NoBirthdaySet);
}

#[test]
fn anyone_sees_the_public_events_and_nothing_personal_or_locked() {
    let program = Program::default_program();
    let got = calendar(&program, None, year(2027));
    assert!(got.occurrences.iter().all(|o| o.locked.is_none()));
    assert!(got
        .occurrences
        .iter()
        .all(|o| o.audience != Audience::Personal));
    let events: BTreeSet<_> = got.occurrences.iter().map(|o| o.event.as_str()).collect();
    let public = [
        "campaign-1111",
        "campaign-618",
        "early-access",
        "flash-sale",
        "member-day",
        "monthly-coupon",
    ];
    assert_eq!(events, public.into_iter().collect());
}

#[test]
fn early_access_is_locked_below_gold_and_opens_three_days_before() {
    let program = Program::default_program();
    let launch = program.events.launch("spring-tea-2027").unwrap().clone();
    let range = DateRange {
        from: date("2027-03-01"),
        to: date("2027-03-31"),
    };
    for (tier, locked) in [("silver", true), ("gold", false), ("diamond", false)] {
        let got = calendar(&program, Some(&member(tier, None, &[])), range);
        let early: Vec<_> = got
            .occurrences
            .iter()
            .filter(|o| o.event == "early-access")
            .collect();
        assert_eq!(early.len(), 1, "{tier}");
        assert_eq!(early[0].start.to_rfc3339(), "2027-03-05T10:00:00+08:00");
        assert_eq!(early[0].end, launch.launch_at);
        assert_eq!(early[0].uid, "early-access-spring-tea-2027");
        let expected = locked.then(|| Locked::TierTooLow {
            opens: TierId("gold".into()),
        });
        assert_eq!(early[0].locked, expected, "{tier}");
    }
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let gold = TierId("gold".into());
    let silver = TierId("silver".into());
    let may = |tier: &TierId, s| at(s) >= launch_opens_for(&program, tier, &launch);
    assert!(!may(&gold, "2027-03-05T09:59:59+08:00"));
    assert!(may(&gold, "2027-03-05T10:00:00+08:00"));
    assert!(!may(&silver, "2027-03-08T09:59:59+08:00"));
    assert!(may(&silver, "2027-03-08T10:00:00+08:00"));
}

#[test]
fn an_event_at_local_midnight_is_on_its_local_day_though_utc_says_the_day_before() {
    let mut program = Program::default_program();
    program.events.flash_sale.start = NaiveTime::from_hms_opt(0, 0, 0).unwrap();
    program.events.flash_sale.end = NaiveTime::from_hms_opt(1, 0, 0).unwrap();
    let friday = date("2027-01-08");
    let on = |d: NaiveDate| {
        let range = DateRange { from: d, to: d };
        calendar(&program, None, range)
            .occurrences
            .into_iter()
            .filter(|o| o.event == "flash-sale")
            .collect::<Vec<_>>()
    };
    let sales = on(friday);
    assert_eq!(sales.len(), 1);
    assert_eq!(sales[0].start.to_rfc3339(), "2027-01-08T00:00:00+08:00");
    assert_eq!(
        sales[0].start.with_timezone(&Utc).date_naive(),
        date("2027-01-07")
    );
    assert_eq!(sales[0].uid, "flash-sale-20270108");
    assert!(on(date("2027-01-07")).is_empty(), "not on Thursday");
}

/// Every day of a leap year: member day by the calendar is the quote's member-day
/// discount, and a points campaign by the calendar is the quote's campaign bonus.
#[test]
fn the_calendar_and_the_quote_agree_every_day() {
    let program = Program::default_program();
    let mut d = date("2028-01-01");
    while d.year() == 2028 {
        let cal = calendar(&program, None, DateRange { from: d, to: d });
        let has = |event: &str| cal.occurrences.iter().any(|o| o.event == event);
        let input: QuoteInput = serde_json::from_value(json!({
            "now": format!("{d}T12:00:00+08:00"),
            "member": {
                "tier": "regular", "qualifying_spend_fen": 0, "lifetime_spend_fen": 0,
                "points_balance": 0, "birthday": null, "first_order": false, "coupons": []
            },
            "cart": {
                "lines": [{ "sku": "A", "category": "apparel", "unit_price_fen": 10000, "qty": 1 }],
                "shipping_fen": 0
            },
            "options": { "coupon": "none", "points": 0 }
        }))
        .unwrap();
        let q = quote(&program, &input).unwrap();
        let member_day = q.member_discount.map(|m| m.kind) == Some(MemberDiscountKind::MemberDay);
        assert_eq!(has("member-day"), member_day, "{d}");
        let campaign = program.points.campaigns.iter().any(|c| has(&c.id));
        assert_eq!(campaign, q.points.campaign_bonus.is_positive(), "{d}");
        d = d.succ_opt().unwrap();
    }
}

#[test]
fn upcoming_lists_the_next_events_a_member_may_join_from_now() {
    let program = Program::default_program();
    let uids = |tier: &str, now: &str, days: u64| -> Vec<String> {
        let now = chrono::DateTime::parse_from_rfc3339(now).unwrap();
        upcoming(&program, &member(tier, None, &[]), &now, days, 3)
            .into_iter()
            .map(|o| o.uid)
            .collect()
    };
    // Friday 2026-12-04 20:30: the flash sale is on until 21:00.
    let during = "2026-12-04T20:30:00+08:00";
    assert_eq!(
        uids("regular", during, 30),
        [
            "flash-sale-20261204",
            "flash-sale-20261211",
            "member-day-20261215"
        ]
    );
    assert_eq!(
        uids("regular", "2026-12-04T21:00:00+08:00", 30),
        [
            "flash-sale-20261211",
            "member-day-20261215",
            "flash-sale-20261218"
        ]
    );
    // Early access (from Wednesday 12-09 10:00) is locked below gold, so not listed.
    assert_eq!(
        uids("gold", during, 30),
        [
            "flash-sale-20261204",
            "early-access-winter-down-2026",
            "flash-sale-20261211"
        ]
    );
    assert_eq!(uids("gold", during, 1), ["flash-sale-20261204"]);
}
