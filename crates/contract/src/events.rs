//! The event calendar: `GET /api/events?from=&to=`, home's `GET /api/me/next-events`, the member's private feed link
//! (`POST`/`DELETE /api/me/calendar-feed`), and the shop's early-access check
//! (`GET /api/v1/members/{id}/early-access?launch=`). The occurrences themselves are the
//! rules' (`rules::occurrences`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::occurrences::{Occurrence, Undated};
use rules::Text;
use serde::{Deserialize, Serialize};

/// Dates as typed (`YYYY-MM-DD`), checked by the server so that a bad one gets its own
/// code (`invalid_date`) rather than the generic `invalid_query`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsPage {
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub to: NaiveDate,
    /// The program's zone: the dates are local to it.
    pub time_zone: String,
    /// Whether these are one member's events (with why they may not take part) or the
    /// public ones.
    pub personal: bool,
    pub occurrences: Vec<Occurrence>,
    pub undated: Vec<Undated>,
}

/// `GET /api/me/next-events`: the next events the member may join, for home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextEvents {
    pub events: Vec<NextEvent>,
}

/// An event coming up (`rules::occurrences::upcoming`), as home lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextEvent {
    pub uid: String,
    pub title: Text,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub start: DateTime<FixedOffset>,
    pub all_day: bool,
}

/// `POST /api/me/calendar-feed`: the new private link (any earlier one stops working).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLink {
    /// Path from the site's root; the app puts its origin (or `webcal://`) in front.
    pub path: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyAccessQuery {
    pub launch: Option<String>,
}

/// Whether the member may buy the launch now, for the shop's checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyAccess {
    pub member_id: String,
    pub launch: String,
    pub may_buy: bool,
    /// When this member may buy: early access for their tier, else the launch.
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub opens_at: DateTime<FixedOffset>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub launch_at: DateTime<FixedOffset>,
}
