//! Points adjusted by an operator from the console (issue 40): an `adjustment` entry in the
//! ledger (a credit opens a lot that expires as earned points do; a debit spends the lots
//! that expire first), within the program's `console.points_adjustment_max`, never below
//! zero, with a required reason. Audited in the same transaction; the audit row doubles as
//! the idempotency record, as a staff grant's does.

use chrono::{DateTime, FixedOffset};
use contract::admin::{AdjustRequest, Adjusted};
use rules::Program;
use serde_json::json;

use super::{check_key, checked_reason, replay, request_hash, Outcome, Record, Recorded, Refusal};
use crate::clock::ms;
use crate::db::answers::{self, AnswerTable};
use crate::db::audit::{self, AuditEntry};
use crate::db::ledger::{self, EntryKind, Source};
use crate::db::{begin_write, lock_member, members, Db};

pub async fn adjust_points(
    db: &Db,
    program: &Program,
    actor: &str,
    member_id: &str,
    key: &str,
    req: &AdjustRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<Adjusted>> {
    check_key(key)?;
    let reason = checked_reason(&req.reason)?;
    let hash = request_hash(req);
    let id = format!("{actor}:adjust:{key}");
    let mut tx = begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(Refusal::MemberNotFound.into());
    }
    let stored = answers::stored(&mut *tx, AnswerTable::AuditLog, &id).await?;
    if let Some(replayed) = replay(stored, Record::Keyed, &id, &[&hash])? {
        return Ok(replayed);
    }
    ledger::expire_due(&mut tx, program, member_id, now).await?;
    let balance = members::points_balance(&mut *tx, member_id).await?;
    program
        .console
        .check_adjustment(req.points, balance)
        .map_err(Refusal::Adjustment)?;
    let source = Source::default();
    if req.points.0 > 0 {
        ledger::credit(
            &mut tx,
            program,
            member_id,
            EntryKind::Adjustment,
            req.points,
            now,
            source,
        )
        .await?;
    } else {
        let taken = rules::Points(-req.points.0);
        ledger::debit(
            &mut tx,
            member_id,
            EntryKind::Adjustment,
            taken,
            now,
            source,
        )
        .await?;
    }
    let answer = Adjusted {
        member_id: member_id.to_owned(),
        points: req.points,
        reason: reason.to_owned(),
        points_balance: members::points_balance(&mut *tx, member_id).await?,
        adjusted_by: actor.to_owned(),
        at: *now,
    };
    let detail =
        json!({ "points": req.points, "reason": reason, "balance_after": answer.points_balance });
    audit::insert(
        &mut tx,
        &AuditEntry {
            id: &id,
            actor_id: Some(actor),
            action: "points_adjustment",
            member_id: Some(member_id),
            request_sha256: &hash,
            detail_json: detail.to_string(),
            response_json: serde_json::to_string(&answer).map_err(anyhow::Error::from)?,
            at_ms: ms(now),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Recorded::new(answer))
}
