//! The event calendar as a member (or anyone) sees it: the program's occurrences, each
//! with why the member may not take part, decided by the rules over the member's tier,
//! birthday and the points they hold by expiry date.

use chrono::{DateTime, Days, FixedOffset};
use rules::occurrences::{self, Calendar, DateRange, EventMember, Occurrence};
use rules::Program;

use crate::clock::ms;
use crate::crypto::sha256_hex;
use crate::db::members::{self, MemberRow};
use crate::db::{calendar_feeds, ledger, Db};

/// Who a calendar is for.
pub enum Viewer<'a> {
    /// A session cookie or token: a stale or foreign one reads as nobody (the public
    /// calendar, marked as such), not as an error.
    Session(Option<&'a str>),
    /// A private feed link's token (`GET /api/calendar/{token}.ics`).
    Feed(&'a str),
}

/// The calendar of `range`: personal (`Some` member) when the viewer is one.
pub async fn calendar(
    db: &Db,
    program: &Program,
    viewer: Viewer<'_>,
    range: DateRange,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<(Calendar, Option<MemberRow>)> {
    let member = member_of(db, viewer, now).await?;
    let who = match &member {
        Some(m) => Some(event_member(db, program, m, now).await?),
        None => None,
    };
    Ok((occurrences::calendar(program, who.as_ref(), range), member))
}

/// The member's next `count` events within `days`; `None` without a member.
pub async fn upcoming(
    db: &Db,
    program: &Program,
    session: &str,
    now: &DateTime<FixedOffset>,
    days: u64,
    count: usize,
) -> anyhow::Result<Option<Vec<Occurrence>>> {
    let Some(member) = member_of(db, Viewer::Session(Some(session)), now).await? else {
        return Ok(None);
    };
    let now = now.with_timezone(&program.offset());
    let who = event_member(db, program, &member, &now).await?;
    Ok(Some(occurrences::upcoming(
        program, &who, &now, days, count,
    )))
}

/// A member's feed, from `back` days before today to `ahead` after, and the member it is
/// for (their language); `None` for no member.
pub async fn feed(
    db: &Db,
    program: &Program,
    viewer: Viewer<'_>,
    now: &DateTime<FixedOffset>,
    (back, ahead): (u64, u64),
) -> anyhow::Result<Option<(Vec<Occurrence>, MemberRow)>> {
    let today = program.time_zone.local_date(now);
    let range = DateRange {
        from: today - Days::new(back),
        to: today + Days::new(ahead),
    };
    let (calendar, member) = calendar(db, program, viewer, range, now).await?;
    Ok(member.map(|m| (calendar.occurrences, m)))
}

async fn member_of(
    db: &Db,
    viewer: Viewer<'_>,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Option<MemberRow>> {
    match viewer {
        Viewer::Session(None) => Ok(None),
        Viewer::Session(Some(token)) => members::by_session(db, token, ms(now)).await,
        Viewer::Feed(token) => {
            match calendar_feeds::member_of(db, &sha256_hex(&[token.as_bytes()])).await? {
                Some(id) => members::get(&mut &*db, &id).await,
                None => Ok(None),
            }
        }
    }
}

/// What the calendar needs of a member: tier, birthday, and the points they hold by the
/// local date those expire.
async fn event_member(
    db: &Db,
    program: &Program,
    member: &MemberRow,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<EventMember> {
    let expiring = ledger::held_by_expiry(db, &program.time_zone, &member.id, now).await?;
    Ok(EventMember {
        tier: member.tier.clone(),
        birthday: member.birthday,
        expiring,
    })
}
