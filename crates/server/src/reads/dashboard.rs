//! The operators' dashboard (`GET /api/admin/dashboard`): each figure read as a series of
//! local days over the range and the period before it (the daily rollups plus what
//! arrived since the last rolled day, `db::rollups`; tier moves and reported sales from
//! their own small tables; active members counted in SQL over `member_days`; members per
//! tier and points outstanding from the latest rolled standing), then folded into the
//! two periods' totals and the range's trend (`rules::kpi`). Days are the program's local days: its time zone is a fixed offset, so a
//! day is `(instant + offset) / 86,400,000`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use contract::admin::{DailyActive, Dashboard, Kpi, Part, TrendPoint};
use rules::kpi;
use rules::{Points, Program};
use sqlx::Row as _;

use crate::clock::ms;
use crate::db::rollups::{self, figure};
use crate::db::Db;

/// Values by local day number (days since 1970-01-01).
type Series = BTreeMap<i64, i64>;

/// The two periods, as local dates and as the instants that bound them.
#[derive(Debug, Clone, Copy)]
pub struct Periods {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// `[start_ms, end_ms)` covers both periods.
    start_ms: i64,
    end_ms: i64,
    offset_ms: i64,
}

impl Periods {
    pub fn new(program: &Program, from: NaiveDate, to: NaiveDate) -> Option<Periods> {
        let (previous_from, previous_to) = kpi::previous(from, to)?;
        let midnight = |d: NaiveDate| ms(&program.local_midnight(d));
        Some(Periods {
            from,
            to,
            previous_from,
            previous_to,
            start_ms: midnight(previous_from),
            end_ms: midnight(to.checked_add_days(Days::new(1))?),
            offset_ms: rollups::offset_ms(program.offset()),
        })
    }

    /// [`Periods::kpi`] for members active: each period's and bucket's own distinct count.
    fn distinct_kpi(&self, active: &Active) -> Kpi {
        self.fold(|from, to| active.spans.get(&(from, to)).copied().unwrap_or(0))
    }

    /// A series folded: both periods' totals, the change, the range's trend.
    fn kpi(&self, series: &Series) -> Kpi {
        self.fold(|from, to| {
            series
                .range(rollups::day_number(from)..=rollups::day_number(to))
                .map(|(_, v)| v)
                .sum()
        })
    }

    /// A figure of any span of days, for both periods and each bucket of the range.
    fn fold(&self, figure: impl Fn(NaiveDate, NaiveDate) -> i64) -> Kpi {
        let current = figure(self.from, self.to);
        let previous = figure(self.previous_from, self.previous_to);
        Kpi {
            current,
            previous,
            change_percent: kpi::change_percent(current, previous),
            trend: kpi::buckets(self.from, self.to)
                .into_iter()
                .map(|(from, to)| TrendPoint {
                    from,
                    to,
                    value: figure(from, to),
                })
                .collect(),
        }
    }
}

