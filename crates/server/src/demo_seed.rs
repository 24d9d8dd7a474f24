//! Demo members (`--demo`): one per tier of the loaded program, with realistic spend,
//! points, birthdays and a few coupons whose validity is computed from the clock at seed
//! time. Seeded on every start, resetting them to this state; never duplicated.

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate};
use rules::Text;
use rules::{Coupon, CouponKind, Fen, Points, Program, TierId};

use crate::db::demo::{self, Member, NewMember};
use crate::db::members::WalletCoupon;
use crate::db::Db;

/// Seeds the demo members and returns them as `/api/demo/members` shows them.
pub async fn seed(
    db: &Db,
    program: &Program,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<Vec<Member>> {
    demo::replace_demo_members(db, program, &demo_members(program, now), now).await?;
    crate::reads::demo::demo_members(db, program, &now).await
}

/// The hand-picked figures for the default program's tiers: (trailing spend, lifetime
/// spend, points). Silver is ¥123.45 short of gold, PROGRAM.md's example prompt.
fn preferred_figures(tier: &str) -> Option<(i64, i64, i64)> {
    match tier {
        "regular" => Some((12_340, 25_680, 380)),
        "silver" => Some((187_655, 312_000, 2_460)),
        "gold" => Some((320_000, 865_000, 6_850)),
        "diamond" => Some((680_000, 2_450_000, 31_200)),
        _ => None,
    }
}

const NICKNAMES: [&str; 4] = ["林小满", "陈雨桐", "王嘉怡", "李思远"];

/// The demo members for `program` at `now` (pure, so it is unit-tested without a database).
pub fn demo_members(program: &Program, now: DateTime<FixedOffset>) -> Vec<NewMember> {
    let offset = program.offset();
    let now = now.with_timezone(&offset);
    let today = now.date_naive();
    program
        .tiers
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            let next = program.tiers.get(i + 1).map(|t| t.threshold_fen);
            let (spend, lifetime, points) = figures(program, &tier.id, tier.threshold_fen, next);
            // One member has their birthday today: the birthday discount and gift show.
            let birthday = match i % 4 {
                0 => None,
                1 => Some(birthday_in(today, 4, 1991)),
                2 => NaiveDate::from_ymd_opt(1992, today.month(), today.day()),
                _ => Some(birthday_in(today, 7, 1988)),
            };
            let id = format!("demo-{}", tier.id);
            let coupons = wallet(program, &id, i, birthday, today);
            NewMember {
                phone: Some(format!("+861380000{:04}", i + 1)),
                nickname: NICKNAMES
                    .get(i)
                    .map_or_else(|| format!("演示会员{}", i + 1), |n| (*n).to_owned()),
                tier: tier.id.clone(),
                qualifying_spend_fen: spend,
                lifetime_spend_fen: lifetime,
                points_balance: points,
                birthday: birthday.map(rules::Birthday::born),
                first_order: false,
                coupons,
                id,
            }
        })
        .collect()
}

/// The preferred figures when they fit the tier's spend range (an edited program may have
/// moved the thresholds); otherwise the middle of the range.
fn figures(program: &Program, tier: &TierId, low: Fen, high: Option<Fen>) -> (Fen, Fen, Points) {
    let (low, high) = (low.get(), high.map(Fen::get));
    let fits = |spend: i64| spend >= low && high.is_none_or(|h| spend < h);
    let (spend, lifetime, points) = match preferred_figures(tier.as_str()) {
        Some(f) if fits(f.0) && f.1 <= program.limits.max_member_spend_fen.get() => f,
        _ => {
            let spend = match high {
                Some(h) => low + (h - low) / 2,
                None => low + low / 3 + 10_000,
            };
            (spend, spend * 2 + 12_300, spend / 100)
        }
    };
    (Fen(spend), Fen(lifetime), Points(points))
}

/// A birthday `months_ahead` months from today's month, on the 12th (every month has one).
fn birthday_in(today: NaiveDate, months_ahead: u32, year: i32) -> NaiveDate {
    let month = (today.month0() + months_ahead) % 12 + 1;
    NaiveDate::from_ymd_opt(year, month, 12).expect("the 12th exists in every month")
}

