//! Recording a refund of part or all of an order's earn base (PROGRAM.md §2), in one
//! transaction: the points the order earned taken back and the points it used returned,
//! pro rata and cumulative over its refunds; a whole refund gives back a coupon still
//! valid; lifetime spend goes down and milestones above it take their bonus back.
//! Idempotent by the shop's refund id.

use chrono::{DateTime, FixedOffset};
use rules::{Points, Program};

use super::{is_client_id, replay, request_hash, Outcome, Record, Recorded, Refusal, ShopId};
use crate::clock::ms;
use crate::db::answers::{self, AnswerTable};
use crate::db::ledger::{self, EntryKind, Source};
use crate::db::orders::{self, NewRefund};
use crate::db::{coupons, lock_member_row, members, Db, Tx};

pub use contract::orders::{RefundRecorded, RefundRequest};

/// Records a refund (see the module's comment). `now` is the server's clock.
pub async fn record_refund(
    db: &Db,
    program: &Program,
    order_id: &str,
    req: &RefundRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<RefundRecorded>> {
    if !is_client_id(&req.refund_id) {
        return Err(Refusal::InvalidShopId(ShopId::Refund).into());
    }
    if !req.amount_fen.is_positive() {
        return Err(Refusal::InvalidAmount.into());
    }
    let hash = request_hash(&(order_id, req));
    let member_id = orders::member_of(db, order_id)
        .await?
        .ok_or(Refusal::OrderNotFound)?;
    let mut tx = crate::db::begin_write(db).await?;
    // A deleted member's orders can still be refunded: lock the row whatever its state.
    lock_member_row(&mut tx, &member_id).await?;
    let id = req.refund_id.as_str();
    let stored = answers::stored(&mut *tx, AnswerTable::Refunds, id).await?;
    if let Some(replayed) = replay(stored, Record::Refund, id, &[&hash])? {
        return Ok(replayed);
    }
    let (answer, coupons_returned) =
        refund(&mut tx, program, order_id, &member_id, req, now).await?;
    orders::insert_refund(
        &mut tx,
        &NewRefund {
            id,
            order_id,
            request_sha256: &hash,
            amount_fen: req.amount_fen,
            response_json: serde_json::to_string(&answer).map_err(anyhow::Error::from)?,
            at_ms: ms(now),
            coupons_returned,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Recorded::new(answer))
}

async fn refund(
    tx: &mut Tx<'_>,
    program: &Program,
    order_id: &str,
    member_id: &str,
    req: &RefundRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<(RefundRecorded, i64)> {
    let order = orders::refund_state(tx, order_id).await?;
    let refundable_fen = order.earn_base_fen - order.refunded_fen;
    if req.amount_fen > refundable_fen {
        return Err(Refusal::RefundExceedsOrder { refundable_fen }.into());
    }
    ledger::expire_due(tx, program, member_id, now).await?;
    let total = order.refunded_fen + req.amount_fen;
    let due = rules::ledger::refund_points(
        order.refundable_points,
        order.points_used,
        order.earn_base_fen,
        total,
    );
    let source = Source {
        order_id: Some(order_id),
        refund_id: Some(&req.refund_id),
        redemption_id: None,
    };
    let take_back = due.taken_back - order.points_taken_back;
    let give_back = due.returned - order.points_returned;
    ledger::debit(
        tx,
        member_id,
        EntryKind::RefundTakeBack,
        take_back,
        now,
        source,
    )
    .await?;
    ledger::credit(
        tx,
        program,
        member_id,
        EntryKind::RefundReturn,
        give_back,
        now,
        source,
    )
    .await?;
    let coupons_returned = if total == order.earn_base_fen {
        give_back_coupon(tx, order_id, now).await?
    } else {
        0
    };
    orders::set_refunded(tx, order_id, total, due.taken_back, due.returned).await?;
    let lifetime = members::reduce_lifetime_spend(tx, member_id, req.amount_fen, now).await?;
    // Milestones now above lifetime spend: their whole bonus goes back.
    let mut milestone_points = Points::ZERO;
    for lost in orders::milestones_above(tx, member_id, lifetime).await? {
        milestone_points += lost.points;
        ledger::debit(
            tx,
            member_id,
            EntryKind::MilestoneTakeBack,
            lost.points,
            now,
            source,
        )
        .await?;
        orders::release_milestone(tx, member_id, lost.lifetime_spend_fen).await?;
    }
    let answer = RefundRecorded {
        refund_id: req.refund_id.clone(),
        order_id: order_id.to_owned(),
        amount_fen: req.amount_fen,
        refunded_fen: total,
        points_taken_back: take_back,
        points_returned: give_back,
        milestone_points_taken_back: milestone_points,
        points_balance_after: members::points_balance(&mut **tx, member_id).await?,
    };
    Ok((answer, coupons_returned))
}

/// A whole-order refund gives back the order's coupon while it is still valid; how many
/// it gave back (the dashboard's rollups take them off the coupons used).
async fn give_back_coupon(
    tx: &mut Tx<'_>,
    order_id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<i64> {
    let mut returned = 0;
    for used in coupons::used_by_order(tx, order_id).await? {
        if used.valid_until_ms > ms(now) {
            coupons::release(tx, &used.id).await?;
            returned += 1;
        }
    }
    Ok(returned)
}