pub async fn dashboard(
    db: &Db,
    program: &Program,
    p: &Periods,
    now_ms: i64,
) -> anyhow::Result<Dashboard> {
    let live = rollups::live(db, p.offset_ms).await?;
    let days = (
        rollups::day_number(p.previous_from),
        rollups::day_number(p.to),
    );
    let facts = rollups::read(db, days, p.offset_ms, now_ms, live).await?;
    let one = |name: &str| facts.of(name).remove("").unwrap_or_default();
    let new_members = one(figure::NEW_MEMBERS);
    let member_sales = by_day(&one(figure::SALES_2H));
    let reported = reported_sales(db, p).await?;
    let coupons_used = one(figure::COUPONS_USED);
    let coupons_expired = one(figure::COUPONS_EXPIRED);
    let coupons_by_source = facts.of(figure::COUPONS_ISSUED);
    let (upgrades, downgrades) = tier_moves(db, program, p).await?;
    let active = active_by_day(db, p, live).await?;
    let registered_before = registered_before(db, p, live).await?;

    let member_sales_fen = p.kpi(&member_sales);
    let reported_sales_fen = (!reported.is_empty()).then(|| p.kpi(&reported));
    let share = |sales: &Kpi, current: bool| {
        let reported = reported_sales_fen.as_ref()?;
        let (part, whole) = if current {
            (sales.current, reported.current)
        } else {
            (sales.previous, reported.previous)
        };
        kpi::share_bp(part, whole)
    };
    let coupons_issued = p.kpi(&total(&coupons_by_source));
    let coupons_used = p.kpi(&coupons_used);
    // Every member's balance now (debts count as nothing owed), of every tier.
    let standing = rollups::standing(db).await?;
    let outstanding: i64 = standing.values().map(|s| s.1).sum();
    let active_members = p.distinct_kpi(&active);
    Ok(Dashboard {
        from: p.from,
        to: p.to,
        previous_from: p.previous_from,
        previous_to: p.previous_to,
        bucket: kpi::bucket_for(p.from, p.to),
        active_share_bp: {
            let registered = registered_before + new_members.values().sum::<i64>();
            kpi::share_bp(active_members.current, registered)
        },
        daily_active: daily_active(p, &active, registered_before, &new_members),
        active_members,
        new_members: p.kpi(&new_members),
        new_members_by_store: split(p, &facts.of(figure::NEW_BY_STORE)),
        new_members_by_channel: split(p, &facts.of(figure::NEW_BY_CHANNEL)),
        member_share_bp: share(&member_sales_fen, true),
        previous_member_share_bp: share(&member_sales_fen, false),
        member_sales_fen,
        reported_sales_fen,
        points_issued: p.kpi(&one(figure::POINTS_ISSUED)),
        points_redeemed: p.kpi(&one(figure::POINTS_REDEEMED)),
        points_expired: p.kpi(&one(figure::POINTS_EXPIRED)),
        points_outstanding: Points(outstanding),
        points_liability_fen: program.points.as_fen(Points(outstanding)),
        redemption_bp: kpi::share_bp(coupons_used.current, coupons_issued.current),
        previous_redemption_bp: kpi::share_bp(coupons_used.previous, coupons_issued.previous),
        coupons_issued_by_source: split(p, &coupons_by_source),
        coupons_issued,
        coupons_used,
        coupons_expired: p.kpi(&coupons_expired),
        members_per_tier: members_per_tier(program, &standing),
        upgrades: p.kpi(&upgrades),
        downgrades: p.kpi(&downgrades),
    })
}

/// The members active (signed in, checked in or redeemed: `member_days`; or paid an
/// order): how many on each local day of the range, and how many distinct in each period
/// and each bucket of the trend.
struct Active {
    by_day: Series,
    spans: HashMap<(NaiveDate, NaiveDate), i64>,
}

/// Counted in SQL over `member_days` (an order's day is there once rolled), then the
/// members of the orders not rolled yet (a day's worth) added where `member_days` does
/// not already hold them.
async fn active_by_day(db: &Db, p: &Periods, live: rollups::Live) -> anyhow::Result<Active> {
    let mut by_day = Series::new();
    let daily = sqlx::query(
        "SELECT day, COUNT(*) AS v FROM member_days WHERE day >= $1 AND day <= $2 GROUP BY day",
    )
    .bind(p.from.to_string())
    .bind(p.to.to_string())
    .fetch_all(db)
    .await?;
    for r in &daily {
        let day: NaiveDate = r.try_get::<String, _>("day")?.parse()?;
        by_day.insert(rollups::day_number(day), r.try_get("v")?);
    }
    // The periods, then the buckets: each list's spans are disjoint, so one query each.
    let periods = [(p.previous_from, p.previous_to), (p.from, p.to)];
    let buckets = kpi::buckets(p.from, p.to);
    let mut spans = HashMap::new();
    for list in [&periods[..], &buckets[..]] {
        for (span, v) in list.iter().zip(distinct_in(db, list).await?) {
            spans.insert(*span, v);
        }
    }

    let first = rollups::day_number(p.previous_from);
    let range = first..=rollups::day_number(p.to);
    let mut live_days: HashMap<String, BTreeSet<i64>> = HashMap::new();
    for (day, member) in rollups::live_order_days(db, p.offset_ms, live).await? {
        if range.contains(&day) {
            live_days.entry(member).or_default().insert(day);
        }
    }
    let members: Vec<&String> = live_days.keys().collect();
    let mut noted: HashMap<String, BTreeSet<i64>> = HashMap::new();
    for chunk in members.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT day, member_id FROM member_days \
             WHERE day >= $1 AND day <= $2 AND member_id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(p.previous_from.to_string())
            .bind(p.to.to_string());
        for m in chunk {
            q = q.bind(m.as_str());
        }
        for r in &q.fetch_all(db).await? {
            let day: NaiveDate = r.try_get::<String, _>("day")?.parse()?;
            noted
                .entry(r.try_get("member_id")?)
                .or_default()
                .insert(rollups::day_number(day));
        }
    }
    let none = BTreeSet::new();
    for (member, days) in &live_days {
        let noted = noted.get(member).unwrap_or(&none);
        for day in days.difference(noted) {
            if (rollups::day_number(p.from)..).contains(day) {
                *by_day.entry(*day).or_default() += 1;
            }
        }
        for ((from, to), v) in spans.iter_mut() {
            let span = rollups::day_number(*from)..=rollups::day_number(*to);
            if days.range(span.clone()).next().is_some() && noted.range(span).next().is_none() {
                *v += 1;
            }
        }
    }
    Ok(Active { by_day, spans })
}

