//! The event calendar (PROGRAM.md §6): every occurrence of the program's events in a
//! range of local dates, with its start and end instants, who may take part and, for a
//! member who may not, why.
//!
//! Each event's dates come from the rule it announces: member day from the member
//! discount, 618 and 双十一 from the points campaigns, the monthly coupon from coupon
//! issuance, the birthday from the birthday coupon's rule, the expiry reminder from points
//! expiry. Only the flash sale and the launches are the calendar's own (`events`).

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::birthday::Birthday;
use crate::calendar::TimeZone;
use crate::issuance::birthday_due;
use crate::program::Program;
use crate::text::Text;
use crate::tier::{TierId, Tiers};
use crate::units::Points;

/// What the calendar knows of a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMember {
    pub tier: TierId,
    pub birthday: Option<Birthday>,
    /// Points still held, by the local date on which they expire
    /// (`PointsRules::expiry_date`).
    pub expiring: Vec<(NaiveDate, Points)>,
}

/// Who an event is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Audience {
    AllMembers,
    /// Members of this tier and up.
    MinTier {
        tier: TierId,
    },
    /// One member's own event (a birthday, their points expiring): never shown to anyone
    /// but them.
    Personal,
}

/// Why this member may not take part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Locked {
    /// `opens` is the lowest tier that may.
    TierTooLow {
        opens: TierId,
    },
    NoPointsExpiring,
    NoBirthdaySet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// The same for this occurrence in every answer and feed (`member-day-20270115`).
    pub uid: String,
    /// The event: `member-day`, `flash-sale`, a campaign's id, `monthly-coupon`,
    /// `birthday`, `birthday-month`, `early-access`, `points-expiry`.
    pub event: String,
    pub title: Text,
    #[serde(deserialize_with = "crate::rfc3339::instant")]
    pub start: DateTime<FixedOffset>,
    /// Exclusive; an all-day event ends at local midnight after its last day.
    #[serde(deserialize_with = "crate::rfc3339::instant")]
    pub end: DateTime<FixedOffset>,
    pub all_day: bool,
    pub audience: Audience,
    /// For a member who may not take part; always `None` for anyone else.
    pub locked: Option<Locked>,
}

/// A range of local dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    fn days(self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }

    fn years(self) -> std::ops::RangeInclusive<i32> {
        // A yearly event of the year before may run into the range (none does today, but
        // a campaign from December to January would).
        self.from.year() - 1..=self.to.year()
    }
}

/// The calendar of one member, or of anyone (`None`: the events for all members and the
/// tier events, nothing personal, nothing locked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Every occurrence that overlaps the range, by start.
    pub occurrences: Vec<Occurrence>,
    /// Events this member has no date for (a birthday not set), and why.
    pub undated: Vec<Undated>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undated {
    pub event: String,
    pub title: Text,
    pub locked: Locked,
}

pub fn calendar(program: &Program, member: Option<&EventMember>, range: DateRange) -> Calendar {
    let zone = &program.time_zone;
    let mut found = Found {
        zone,
        tiers: &program.tiers,
        from: zone.local_midnight(range.from),
        until: range.to.succ_opt().map(|after| zone.local_midnight(after)),
        member,
        list: vec![],
    };
    let titles = &program.events.titles;
    for date in range.days() {
        if program.member_discount.is_member_day(date) {
            found.day("member-day", &titles.member_day, date, Audience::AllMembers);
        }
        let issuance = &program.coupon_issuance;
        if issuance.is_monthly_day(date) {
            let audience = Audience::MinTier {
                tier: issuance.monthly.min_tier.clone(),
            };
            found.day("monthly-coupon", &titles.monthly_coupon, date, audience);
        }
        let sale = &program.events.flash_sale;
        if date.weekday() == sale.weekday {
            let at = |t| zone.local_midnight(date) + (t - chrono::NaiveTime::MIN);
            found.push(Occurrence {
                uid: uid(&sale.id, date),
                event: sale.id.clone(),
                title: sale.title.clone(),
                start: at(sale.start),
                end: at(sale.end),
                all_day: false,
                audience: Audience::AllMembers,
                locked: None,
            });
        }
        // The reminder is on the last day the expiring points are held.
        if date
            .succ_opt()
            .is_some_and(|next| program.points.is_expiry_date(next))
        {
            found.day(
                "points-expiry",
                &titles.points_expiry,
                date,
                Audience::Personal,
            );
        }
        if let Some(birthday) = member.and_then(|m| m.birthday) {
            if birthday_due(birthday, date) {
                found.day("birthday", &titles.birthday, date, Audience::Personal);
            }
        }
    }
    for year in range.years() {
        for campaign in &program.points.campaigns {
            if let Some((first, last)) = campaign.dates_in(year) {
                found.days(
                    &campaign.id,
                    &campaign.name,
                    first,
                    last,
                    Audience::AllMembers,
                );
            }
        }
        if let Some(birthday) = member.and_then(|m| m.birthday) {
            let first = NaiveDate::from_ymd_opt(year, birthday.month(), 1);
            let last = first.and_then(|f| f.checked_add_months(chrono::Months::new(1)));
            if let (Some(first), Some(last)) = (first, last.and_then(|l| l.pred_opt())) {
                let title = &titles.birthday_month;
                found.days("birthday-month", title, first, last, Audience::Personal);
            }
        }
    }
    let access = &program.events.early_access;
    for launch in &program.events.launches {
        let title = Text {
            zh: format!("{}：{}", access.title.zh, launch.name.zh),
            en: format!("{}: {}", access.title.en, launch.name.en),
        };
        found.push(Occurrence {
            uid: format!("early-access-{}", launch.id),
            event: "early-access".into(),
            title,
            start: access.opens(launch),
            end: launch.launch_at,
            all_day: false,
            audience: Audience::MinTier {
                tier: access.min_tier.clone(),
            },
            locked: None,
        });
    }
    let mut occurrences = found.list;
    occurrences.sort_by(|a, b| (a.start, &a.event).cmp(&(b.start, &b.event)));
    let undated = match member {
        Some(m) if m.birthday.is_none() => vec![Undated {
            event: "birthday".into(),
            title: titles.birthday.clone(),
            locked: Locked::NoBirthdaySet,
        }],
        _ => vec![],
    };
    Calendar {
        occurrences,
        undated,
    }
}

