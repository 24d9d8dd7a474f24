//! Orders and refunds in storage: the order row with its quote and answer, what a refund
//! reads and updates, refund rows, and the lifetime-spend milestones a member holds (a
//! refund that takes lifetime spend back below one takes its bonus back).

use contract::points::EntryKind;
use rules::{Fen, Points};

use super::exec::Exec;
use super::{Db, Tx};
use crate::args;

/// An order as recorded.
pub struct NewOrder<'a> {
    pub id: &'a str,
    pub member_id: &'a str,
    pub request_sha256: &'a str,
    pub paid_at_ms: i64,
    pub earn_base_fen: Fen,
    pub payable_fen: Fen,
    /// The points a refund may take back: what the order earned but its milestones.
    pub refundable_points: Points,
    pub points_used: Points,
    pub coupon_id: Option<&'a str>,
    pub quote_json: String,
    pub response_json: String,
    pub received_at_ms: i64,
}

pub async fn insert(tx: &mut impl Exec, o: &NewOrder<'_>) -> sqlx::Result<()> {
    tx.run(
        "INSERT INTO orders (id, member_id, request_sha256, paid_at_ms, earn_base_fen, \
           payable_fen, refundable_points, points_used, coupon_id, quote, response, \
           received_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        args![
            o.id,
            o.member_id,
            o.request_sha256,
            o.paid_at_ms,
            o.earn_base_fen,
            o.payable_fen,
            o.refundable_points,
            o.points_used,
            o.coupon_id,
            &o.quote_json,
            &o.response_json,
            o.received_at_ms
        ],
    )
    .await?;
    Ok(())
}

/// The member an order belongs to; none for an unknown order.
pub async fn member_of(db: &Db, order_id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT member_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(db)
        .await
}

/// What refunds of an order have taken so far, and what they are computed from.
#[derive(Debug, sqlx::FromRow)]
pub struct RefundState {
    pub earn_base_fen: Fen,
    pub refunded_fen: Fen,
    pub refundable_points: Points,
    pub points_used: Points,
    pub points_taken_back: Points,
    pub points_returned: Points,
}

pub async fn refund_state(tx: &mut Tx<'_>, order_id: &str) -> sqlx::Result<RefundState> {
    sqlx::query_as(
        "SELECT earn_base_fen, refunded_fen, refundable_points, points_used, \
           points_taken_back, points_returned FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await
}

/// Stores the refunds' running totals (cumulative, see `rules::ledger::refund_points`).
pub async fn set_refunded(
    tx: &mut Tx<'_>,
    order_id: &str,
    refunded_fen: Fen,
    points_taken_back: Points,
    points_returned: Points,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orders SET refunded_fen = $1, points_taken_back = $2, points_returned = $3 \
         WHERE id = $4",
    )
    .bind(refunded_fen)
    .bind(points_taken_back)
    .bind(points_returned)
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A refund as recorded.
pub struct NewRefund<'a> {
    pub id: &'a str,
    pub order_id: &'a str,
    pub request_sha256: &'a str,
    pub amount_fen: Fen,
    pub response_json: String,
    pub at_ms: i64,
    /// Coupons the refund gave back.
    pub coupons_returned: i64,
}