/// How many distinct members `member_days` holds in each of `spans` (disjoint).
async fn distinct_in(db: &Db, spans: &[(NaiveDate, NaiveDate)]) -> anyhow::Result<Vec<i64>> {
    let (Some(lo), Some(hi)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Ok(vec![]);
    };
    let cases: Vec<String> = (0..spans.len())
        .map(|i| {
            format!(
                "WHEN day >= ${} AND day <= ${} THEN CAST({i} AS BIGINT)",
                2 * i + 3,
                2 * i + 4
            )
        })
        .collect();
    let sql = format!(
        "SELECT CASE {} END AS b, COUNT(DISTINCT member_id) AS v FROM member_days \
         WHERE day >= $1 AND day <= $2 GROUP BY b",
        cases.join(" ")
    );
    let mut q = sqlx::query(&sql).bind(lo.to_string()).bind(hi.to_string());
    for (from, to) in spans {
        q = q.bind(from.to_string()).bind(to.to_string());
    }
    let mut out = vec![0; spans.len()];
    for r in &q.fetch_all(db).await? {
        if let Some(b) = r.try_get::<Option<i64>, _>("b")? {
            if let Some(slot) = usize::try_from(b).ok().and_then(|b| out.get_mut(b)) {
                *slot = r.try_get("v")?;
            }
        }
    }
    Ok(out)
}

/// Members registered before the periods: the rolled days' and the rest's.
async fn registered_before(db: &Db, p: &Periods, live: rollups::Live) -> anyhow::Result<i64> {
    let rolled: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(v), 0) AS BIGINT) FROM rollups \
         WHERE figure = $1 AND slot < $2",
    )
    .bind(figure::NEW_MEMBERS)
    .bind(rollups::day_number(p.previous_from))
    .fetch_one(db)
    .await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM members \
         WHERE created_at_ms >= $1 AND created_at_ms < $2 AND NOT is_demo",
    )
    .bind(live.from_ms)
    .bind(p.start_ms)
    .fetch_one(db)
    .await?;
    Ok(rolled + recent)
}

/// Each day of the range: its active members and their share of everyone registered by
/// the day's end.
fn daily_active(
    p: &Periods,
    active: &Active,
    registered_before: i64,
    new_members: &Series,
) -> Vec<DailyActive> {
    let mut registered = registered_before
        + new_members
            .range(..rollups::day_number(p.from))
            .map(|(_, v)| v)
            .sum::<i64>();
    p.from
        .iter_days()
        .take_while(|d| *d <= p.to)
        .map(|date| {
            let day = rollups::day_number(date);
            registered += new_members.get(&day).copied().unwrap_or(0);
            let count = active.by_day.get(&day).copied().unwrap_or(0);
            DailyActive {
                date,
                active: count,
                share_bp: kpi::share_bp(count, registered),
            }
        })
        .collect()
}

/// A query's rows, `$1`, `$2` bound to the periods' bounds and `$3` to the offset.
async fn rows(db: &Db, p: &Periods, sql: &str) -> anyhow::Result<Vec<sqlx::any::AnyRow>> {
    Ok(sqlx::query(sql)
        .bind(p.start_ms)
        .bind(p.end_ms)
        .bind(p.offset_ms)
        .fetch_all(db)
        .await?)
}

