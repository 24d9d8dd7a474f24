//! The member's events as RFC 5545 iCalendar, through the `icalendar` crate.
//!
//! Times are written in UTC (`…Z`), all-day events as dates, so no VTIMEZONE is needed
//! and every calendar app shows the program's local wall-clock times in its own zone.
//! Each event's UID is its occurrence's (`member-day-20270115@member-center`): a phone
//! refreshing the feed updates its entries instead of duplicating them. Events the
//! member may not take part in are left out: the feed is what they can do.

use chrono::Utc;
use icalendar::{Calendar, Component, Event, EventLike};
use rules::occurrences::Occurrence;
use rules::Program;

/// The domain part of every UID: the same member center always writes the same ones.
const UID_DOMAIN: &str = "member-center";

pub fn render(program: &Program, occurrences: &[Occurrence], lang: &str) -> String {
    let zone = &program.time_zone;
    let name = if lang.starts_with("en") {
        "Member events"
    } else {
        "会员活动"
    };
    let mut calendar = Calendar::new();
    calendar.name(name);
    calendar.ttl(&chrono::Duration::hours(12));
    for o in occurrences.iter().filter(|o| o.locked.is_none()) {
        let mut event = Event::new();
        event
            .uid(&format!("{}@{UID_DOMAIN}", o.uid))
            .summary(o.title.get(lang));
        if o.all_day {
            event
                .starts(zone.local_date(&o.start))
                .ends(zone.local_date(&o.end));
        } else {
            event
                .starts(o.start.with_timezone(&Utc))
                .ends(o.end.with_timezone(&Utc));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
