//! The points planner: a member's points by the date they expire, oldest first, each lot
//! with what it can still buy in the mall and the bonus-points campaigns before that date.
//!
//! A redemption spends the points that expire first (`ledger`), so anything redeemed
//! before a lot's last day uses that lot before any later one.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::mall::MallItem;
use crate::program::Program;
use crate::text::Text;
use crate::units::Points;

/// The points that expire on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotPlan {
    /// The local date on which these points are gone (`PointsRules::expiry_date`).
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub expires_on: NaiveDate,
    /// The last local date on which they can be used.
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub last_day: NaiveDate,
    pub points: Points,
    /// These points and all that expire before them: what a redemption before
    /// `last_day` can draw on without touching later points.
    pub points_by_then: Points,
    /// Mall items the member may redeem now whose price is within `points_by_then`,
    /// cheapest first.
    pub items: Vec<PlanItem>,
    /// Campaigns that raise the points rate on some day from today to `last_day`, by
    /// their first date.
    pub campaigns: Vec<PlanCampaign>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: String,
    pub title: Text,
    pub points: Points,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCampaign {
    pub id: String,
    pub name: Text,
    /// Its dates that year, both included (the first may be before today when it has
    /// already begun).
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub first: NaiveDate,
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub last: NaiveDate,
    pub rate_percent: i64,
}

/// The plan for points held `lots` (local expiry date, points), on local date `today`.
/// `redeemable` are the mall items the member may redeem now (the mall's eligibility:
/// tier, stock, limit, balance). Lots on the same date are one; lots with no points or
/// already expired are left out.
pub fn plan(
    program: &Program,
    today: NaiveDate,
    lots: &[(NaiveDate, Points)],
    redeemable: &[&MallItem],
) -> Vec<LotPlan> {
    let mut by_date: Vec<(NaiveDate, Points)> = vec![];
    for &(expires_on, points) in lots {
        if expires_on <= today || !points.is_positive() {
            continue;
        }
        match by_date.iter_mut().find(|(d, _)| *d == expires_on) {
            Some((_, sum)) => *sum += points,
            None => by_date.push((expires_on, points)),
        }
    }
    by_date.sort();
    let mut items: Vec<&MallItem> = redeemable.to_vec();
    items.sort_by(|a, b| (a.points, &a.id).cmp(&(b.points, &b.id)));
    let mut by_then = Points(0);
    by_date
        .into_iter()
        .filter_map(|(expires_on, points)| {
            by_then += points;
            let last_day = expires_on.pred_opt()?;
            Some(LotPlan {
                expires_on,
                last_day,
                points,
                points_by_then: by_then,
                items: items
                    .iter()
                    .filter(|i| i.points <= by_then)
                    .map(|i| PlanItem {
                        id: i.id.clone(),
                        title: i.title.clone(),
                        points: i.points,
                    })
                    .collect(),
                campaigns: campaigns_between(program, today, last_day),
            })
        })
        .collect()
}

/// The campaigns with a rate above 100% that run on some day from `from` to `to`.
fn campaigns_between(program: &Program, from: NaiveDate, to: NaiveDate) -> Vec<PlanCampaign> {
    let mut found: Vec<PlanCampaign> = (from.year()..=to.year())
        .flat_map(|year| {
            program
                .points
                .campaigns
                .iter()
                .filter(|c| c.rate_percent > 100)
                .filter_map(move |c| Some((c, c.dates_in(year)?)))
        })
        .filter(|(_, (first, last))| *first <= to && *last >= from)
        .map(|(c, (first, last))| PlanCampaign {
            id: c.id.clone(),
            name: c.name.clone(),
            first,
            last,
            rate_percent: c.rate_percent,
        })
        .collect();
    found.sort_by(|a, b| (a.first, &a.id).cmp(&(b.first, &b.id)));
    found
}
