//! Points (积分): the program's points settings, what an order earns, points used as cash,
//! check-in streaks and expiry.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{MonthDay, TimeZone};
use crate::money::Fen;
use crate::tier::Tier;
use crate::units::Points;
use crate::validate::{ensure, ensure_percent, ProgramError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRules {
    /// Fen of earn base per base point (100: 1 point per whole yuan).
    pub fen_per_point: Fen,
    pub campaigns: Vec<Campaign>,
    pub order_bonus: OrderBonus,
    /// Lifetime-spend milestones, increasing.
    pub milestones: Vec<Milestone>,
    pub checkin: CheckinRules,
    pub as_cash: PointsAsCash,
    pub expiry: Expiry,
}

/// A points campaign: from one local date to another (inclusive), every year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub name: crate::text::Text,
    pub from: MonthDay,
    pub to: MonthDay,
    /// 200 = double points: the bonus is base × (rate − 100) / 100.
    pub rate_percent: i64,
}

impl Campaign {
    /// Its first and last local dates in `year`; none when a date does not exist that
    /// year (a campaign set on Feb 29).
    pub fn dates_in(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let first = NaiveDate::from_ymd_opt(year, self.from.month, self.from.day)?;
        let last = NaiveDate::from_ymd_opt(year, self.to.month, self.to.day)?;
        Some((first, last))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBonus {
    pub min_earn_base_fen: Fen,
    pub points: Points,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub lifetime_spend_fen: Fen,
    pub points: Points,
}

/// The daily check-in: points a day, and a bonus on the last day of a streak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinRules {
    pub daily_points: Points,
    pub streak_days: u32,
    pub streak_bonus_points: Points,
}

impl CheckinRules {
    /// What a check-in on day `day` of a streak (1-based) earns: the daily points, and on
    /// the streak's last day its bonus too. The check-in and the streak's calendar both
    /// read it, so what a day promises is what it pays.
    pub fn points_on_day(&self, day: u32) -> Points {
        if day == self.streak_days {
            self.daily_points + self.streak_bonus_points
        } else {
            self.daily_points
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsAsCash {
    /// 100 points = ¥1.
    pub points_per_yuan: Points,
    /// Points are used in whole steps of this many.
    pub step_points: Points,
    /// At most this percent of the amount left after member discount and coupon.
    pub max_percent_of_amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expiry {
    /// Points earned in year Y expire at the end of Y + this.
    pub years_after_earning_year: i32,
    /// The home screen warns about points expiring within this many days.
    pub warn_days: i64,
}

/// What one order earns, item by item (PROGRAM.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PointsEarned {
    /// One per `fen_per_point` of the earn base (one per whole yuan).
    pub base: Points,
    pub tier_points: Points,
    pub campaign_bonus: Points,
    pub order_bonus: Points,
    pub milestone_bonus: Points,
    pub total: Points,
}

impl PointsRules {
    /// Points for an order with this earn base, for a member holding `tier` before the
    /// order, on local date `date`, whose lifetime spend goes from `lifetime_before` to
    /// `lifetime_before + earn_base_fen`.
    pub fn for_order(
        &self,
        tier: &Tier,
        earn_base_fen: Fen,
        date: NaiveDate,
        lifetime_before_fen: Fen,
    ) -> PointsEarned {
        let earn_base_fen = earn_base_fen.max(Fen::ZERO);
        let base = Points(earn_base_fen.get() / self.fen_per_point.get());
        let tier_points = base.percent(tier.points_rate_percent);
        let campaign_bonus = self
            .campaign_on(date)
            .map_or(Points::ZERO, |c| base.percent(c.rate_percent - 100));
        let order_bonus = if earn_base_fen >= self.order_bonus.min_earn_base_fen {
            self.order_bonus.points
        } else {
            Points::ZERO
        };
        let lifetime_after = lifetime_before_fen + earn_base_fen;
        let milestone_bonus = self
            .milestones_crossed(lifetime_before_fen, lifetime_after)
            .map(|m| m.points)
            .sum();
        PointsEarned {
            base,
            tier_points,
            campaign_bonus,
            order_bonus,
            milestone_bonus,
            total: tier_points + campaign_bonus + order_bonus + milestone_bonus,
        }
    }

    /// The lifetime-spend milestones a move from `before` to `after` crosses: each is
    /// reached once, when lifetime spend first comes to its threshold.
    pub fn milestones_crossed(
        &self,
        before_fen: Fen,
        after_fen: Fen,
    ) -> impl Iterator<Item = &Milestone> {
        self.milestones
            .iter()
            .filter(move |m| before_fen < m.lifetime_spend_fen && m.lifetime_spend_fen <= after_fen)
    }

    /// The points campaign running on a local date, if any (the first listed wins).
    pub fn campaign_on(&self, date: NaiveDate) -> Option<&Campaign> {
        let day = MonthDay::of(date);
        self.campaigns.iter().find(|c| c.from <= day && day <= c.to)
    }

    /// The most points usable as cash on an amount (after member discount and coupon):
    /// at most the program's percent of it, in whole yuan, in whole steps.
    pub fn cash_cap(&self, amount_fen: Fen) -> Points {
        let cash = &self.as_cash;
        let cap_yuan = amount_fen
            .max(Fen::ZERO)
            .percent(cash.max_percent_of_amount)
            .get()
            / 100;
        (cash.points_per_yuan * cap_yuan).round_down_to(cash.step_points)
    }

    /// What points used as cash are worth, in fen (100 points = ¥1 by default).
    pub fn as_fen(&self, points: Points) -> Fen {
        Fen(points.get() * 100 / self.as_cash.points_per_yuan.get())
    }

    /// The local date on which points credited on `credited` have expired: they expire at
    /// the end of Dec 31 of the earning year plus the program's years, so this is Jan 1
    /// after that.
    pub fn expiry_date(&self, credited: NaiveDate) -> NaiveDate {
        let year = credited.year() + self.expiry.years_after_earning_year + 1;
        NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year")
    }

    /// Whether points expire on local date `date` (`expiry_date` of some credit date).
    pub fn is_expiry_date(&self, date: NaiveDate) -> bool {
        (date.month(), date.day()) == (1, 1)
    }

    /// When points credited at `at` expire: local 00:00 on January 1 of the earning year
    /// plus the program's years plus one (PROGRAM.md: the end of Dec 31 of Y+1).
    pub fn expire_at(&self, zone: &TimeZone, at: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        zone.local_midnight(self.expiry_date(zone.local_date(at)))
    }

    /// A check-in on `today` after the last one (`last`, with its streak day number):
    /// the new streak day and the points it earns. None when already checked in today.
    pub fn checkin(&self, today: NaiveDate, last: Option<(NaiveDate, u32)>) -> Option<Checkin> {
        let rules = &self.checkin;
        let streak_day = match last {
            Some((date, _)) if date >= today => return None,
            Some((date, day)) if date.succ_opt() == Some(today) && day < rules.streak_days => {
                day + 1
            }
            _ => 1,
        };
        Some(Checkin {
            streak_day,
            points: rules.points_on_day(streak_day),
        })
    }

    /// The streak on `today` after the last check-in (`last`, with its streak day): alive
    /// when that was today, or yesterday without completing a streak — after a completed
    /// one the next check-in starts at day 1, so the streak shown is already 0.
    pub fn streak_state(&self, today: NaiveDate, last: Option<(NaiveDate, u32)>) -> StreakState {
        let days = self.checkin.streak_days;
        let alive = last.is_some_and(|(date, day)| {
            date == today || (date.succ_opt() == Some(today) && day < days)
        });
        StreakState {
            checked_in_today: last.is_some_and(|(date, _)| date == today),
            streak_day: if alive {
                last.map_or(0, |(_, day)| day)
            } else {
                0
            },
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(
            self.fen_per_point.is_positive(),
            "fen_per_point",
            "must be positive",
        )?;
        for (i, c) in self.campaigns.iter().enumerate() {
            let at = |f: &str| format!("campaigns[{i}].{f}");
            c.from.validate().map_err(|e| e.within(&at("from")))?;
            c.to.validate().map_err(|e| e.within(&at("to")))?;
            ensure(
                c.from <= c.to,
                at("to"),
                "must not be before `from` (same year)",
            )?;
            ensure(
                (100..=1000).contains(&c.rate_percent),
                at("rate_percent"),
                "must be from 100 to 1000",
            )?;
        }
        ensure(
            !self.order_bonus.min_earn_base_fen.is_negative()
                && !self.order_bonus.points.is_negative(),
            "order_bonus",
            "must not be negative",
        )?;
        for (i, m) in self.milestones.iter().enumerate() {
            let at = format!("milestones[{i}]");
            ensure(
                !m.points.is_negative(),
                format!("{at}.points"),
                "must not be negative",
            )?;
            let above_previous = match i {
                0 => m.lifetime_spend_fen.is_positive(),
                _ => m.lifetime_spend_fen > self.milestones[i - 1].lifetime_spend_fen,
            };
            ensure(
                above_previous,
                format!("{at}.lifetime_spend_fen"),
                "must be positive and increase",
            )?;
        }
        let cash = &self.as_cash;
        ensure(
            cash.points_per_yuan.is_positive(),
            "as_cash.points_per_yuan",
            "must be positive",
        )?;
        ensure(
            cash.step_points.is_positive()
                && cash.step_points.get() % cash.points_per_yuan.get() == 0,
            "as_cash.step_points",
            "must be a positive multiple of points_per_yuan (whole yuan per step)",
        )?;
        ensure_percent(cash.max_percent_of_amount, "as_cash.max_percent_of_amount")?;
        let checkin = &self.checkin;
        ensure(
            !checkin.daily_points.is_negative() && !checkin.streak_bonus_points.is_negative(),
            "checkin",
            "points must not be negative",
        )?;
        ensure(
            checkin.streak_days > 0,
            "checkin.streak_days",
            "must be positive",
        )?;
        ensure(
            self.expiry.years_after_earning_year >= 0,
            "expiry.years_after_earning_year",
            "must not be negative",
        )?;
        ensure(
            self.expiry.warn_days > 0,
            "expiry.warn_days",
            "must be positive",
        )
    }
}

/// Where a member's check-in streak stands today, as the points screen shows it. (Wire
/// body: `GET /api/me`'s `checkin`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreakState {
    pub checked_in_today: bool,
    /// The streak's current day (0 when it is broken).
    pub streak_day: u32,
}

/// The outcome of one daily check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkin {
    /// 1 to the program's streak length; after the last day the next starts again at 1.
    pub streak_day: u32,
    pub points: Points,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Program;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn checkin_streak_of_seven_then_restart() {
        let p = Program::default_program();
        let mut last = None;
        let mut got = vec![];
        for day in 1..=9 {
            let today = d(&format!("2026-03-{day:02}"));
            let c = p.points.checkin(today, last).unwrap();
            got.push((c.streak_day, c.points.get()));
            last = Some((today, c.streak_day));
        }
        assert_eq!(
            got,
            [
                (1, 5),
                (2, 5),
                (3, 5),
                (4, 5),
                (5, 5),
                (6, 5),
                (7, 25),
                (1, 5),
                (2, 5)
            ]
        );
        assert_eq!(p.points.checkin(d("2026-03-09"), last), None, "twice a day");
        assert_eq!(
            p.points.checkin(d("2026-03-11"), last).unwrap().streak_day,
            1,
            "missed day"
        );
    }

    #[test]
    fn expiry_is_end_of_next_year() {
        let p = Program::default_program();
        assert_eq!(p.points.expiry_date(d("2026-01-01")), d("2028-01-01"));
        assert_eq!(p.points.expiry_date(d("2026-12-31")), d("2028-01-01"));
    }

    #[test]
    fn cash_cap_whole_yuan_and_steps() {
        let p = Program::default_program();
        assert_eq!(p.points.cash_cap(Fen(12345)), Points(6100));
        assert_eq!(p.points.cash_cap(Fen(199)), Points(0));
        assert_eq!(p.points.cash_cap(Fen(-5)), Points(0));
    }

    #[test]
    fn the_streak_shown_today() {
        let p = Program::default_program();
        let days = p.points.checkin.streak_days;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-03-10");
        let state = |last| p.points.streak_state(today, last);
        assert_eq!(state(None).streak_day, 0);
        assert!(state(Some((today, 3))).checked_in_today);
        assert_eq!(state(Some((today, 3))).streak_day, 3);
        assert_eq!(state(Some((d("2026-03-09"), 3))).streak_day, 3);
        assert!(!state(Some((d("2026-03-09"), 3))).checked_in_today);
        assert_eq!(state(Some((d("2026-03-08"), 3))).streak_day, 0);
        // Yesterday completed a streak: the next check-in starts again at day 1.
        assert_eq!(state(Some((d("2026-03-09"), days))).streak_day, 0);
        assert_eq!(state(Some((today, days))).streak_day, days);
    }

    #[test]
    fn points_expire_on_january_first_after_next_year_local() {
        let p = Program::default_program();
        // 2026-12-31 20:00 UTC is already 2027-01-01 in Shanghai: earned in 2027.
        let at = DateTime::parse_from_rfc3339("2026-12-31T20:00:00Z").unwrap();
        assert_eq!(
            p.points.expire_at(&p.time_zone, &at).to_rfc3339(),
            "2029-01-01T00:00:00+08:00"
        );
    }
}
