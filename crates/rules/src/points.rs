//! Points (积分): what an order earns, points used as cash, check-in streaks and expiry.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::MonthDay;
use crate::money::Fen;
use crate::program::Program;
use crate::tier::Tier;

/// What one order earns, item by item (PROGRAM.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PointsEarned {
    /// Whole yuan of the earn base.
    pub base: i64,
    pub tier_points: i64,
    pub campaign_bonus: i64,
    pub order_bonus: i64,
    pub milestone_bonus: i64,
    pub total: i64,
}

impl Program {
    /// Points for an order with this earn base, for a member holding `tier` before the
    /// order, on local date `date`, whose lifetime spend goes from `lifetime_before` to
    /// `lifetime_before + earn_base_fen`.
    pub fn points_for_order(
        &self,
        tier: &Tier,
        earn_base_fen: Fen,
        date: NaiveDate,
        lifetime_before_fen: Fen,
    ) -> PointsEarned {
        let rules = &self.points;
        let base = earn_base_fen.max(0) / rules.fen_per_point;
        let tier_points = base * tier.points_rate_percent / 100;
        let campaign_bonus = self
            .campaign_on(date)
            .map_or(0, |c| base * (c.rate_percent - 100) / 100);
        let order_bonus = if earn_base_fen >= rules.order_bonus.min_earn_base_fen {
            rules.order_bonus.points
        } else {
            0
        };
        let lifetime_after = lifetime_before_fen + earn_base_fen.max(0);
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
    ) -> impl Iterator<Item = &crate::program::Milestone> {
        self.points
            .milestones
            .iter()
            .filter(move |m| before_fen < m.lifetime_spend_fen && m.lifetime_spend_fen <= after_fen)
    }

    /// The points campaign running on a local date, if any (the first listed wins).
    pub fn campaign_on(&self, date: NaiveDate) -> Option<&crate::program::Campaign> {
        let day = MonthDay::of(date);
        self.points
            .campaigns
            .iter()
            .find(|c| c.from <= day && day <= c.to)
    }

    /// The most points usable as cash on an amount (after member discount and coupon):
    /// at most the program's percent of it, in whole yuan, in whole steps.
    pub fn points_cash_cap(&self, amount_fen: Fen) -> i64 {
        let cash = &self.points.as_cash;
        let cap_yuan = amount_fen.max(0) * cash.max_percent_of_amount / 100 / 100;
        let cap_points = cap_yuan * cash.points_per_yuan;
        cap_points - cap_points % cash.step_points
    }

    /// What points used as cash are worth, in fen (100 points = ¥1 by default).
    pub fn points_to_fen(&self, points: i64) -> Fen {
        points * 100 / self.points.as_cash.points_per_yuan
    }

    /// The local date on which points credited on `credited` have expired: they expire at
    /// the end of Dec 31 of the earning year plus the program's years, so this is Jan 1
    /// after that.
    pub fn points_expiry_date(&self, credited: NaiveDate) -> NaiveDate {
        let year = credited.year() + self.points.expiry.years_after_earning_year + 1;
        NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year")
    }

    /// A check-in on `today` after the last one (`last`, with its streak day number):
    /// the new streak day and the points it earns. None when already checked in today.
    pub fn checkin(&self, today: NaiveDate, last: Option<(NaiveDate, u32)>) -> Option<Checkin> {
        let rules = &self.points.checkin;
        let streak_day = match last {
            Some((date, _)) if date >= today => return None,
            Some((date, day)) if date.succ_opt() == Some(today) && day < rules.streak_days => {
                day + 1
            }
            _ => 1,
        };
        let bonus = if streak_day == rules.streak_days {
            rules.streak_bonus_points
        } else {
            0
        };
        Some(Checkin {
            streak_day,
            points: rules.daily_points + bonus,
        })
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

impl Program {
    /// The streak on `today` after the last check-in (`last`, with its streak day): alive
    /// when that was today, or yesterday without completing a streak — after a completed
    /// one the next check-in starts at day 1, so the streak shown is already 0.
    pub fn streak_state(&self, today: NaiveDate, last: Option<(NaiveDate, u32)>) -> StreakState {
        let days = self.points.checkin.streak_days;
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
}

/// The outcome of one daily check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkin {
    /// 1 to the program's streak length; after the last day the next starts again at 1.
    pub streak_day: u32,
    pub points: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let c = p.checkin(today, last).unwrap();
            got.push((c.streak_day, c.points));
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
        assert_eq!(p.checkin(d("2026-03-09"), last), None, "twice a day");
        assert_eq!(
            p.checkin(d("2026-03-11"), last).unwrap().streak_day,
            1,
            "missed day"
        );
    }

    #[test]
    fn expiry_is_end_of_next_year() {
        let p = Program::default_program();
        assert_eq!(p.points_expiry_date(d("2026-01-01")), d("2028-01-01"));
        assert_eq!(p.points_expiry_date(d("2026-12-31")), d("2028-01-01"));
    }

    #[test]
    fn cash_cap_whole_yuan_and_steps() {
        let p = Program::default_program();
        assert_eq!(p.points_cash_cap(12345), 6100);
        assert_eq!(p.points_cash_cap(199), 0);
        assert_eq!(p.points_cash_cap(-5), 0);
    }

    #[test]
    fn the_streak_shown_today() {
        let p = Program::default_program();
        let days = p.points.checkin.streak_days;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-03-10");
        let state = |last| p.streak_state(today, last);
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
}
