//! The member's orders (`GET /api/me/orders`): a page of orders, newest paid first, each
//! with its refunds.

use std::collections::HashMap;

use contract::orders::{PastOrder, PastRefund};
use rules::Program;

use crate::clock::from_ms;
use crate::db::orders::{self, MemberRefund};
use crate::db::Db;

/// At most `limit` of the member's orders paid before the order `cursor` (newest first);
/// none when the cursor is not one of the member's orders.
pub async fn page(
    db: &Db,
    program: &Program,
    member_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> anyhow::Result<Option<Vec<PastOrder>>> {
    let before = match cursor {
        None => None,
        Some(id) => {
            let Some(paid) = orders::paid_at_of(db, member_id, id).await? else {
                return Ok(None);
            };
            Some((paid, id))
        }
    };
    let rows = orders::of_member(db, member_id, before, limit).await?;
    let mut refunds: HashMap<String, Vec<PastRefund>> = HashMap::new();
    if let (Some(newest), Some(oldest)) = (rows.first(), rows.last()) {
        let stored = orders::refunds_between(
            db,
            member_id,
            (oldest.paid_at_ms, &oldest.id),
            (newest.paid_at_ms, &newest.id),
        )
        .await?;
        for MemberRefund {
            order_id,
            amount_fen,
            at_ms,
        } in stored
        {
            refunds.entry(order_id).or_default().push(PastRefund {
                at: from_ms(at_ms, program.offset()),
                amount_fen,
            });
        }
    }
    Ok(Some(
        rows.into_iter()
            .map(|o| PastOrder {
                refunds: refunds.remove(&o.id).unwrap_or_default(),
                paid_at: from_ms(o.paid_at_ms, program.offset()),
                id: o.id,
                payable_fen: o.payable_fen,
                points_earned: o.points_earned,
                points_used: o.points_used,
                refunded_fen: o.refunded_fen,
            })
            .collect(),
    ))
}
