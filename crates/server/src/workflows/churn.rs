//! Churn risk (issue 40): members who bought before but not in the program's
//! `console.churn_after_days`, and a coupon of the staff menu granted to a whole list.
//!
//! A grant to a list is a batch: made once per admin and `Idempotency-Key` (a second click
//! answers the same batch), its list fixed by the cutoff instant it was made with, then
//! walked by member id in the background, a page per transaction. Each member's coupon is
//! issued under a key of the batch and the member (`batch:<id>:<member>`), so a page done
//! twice (a restart, a second server resuming it) issues nothing twice; each grant is
//! audited as a staff grant is.

use chrono::{DateTime, Days, FixedOffset};
use contract::admin::{ChurnGrantRequest, GrantBatch};
use rules::coupon::CouponSource;
use rules::Program;
use serde_json::json;

use super::{check_key, checked_reason, request_hash, Outcome, Record, Recorded, Refusal};
use crate::clock::{from_ms, ms, Clock};
use crate::db::churn::{self, Batch, ChurnFilter};
use crate::db::{audit, begin_write, coupons, is_unique_violation, lock_member, stores, Db};

/// Members per transaction of a batch's walk.
const PAGE: i64 = 200;

/// The churn list's filter as of `now`: last order more than `churn_after_days` ago.
pub fn filter(
    program: &Program,
    now: &DateTime<FixedOffset>,
    tier: Option<String>,
    store: Option<String>,
) -> Result<ChurnFilter, Refusal> {
    if let Some(tier) = &tier {
        if !program.tiers.iter().any(|t| t.id.as_str() == tier) {
            return Err(Refusal::UnknownTier);
        }
    }
    let days = Days::new(u64::from(program.console.churn_after_days));
    let cutoff = now.checked_sub_days(days).unwrap_or(*now);
    Ok(ChurnFilter {
        cutoff_ms: ms(&cutoff),
        tier,
        store,
    })
}

/// Makes the batch (or finds the one this request made before). The caller starts its
/// walk (`run_batch`).
pub async fn start_batch(
    db: &Db,
    program: &Program,
    actor: &str,
    key: &str,
    req: &ChurnGrantRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<Batch>> {
    check_key(key)?;
    if !program
        .coupon_issuance
        .staff
        .iter()
        .any(|g| g.id == req.grant_id)
    {
        return Err(Refusal::GrantNotFound.into());
    }
    let reason = checked_reason(&req.reason)?;
    if let Some(code) = &req.store {
        if stores::get(db, code).await?.is_none() {
            return Err(Refusal::StoreNotFound { code: code.clone() }.into());
        }
    }
    let hash = request_hash(req);
    let request_key = format!("{actor}:{key}");
    let list = filter(program, now, req.tier.clone(), req.store.clone())?;
    // A click again needs no count of the list (a scan of the members).
    if let Some(made) = churn::batch_by_request(db, &request_key).await? {
        return replayed(made, &hash, key);
    }
    // Counted before the transaction: the list is what the cutoff names, whenever walked.
    let total = churn::count(db, &list).await?;
    let mut tx = begin_write(db).await?;
    if let Some(made) = churn::batch_by_request(&mut *tx, &request_key).await? {
        return replayed(made, &hash, key);
    }
    let batch = Batch {
        id: format!("b_{}", crate::crypto::random_token(12)),
        actor_id: actor.to_owned(),
        request_sha256: hash.clone(),
        grant_id: req.grant_id.clone(),
        reason: reason.to_owned(),
        filter: list,
        total,
        granted: 0,
        after_id: String::new(),
        done: false,
        created_at_ms: ms(now),
        finished_at_ms: None,
    };
    match churn::insert_batch(&mut tx, &request_key, &batch).await {
        Ok(()) => {}
        // The same click, made at once by another request (PostgreSQL: both found none).
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            let made = churn::batch_by_request(db, &request_key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("batch {request_key} gone"))?;
            return replayed(made, &hash, key);
        }
        Err(e) => return Err(e.into()),
    }
    let detail = json!({
        "batch": batch.id, "grant_id": batch.grant_id, "reason": batch.reason,
        "tier": batch.filter.tier, "store": batch.filter.store, "total": total,
    });
    audit::record(&mut tx, Some(actor), "churn_grant", None, &detail, ms(now)).await?;
    tx.commit().await?;
    Ok(Recorded {
        answer: batch,
        replayed: false,
    })
}