/// The next `count` occurrences this member may take part in, from `now` over the next
/// `days` local days (today included): those not over yet, by start (home's "coming up").
pub fn upcoming(
    program: &Program,
    member: &EventMember,
    now: &DateTime<FixedOffset>,
    days: u64,
    count: usize,
) -> Vec<Occurrence> {
    let from = program.time_zone.local_date(now);
    let Some(to) = from.checked_add_days(Days::new(days.saturating_sub(1))) else {
        return vec![];
    };
    calendar(program, Some(member), DateRange { from, to })
        .occurrences
        .into_iter()
        .filter(|o| o.locked.is_none() && o.end > *now)
        .take(count)
        .collect()
}

/// When a member of `tier` may buy `launch`: from its early access when the tier has
/// it, else from the launch itself.
pub fn launch_opens_for(
    program: &Program,
    tier: &TierId,
    launch: &crate::events::Launch,
) -> DateTime<FixedOffset> {
    let access = &program.events.early_access;
    if program.tiers.at_least(tier, &access.min_tier) {
        access.opens(launch)
    } else {
        launch.launch_at
    }
}

/// `member-day-20270115`.
fn uid(event: &str, date: NaiveDate) -> String {
    format!("{event}-{}", date.format("%Y%m%d"))
}

/// The occurrences found so far, kept when they overlap the range and this member may
/// see them.
struct Found<'a> {
    zone: &'a TimeZone,
    tiers: &'a Tiers,
    /// The range as instants: its first local midnight, and the one after its last day
    /// (`None` at the end of chrono's calendar: nothing is kept).
    from: DateTime<FixedOffset>,
    until: Option<DateTime<FixedOffset>>,
    member: Option<&'a EventMember>,
    list: Vec<Occurrence>,
}

impl Found<'_> {
    /// An all-day event on one date.
    fn day(&mut self, event: &str, title: &Text, date: NaiveDate, audience: Audience) {
        self.days(event, title, date, date, audience);
    }

    /// An all-day event from `first` to `last`, both included.
    fn days(
        &mut self,
        event: &str,
        title: &Text,
        first: NaiveDate,
        last: NaiveDate,
        audience: Audience,
    ) {
        let Some(after) = last.checked_add_days(Days::new(1)) else {
            return;
        };
        self.push(Occurrence {
            uid: uid(event, first),
            event: event.to_string(),
            title: title.clone(),
            start: self.zone.local_midnight(first),
            end: self.zone.local_midnight(after),
            all_day: true,
            audience,
            locked: None,
        });
    }

    fn push(&mut self, mut occurrence: Occurrence) {
        let overlaps = self
            .until
            .is_some_and(|until| occurrence.start < until && occurrence.end > self.from);
        if !overlaps {
            return;
        }
        match (self.member, &occurrence.audience) {
            (None, Audience::Personal) => return,
            (None, _) | (Some(_), Audience::AllMembers) => {}
            (Some(member), Audience::MinTier { tier }) => {
                if !self.tiers.at_least(&member.tier, tier) {
                    occurrence.locked = Some(Locked::TierTooLow {
                        opens: tier.clone(),
                    });
                }
            }
            (Some(member), Audience::Personal) => {
                if occurrence.event == "points-expiry" {
                    let expires = self.zone.local_date(&occurrence.end);
                    let held = member
                        .expiring
                        .iter()
                        .any(|(on, points)| *on == expires && points.is_positive());
                    if !held {
                        occurrence.locked = Some(Locked::NoPointsExpiring);
                    }
                }
            }
        }
        self.list.push(occurrence);
    }
}