pub async fn insert_refund(tx: &mut Tx<'_>, r: &NewRefund<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO refunds (id, order_id, request_sha256, amount_fen, response, at_ms, \
           coupons_returned) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.id)
    .bind(r.order_id)
    .bind(r.request_sha256)
    .bind(r.amount_fen)
    .bind(&r.response_json)
    .bind(r.at_ms)
    .bind(r.coupons_returned)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A lifetime-spend milestone a member has reached, with the bonus it gave.
#[derive(Debug, sqlx::FromRow)]
pub struct HeldMilestone {
    pub lifetime_spend_fen: Fen,
    pub points: Points,
}

/// Records a milestone reached (once: reaching it again after a refund adds no row).
pub async fn hold_milestone(
    tx: &mut impl Exec,
    member_id: &str,
    m: &HeldMilestone,
) -> sqlx::Result<()> {
    tx.run(
        "INSERT INTO milestones_held (member_id, lifetime_spend_fen, points) \
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        args![member_id, m.lifetime_spend_fen, m.points],
    )
    .await?;
    Ok(())
}

/// The milestones held above a lifetime spend (lost to a refund).
pub async fn milestones_above(
    tx: &mut Tx<'_>,
    member_id: &str,
    lifetime_spend_fen: Fen,
) -> sqlx::Result<Vec<HeldMilestone>> {
    sqlx::query_as(
        "SELECT lifetime_spend_fen, points FROM milestones_held \
         WHERE member_id = $1 AND lifetime_spend_fen > $2",
    )
    .bind(member_id)
    .bind(lifetime_spend_fen)
    .fetch_all(&mut **tx)
    .await
}

pub async fn release_milestone(
    tx: &mut Tx<'_>,
    member_id: &str,
    lifetime_spend_fen: Fen,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM milestones_held WHERE member_id = $1 AND lifetime_spend_fen = $2")
        .bind(member_id)
        .bind(lifetime_spend_fen)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An order as the member's orders screen reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct MemberOrder {
    pub id: String,
    pub paid_at_ms: i64,
    pub payable_fen: Fen,
    /// The sum of the order's credit entries in the ledger (the kinds `EARNED`).
    pub points_earned: Points,
    pub points_used: Points,
    pub refunded_fen: Fen,
}

/// The ledger kinds an order credits when it is recorded: what it earned.
pub const EARNED: [EntryKind; 4] = [
    EntryKind::Earn,
    EntryKind::CampaignBonus,
    EntryKind::OrderBonus,
    EntryKind::MilestoneBonus,
];

/// When a member's order was paid; none when the member has no such order.
pub async fn paid_at_of(db: &Db, member_id: &str, order_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT paid_at_ms FROM orders WHERE member_id = $1 AND id = $2")
        .bind(member_id)
        .bind(order_id)
        .fetch_optional(db)
        .await
}

/// A member's orders newest paid first (ties by id, descending), those after `before`
/// (the `(paid_at_ms, id)` of the last order of the page before) in that order, at most
/// `limit`. What each earned is summed from the member's ledger (its index is by member).
pub async fn of_member(
    db: &Db,
    member_id: &str,
    before: Option<(i64, &str)>,
    limit: i64,
) -> sqlx::Result<Vec<MemberOrder>> {
    // No cursor: every paid instant is below i64::MAX.
    let (paid_before, id_before) = before.unwrap_or((i64::MAX, ""));
    sqlx::query_as(
        "SELECT o.id, o.paid_at_ms, o.payable_fen, o.points_used, o.refunded_fen, \
           (SELECT CAST(COALESCE(SUM(l.points), 0) AS BIGINT) FROM points_ledger l \
            WHERE l.member_id = o.member_id AND l.order_id = o.id \
              AND l.kind IN ($4, $5, $6, $7)) AS points_earned \
         FROM orders o \
         WHERE o.member_id = $1 \
           AND (o.paid_at_ms < $2 OR (o.paid_at_ms = $2 AND o.id < $3)) \
         ORDER BY o.paid_at_ms DESC, o.id DESC LIMIT $8",
    )
    .bind(member_id)
    .bind(paid_before)
    .bind(id_before)
    .bind(EARNED[0].as_str())
    .bind(EARNED[1].as_str())
    .bind(EARNED[2].as_str())
    .bind(EARNED[3].as_str())
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A refund as the member's orders screen reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct MemberRefund {
    pub order_id: String,
    pub amount_fen: Fen,
    pub at_ms: i64,
}

/// The refunds of a member's orders from `oldest` to `newest` (each a `(paid_at_ms, id)`,
/// both included, in the order of [`of_member`]): a page's refunds in one statement,
/// oldest refund first.
pub async fn refunds_between(
    db: &Db,
    member_id: &str,
    oldest: (i64, &str),
    newest: (i64, &str),
) -> sqlx::Result<Vec<MemberRefund>> {
    sqlx::query_as(
        "SELECT r.order_id, r.amount_fen, r.at_ms FROM refunds r \
         JOIN orders o ON o.id = r.order_id \
         WHERE o.member_id = $1 \
           AND (o.paid_at_ms > $2 OR (o.paid_at_ms = $2 AND o.id >= $3)) \
           AND (o.paid_at_ms < $4 OR (o.paid_at_ms = $4 AND o.id <= $5)) \
         ORDER BY r.at_ms, r.id",
    )
    .bind(member_id)
    .bind(oldest.0)
    .bind(oldest.1)
    .bind(newest.0)
    .bind(newest.1)
    .fetch_all(db)
    .await
}