/// Two-hour slots summed into their local days.
fn by_day(slots: &Series) -> Series {
    let mut out = Series::new();
    for (slot, v) in slots {
        *out.entry(slot.div_euclid(rollups::SLOTS_PER_DAY))
            .or_default() += v;
    }
    out
}

fn total(by_key: &HashMap<String, Series>) -> Series {
    let mut out = Series::new();
    for series in by_key.values() {
        for (d, v) in series {
            *out.entry(*d).or_default() += v;
        }
    }
    out
}

/// Each key's totals in both periods, the largest now first.
fn split(p: &Periods, by_key: &HashMap<String, Series>) -> Vec<Part> {
    let mut parts: Vec<Part> = by_key
        .iter()
        .map(|(key, series)| {
            let k = p.kpi(series);
            Part {
                key: key.clone(),
                current: k.current,
                previous: k.previous,
            }
        })
        .collect();
    parts.sort_by(|a, b| b.current.cmp(&a.current).then(a.key.cmp(&b.key)));
    parts
}

/// The stores' reported sales by day (none reported: empty).
async fn reported_sales(db: &Db, p: &Periods) -> anyhow::Result<Series> {
    let rows = sqlx::query(
        "SELECT day, CAST(SUM(total_fen) AS BIGINT) AS v FROM store_sales \
         WHERE day >= $1 AND day <= $2 GROUP BY day",
    )
    .bind(p.previous_from.to_string())
    .bind(p.to.to_string())
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let day: NaiveDate = r.try_get::<String, _>("day")?.parse()?;
            Ok((rollups::day_number(day), r.try_get::<i64, _>("v")?))
        })
        .collect()
}

/// Upgrades and downgrades by day, by the tiers' order in the program.
async fn tier_moves(db: &Db, program: &Program, p: &Periods) -> anyhow::Result<(Series, Series)> {
    let rows = rows(
        db,
        p,
        "SELECT (at_ms + $3) / 86400000 AS d, from_tier, to_tier, COUNT(*) AS v \
         FROM tier_changes WHERE at_ms >= $1 AND at_ms < $2 GROUP BY d, from_tier, to_tier",
    )
    .await?;
    let rank = |id: &str| program.tiers.iter().position(|t| t.id.as_str() == id);
    let (mut up, mut down) = (Series::new(), Series::new());
    for r in &rows {
        let (d, v): (i64, i64) = (r.try_get("d")?, r.try_get("v")?);
        let (from, to): (String, String) = (r.try_get("from_tier")?, r.try_get("to_tier")?);
        let into = if rank(&to) > rank(&from) {
            &mut up
        } else {
            &mut down
        };
        *into.entry(d).or_default() += v;
    }
    Ok((up, down))
}

/// Members per tier now, in the program's order.
fn members_per_tier(program: &Program, standing: &rollups::Standing) -> Vec<Part> {
    program
        .tiers
        .iter()
        .map(|t| {
            let now = standing.get(t.id.as_str()).map_or(0, |s| s.0);
            Part {
                key: t.id.as_str().to_owned(),
                current: now,
                previous: now,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_folds_into_both_periods_and_the_trend() {
        let program = Program::default_program();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = Periods::new(&program, d("2027-03-08"), d("2027-03-10")).unwrap();
        assert_eq!(
            (p.previous_from, p.previous_to),
            (d("2027-03-05"), d("2027-03-07"))
        );
        let series: Series = [
            (rollups::day_number(d("2027-03-04")), 100),
            (rollups::day_number(d("2027-03-05")), 1),
            (rollups::day_number(d("2027-03-07")), 2),
            (rollups::day_number(d("2027-03-08")), 4),
            (rollups::day_number(d("2027-03-10")), 8),
            (rollups::day_number(d("2027-03-11")), 100),
        ]
        .into_iter()
        .collect();
        let k = p.kpi(&series);
        assert_eq!(
            (k.current, k.previous, k.change_percent),
            (12, 3, Some(300))
        );
        let values: Vec<i64> = k.trend.iter().map(|t| t.value).collect();
        assert_eq!(values, [4, 0, 8]);
        assert_eq!(kpi::bucket_for(p.from, p.to), kpi::Bucket::Day);
    }
}
