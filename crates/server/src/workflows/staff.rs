//! Staff actions, each audited: looking a member up, granting a coupon from the program's
//! staff menu. A grant's audit row is written in its transaction and doubles as its
//! idempotency record.

use chrono::{DateTime, FixedOffset};
pub use contract::staff::{GrantRequest, Granted};
use rules::coupon::CouponSource;
use rules::Program;
use serde_json::json;

use super::{
    check_key, checked_reason, replay, request_hash, MemberNamed, Outcome, Record, Recorded,
    Refusal,
};
use crate::clock::ms;
use crate::db::answers::{self, AnswerTable};
use crate::db::audit::{self, AuditEntry};
use crate::db::coupons::{self, issue};
use crate::db::{lock_member, Db};
use crate::workflows::phone::Phone;

pub async fn grant_coupon(
    db: &Db,
    program: &Program,
    actor: &str,
    key: &str,
    req: &GrantRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<Granted>> {
    check_key(key)?;
    let grant = program
        .coupon_issuance
        .staff
        .iter()
        .find(|g| g.id == req.grant_id)
        .ok_or(Refusal::GrantNotFound)?;
    let reason = checked_reason(&req.reason)?;
    let phone = req.phone.as_deref().map(Phone::parse).transpose()?;
    let member_id = MemberNamed::of(req.member_id.as_deref(), phone.as_ref())?
        .resolve(&mut &*db)
        .await?;
    let hash = request_hash(req);
    let id = format!("{actor}:{key}");
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, &member_id).await? {
        return Err(Refusal::MemberNotFound.into());
    }
    let stored = answers::stored(&mut *tx, AnswerTable::AuditLog, &id).await?;
    if let Some(replayed) = replay(stored, Record::Keyed, &id, &[&hash])? {
        return Ok(replayed);
    }
    let issue_key = format!("staff:{id}");
    let coupon_id = issue(
        &mut tx,
        program,
        &member_id,
        &grant.title,
        &grant.coupon,
        CouponSource::Staff,
        &issue_key,
        now,
    )
    .await?
    .ok_or(Refusal::GrantAlreadyIssued)?;
    let wallet = coupons::wallet(&mut *tx, &member_id, now, program.offset(), None).await?;
    let coupon = wallet.into_iter().find(|c| c.id == coupon_id);
    let answer = Granted {
        member_id: member_id.clone(),
        grant_id: grant.id.clone(),
        coupon_id: coupon_id.clone(),
        reason: reason.to_owned(),
        granted_by: actor.to_owned(),
        at: *now,
        coupon,
    };
    let detail = json!({ "grant_id": grant.id, "reason": reason, "coupon_id": coupon_id });
    let entry = AuditEntry {
        id: &id,
        actor_id: Some(actor),
        action: "coupon_grant",
        member_id: Some(&member_id),
        request_sha256: &hash,
        detail_json: detail.to_string(),
        response_json: serde_json::to_string(&answer).map_err(anyhow::Error::from)?,
        at_ms: ms(now),
    };
    audit::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(Recorded::new(answer))
}

/// Writes the audit row of a member lookup: who, at which store, whom, when.
pub async fn record_lookup(
    db: &Db,
    actor: &str,
    store: Option<&crate::db::stores::Store>,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let detail = json!({ "store": store.map(|s| &s.code) });
    let mut tx = crate::db::begin_write(db).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "member_lookup",
        Some(member_id),
        &detail,
        ms(now),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