/// The batch a request made before: its answer again, or a conflict for another body.
fn replayed(made: Batch, hash: &str, key: &str) -> Outcome<Recorded<Batch>> {
    if made.request_sha256 != hash {
        return Err(Refusal::DifferentBody {
            record: Record::Keyed,
            id: key.to_owned(),
        }
        .into());
    }
    Ok(Recorded {
        answer: made,
        replayed: true,
    })
}

/// Walks a batch to its end: safe to run twice at once, and again after a stop.
pub async fn run_batch(db: &Db, program: &Program, clock: &Clock, id: &str) -> anyhow::Result<()> {
    loop {
        let Some(batch) = churn::batch(db, id).await? else {
            anyhow::bail!("no grant batch {id}");
        };
        if batch.done {
            return Ok(());
        }
        let grant = program
            .coupon_issuance
            .staff
            .iter()
            .find(|g| g.id == batch.grant_id)
            .ok_or_else(|| anyhow::anyhow!("the program has no staff grant {}", batch.grant_id))?;
        let ids = churn::ids_after(db, &batch.filter, &batch.after_id, PAGE).await?;
        let now = clock.now();
        let Some(last) = ids.last() else {
            churn::finish(db, id, ms(&now)).await?;
            return Ok(());
        };
        let mut tx = begin_write(db).await?;
        let mut granted = 0;
        for member in &ids {
            if !lock_member(&mut tx, member).await? {
                continue;
            }
            let key = format!("batch:{id}:{member}");
            let issued = coupons::issue(
                &mut tx,
                program,
                member,
                &grant.title,
                &grant.coupon,
                CouponSource::Staff,
                &key,
                &now,
            )
            .await?;
            if let Some(coupon_id) = issued {
                let detail = json!({
                    "grant_id": grant.id, "reason": batch.reason, "coupon_id": coupon_id,
                    "batch": id,
                });
                let at = ms(&now);
                audit::record(
                    &mut tx,
                    Some(&batch.actor_id),
                    "coupon_grant",
                    Some(member),
                    &detail,
                    at,
                )
                .await?;
                granted += 1;
            }
        }
        churn::advance(&mut tx, id, last, granted).await?;
        tx.commit().await?;
    }
}

/// `run_batch` in the background, its failure logged (a restart resumes it).
pub fn spawn_batch(
    db: Db,
    program: std::sync::Arc<crate::LoadedProgram>,
    clock: Clock,
    id: String,
) {
    tokio::spawn(async move {
        if let Err(e) = run_batch(&db, &program.program, &clock, &id).await {
            tracing::error!(error = %format!("{e:#}"), batch = %id, "a churn grant stopped; a restart resumes it");
        }
    });
}

/// Resumes the batches a stopped server left running.
pub async fn resume_all(
    db: &Db,
    program: &std::sync::Arc<crate::LoadedProgram>,
    clock: &Clock,
) -> anyhow::Result<()> {
    for id in churn::running(db).await? {
        tracing::info!(batch = %id, "resuming a churn list's grant");
        spawn_batch(db.clone(), program.clone(), clock.clone(), id);
    }
    Ok(())
}

/// A batch as the console shows it.
pub fn batch_answer(b: &Batch, offset: FixedOffset) -> GrantBatch {
    GrantBatch {
        id: b.id.clone(),
        grant_id: b.grant_id.clone(),
        reason: b.reason.clone(),
        tier: b.filter.tier.clone(),
        store: b.filter.store.clone(),
        cutoff: from_ms(b.filter.cutoff_ms, offset),
        total: b.total,
        granted: b.granted,
        status: if b.done { "done" } else { "running" }.to_owned(),
        created_at: from_ms(b.created_at_ms, offset),
        finished_at: b.finished_at_ms.map(|at| from_ms(at, offset)),
    }
}
