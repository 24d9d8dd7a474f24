//! Scheduled work, run by `member-center jobs run [--date YYYY-MM-DD]` (cron, or by hand
//! for a given date): the console's roll-up of the days before the date, points expiry for every member, the monthly and birthday coupons due
//! on the date, the monthly downgrade evaluation, and forgetting the login limits' ended
//! counting windows and expired login links. All are idempotent: running them twice for one date changes nothing the second time.
//! Nothing depends on their timing: expiry is also applied on read and before every write.

use chrono::{Datelike as _, NaiveDate};
use rules::Program;
use serde::Serialize;

use super::issuance;
use crate::clock::ms;
use crate::db::{ledger, limits, lock_member, login_links, members, rollups, tier_changes, Db};

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct JobReport {
    /// Members whose lots were checked for expiry (and expired where due).
    pub members_checked_for_expiry: u64,
    /// The evaluation date applied, if `date`'s month's evaluation was due.
    pub evaluation: Option<NaiveDate>,
    pub members_evaluated: u64,
    pub tiers_dropped: u64,
    /// Coupons issued for `date` by this run (a rerun issues none).
    pub coupons_issued: issuance::Issued,
    /// Counting windows of the login and guessing limits that had ended, forgotten.
    pub limit_windows_pruned: u64,
    /// Hosts' one-time login links that had expired, forgotten.
    pub login_links_pruned: u64,
    /// Local days rolled up for the console's dashboard (every complete day not yet
    /// rolled, oldest first: more than one after the jobs were down).
    pub days_rolled: u64,
}

/// Runs the jobs as of local 00:00 on `date` (plus `now` for expiry: the later of the two).
pub async fn run(db: &Db, program: &Program, date: NaiveDate) -> anyhow::Result<JobReport> {
    let at = program.local_midnight(date);
    let mut report = JobReport {
        limit_windows_pruned: limits::prune(db, ms(&at)).await?,
        login_links_pruned: login_links::prune(db, ms(&at)).await?,
        days_rolled: rollups::roll_before(
            db,
            rollups::offset_ms(program.offset()),
            rollups::day_number(date),
            ms(&at),
        )
        .await?,
        ..JobReport::default()
    };
    let mut pages = MemberPages::new(db);
    while let Some(id) = pages.next().await? {
        let id = &id;
        let mut tx = crate::db::begin_write(db).await?;
        if !lock_member(&mut tx, id).await? {
            continue;
        }
        ledger::expire_due(&mut tx, program, id, &at).await?;
        // The monthly coupon goes by the tier held when the job runs for the date (before
        // that date's evaluation, if both fall on one day).
        if let Some(member) = members::get(&mut *tx, id).await? {
            let issued =
                issuance::on_date(&mut tx, program, id, &member.tier, member.birthday, date)
                    .await?;
            report.coupons_issued.monthly += issued.monthly;
            report.coupons_issued.birthday += issued.birthday;
        }
        tx.commit().await?;
        report.members_checked_for_expiry += 1;
    }
    // The evaluation of `date`'s month, if `date` is on or after its evaluation day.
    let day = program.membership.downgrade.evaluation_day_of_month;
    let eval_date = date.with_day0(day - 1).filter(|d| *d <= date);
    let Some(eval_date) = eval_date else {
        return Ok(report);
    };
    report.evaluation = Some(eval_date);
    let eval_at = program.local_midnight(eval_date);
    let mut pages = MemberPages::new(db);
    while let Some(id) = pages.next().await? {
        let id = &id;
        let mut tx = crate::db::begin_write(db).await?;
        if !lock_member(&mut tx, id).await? {
            continue;
        }
        let Some(member) = members::get(&mut *tx, id).await? else {
            continue;
        };
        // Not a member yet at the evaluation instant (a job run late for the 1st): the
        // evaluation is not about them, and their spend then (none) must not count.
        if member.created_at_ms > ms(&eval_at) {
            continue;
        }
        if members::last_evaluation(&mut tx, id)
            .await?
            .is_some_and(|last| last >= eval_date)
        {
            continue;
        }
        let spend = members::trailing_spend(
            &mut *tx,
            id,
            ms(&members::window_start(&eval_at)),
            ms(&eval_at),
        )
        .await?;
        let e = program.membership.downgrade.evaluate(
            &program.tiers,
            &member.tier,
            spend,
            member.below_count,
        );
        members::set_evaluation(&mut tx, id, &e.tier, e.below_count, eval_date).await?;
        let cause = tier_changes::Cause::Evaluation;
        tier_changes::record(&mut tx, id, &member.tier, &e.tier, cause, ms(&eval_at)).await?;
        tx.commit().await?;
        report.members_evaluated += 1;
        report.tiers_dropped += u64::from(e.dropped);
    }
    Ok(report)
}

/// Every member not deleted, one at a time, read a page of ids at a time: a run's memory
/// does not grow with the number of members. A member registered during the walk is met
/// if their id sorts after the page being worked on (the jobs are idempotent either way).
struct MemberPages<'a> {
    db: &'a Db,
    page: std::vec::IntoIter<String>,
    last: Option<String>,
    done: bool,
}

impl<'a> MemberPages<'a> {
    /// Ids per page: one short query per thousand members.
    const PAGE: i64 = 1_000;

    fn new(db: &'a Db) -> MemberPages<'a> {
        MemberPages {
            db,
            page: Vec::new().into_iter(),
            last: None,
            done: false,
        }
    }

    async fn next(&mut self) -> anyhow::Result<Option<String>> {
        if let Some(id) = self.page.next() {
            return Ok(Some(id));
        }
        if self.done {
            return Ok(None);
        }
        let page = members::active_ids_after(self.db, self.last.as_deref(), Self::PAGE).await?;
        self.done = (page.len() as i64) < Self::PAGE;
        self.last = page.last().cloned();
        self.page = page.into_iter();
        Ok(self.page.next())
    }
}
