//! Coupons issued by rule (`rules::issuance`): which are due to a member, and the issue
//! key each is stored under (`db::coupons::issue`: unique in storage), so that a
//! registration or a job run twice issues nothing twice. Keys: `welcome:<member>`,
//! `first_order:<member>`, `monthly:<YYYY-MM>:<member>`, `birthday:<YYYY>:<member>`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use rules::coupon::CouponSource;
use rules::Program;

use crate::db::coupons::{grant, issue};
use crate::db::phone_claims::{self, Claim};
use crate::db::Tx;

/// The welcome and first-order coupons, in the registration's transaction: once per phone
/// (an account deleted and registered again with its phone gets none).
pub async fn at_registration(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    phone: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    if !phone_claims::claim(tx, phone, Claim::Registration, now).await? {
        return Ok(());
    }
    let i = &program.coupon_issuance;
    let welcome_key = format!("welcome:{member_id}");
    grant(
        tx,
        program,
        member_id,
        &i.welcome,
        CouponSource::Welcome,
        &welcome_key,
        now,
    )
    .await?;
    let first_key = format!("first_order:{member_id}");
    grant(
        tx,
        program,
        member_id,
        &i.first_order,
        CouponSource::FirstOrder,
        &first_key,
        now,
    )
    .await?;
    Ok(())
}

/// How many coupons a day's job issued, by rule.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Issued {
    pub monthly: u64,
    pub birthday: u64,
}

/// The coupons due to one member on local date `date` (the job's): the monthly coupon
/// (keyed by month) and the birthday coupon (keyed by year), valid from local 00:00.
pub async fn on_date(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    tier: &rules::TierId,
    birthday: Option<rules::Birthday>,
    date: NaiveDate,
) -> anyhow::Result<Issued> {
    let i = &program.coupon_issuance;
    let from = program.local_midnight(date);
    let mut issued = Issued::default();
    if program
        .coupon_issuance
        .monthly_due(&program.tiers, tier, date)
    {
        let m = &i.monthly;
        let key = format!("monthly:{}-{:02}:{member_id}", date.year(), date.month());
        let new = issue(
            tx,
            program,
            member_id,
            &m.title,
            &m.coupon,
            CouponSource::Monthly,
            &key,
            &from,
        )
        .await?;
        issued.monthly += u64::from(new.is_some());
    }
    if birthday.is_some_and(|b| rules::issuance::birthday_due(b, date)) {
        let key = format!("birthday:{}:{member_id}", date.year());
        let new = grant(
            tx,
            program,
            member_id,
            &i.birthday,
            CouponSource::Birthday,
            &key,
            &from,
        )
        .await?;
        issued.birthday += u64::from(new.is_some());
    }
    Ok(issued)
}