fn wallet(
    program: &Program,
    member_id: &str,
    rank: usize,
    birthday: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<WalletCoupon> {
    let midnight = |d: NaiveDate| program.local_midnight(d);
    let days_back = |n: u64| today.checked_sub_days(Days::new(n)).expect("in range");
    let days_ahead = |n: u64| today.checked_add_days(Days::new(n)).expect("in range");
    let month_start = today.with_day(1).expect("the 1st exists");
    let next_month = month_start
        .checked_add_months(Months::new(1))
        .expect("in range");
    let coupon =
        |key: &str, kind, from, until, (zh, en): (&str, &str), source: &str| WalletCoupon {
            coupon: Coupon {
                id: format!("{member_id}-{key}"),
                kind,
                valid_from: midnight(from),
                valid_until: midnight(until),
                first_order_only: false,
            },
            title: Text {
                zh: zh.to_owned(),
                en: en.to_owned(),
            },
            source: rules::coupon::CouponSource::parse(source).expect("a seed coupon's source"),
        };
    let mut coupons = vec![
        coupon(
            "welcome",
            CouponKind::NoThreshold {
                off_fen: Fen(1_000),
            },
            days_back(5),
            days_ahead(25),
            ("¥10.00 无门槛券", "¥10.00 coupon"),
            "welcome",
        ),
        coupon(
            "percent",
            CouponKind::Percent {
                percent_off: 10,
                max_off_fen: Some(Fen(2_000)),
            },
            days_back(1),
            days_ahead(14),
            ("9折券 最高减¥20.00", "10% off, up to ¥20.00"),
            "campaign",
        ),
        coupon(
            "expired",
            CouponKind::NoThreshold { off_fen: Fen(500) },
            days_back(45),
            days_back(15),
            ("¥5.00 无门槛券", "¥5.00 coupon"),
            "mall",
        ),
    ];
    if rank >= 1 {
        coupons.push(coupon(
            "monthly",
            CouponKind::Threshold {
                min_spend_fen: Fen(10_000),
                off_fen: Fen(1_500),
            },
            month_start,
            next_month,
            ("满100减15 会员月券", "Monthly: ¥15.00 off ¥100.00"),
            "monthly",
        ));
    }
    if birthday.is_some_and(|b| (b.month(), b.day()) == (today.month(), today.day())) {
        coupons.push(coupon(
            "birthday",
            CouponKind::NoThreshold {
                off_fen: Fen(5_000),
            },
            today,
            next_month,
            ("生日礼包 ¥50.00 无门槛券", "¥50.00 birthday coupon"),
            "birthday",
        ));
    }
    coupons
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::quote::{Cart, CartLine, CouponChoice, PointsChoice, QuoteInput, QuoteOptions};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn one_member_per_tier_with_the_example_gap() {
        let program = Program::default_program();
        let members = demo_members(&program, at("2026-11-23T02:00:00Z"));
        let tiers: Vec<&str> = members.iter().map(|m| m.tier.as_str()).collect();
        assert_eq!(tiers, ["regular", "silver", "gold", "diamond"]);
        let silver = &members[1];
        let next = program
            .tiers
            .next(&silver.tier, silver.qualifying_spend_fen)
            .unwrap();
        assert_eq!(next.gap_fen, Fen(12_345));
        for m in &members {
            // Each sits in its own tier's range, so the card and the data agree.
            assert_eq!(
                program.tiers.for_spend(m.qualifying_spend_fen).id,
                m.tier,
                "{}",
                m.id
            );
            assert!(m.lifetime_spend_fen >= m.qualifying_spend_fen);
        }
        // The gold member's birthday is today, in the program's zone (+08:00: Nov 23).
        assert_eq!(members[2].birthday.unwrap().month(), 11);
        assert_eq!(members[2].birthday.unwrap().day(), 23);
        assert!(members[2]
            .coupons
            .iter()
            .any(|c| c.source == rules::coupon::CouponSource::Birthday));
    }

    #[test]
    fn every_snapshot_is_accepted_by_the_quote() {
        let program = Program::default_program();
        let now = at("2026-02-28T23:30:00+08:00");
        for m in demo_members(&program, now) {
            let input = QuoteInput {
                now: now.to_rfc3339(),
                member: m.snapshot(),
                cart: Cart {
                    lines: vec![CartLine {
                        sku: "A1".into(),
                        category: "apparel".into(),
                        unit_price_fen: Fen(12_345),
                        qty: 1,
                    }],
                    shipping_fen: Fen(1_000),
                },
                options: QuoteOptions {
                    coupon: CouponChoice::Auto,
                    points: PointsChoice::MAX,
                },
            };
            let quote = rules::quote(&program, &input).expect(&m.id);
            assert!(quote.coupon.is_some(), "{}: a usable coupon", m.id);
            // The expired coupon is in the wallet, and refused when named.
            let mut named = input.clone();
            named.options.coupon = CouponChoice::Id(format!("{}-expired", m.id));
            assert_eq!(
                rules::quote(&program, &named).unwrap_err().code(),
                "coupon_expired"
            );
        }
    }

    #[test]
    fn coupon_times_use_the_program_offset() {
        let program = Program::default_program();
        let members = demo_members(&program, at("2026-12-31T20:00:00Z"));
        let monthly = members[1]
            .coupons
            .iter()
            .find(|c| c.source == rules::coupon::CouponSource::Monthly)
            .unwrap();
        // 20:00Z on Dec 31 is already Jan 1 in Shanghai.
        assert_eq!(
            monthly.coupon.valid_from.to_rfc3339(),
            "2027-01-01T00:00:00+08:00"
        );
        assert_eq!(
            monthly.coupon.valid_until.to_rfc3339(),
            "2027-02-01T00:00:00+08:00"
        );
    }
}
