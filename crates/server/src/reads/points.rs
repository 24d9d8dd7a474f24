//! The points history (`GET /api/me/points`): the ledger's entries, each named by what it
//! was for (the order, the refund, the mall item, the campaign), read from the stored rows
//! and the loaded program.

use contract::points::{Direction, Entry, EntryKind, Subject};
use rules::Program;

use crate::db::ledger::{self, EntryRow};
use crate::db::Db;

/// A member's entries newest first, before the entry id `before`, at most `limit`.
pub async fn history(
    db: &Db,
    program: &Program,
    member_id: &str,
    before: Option<i64>,
    direction: Option<Direction>,
    limit: i64,
) -> anyhow::Result<Vec<Entry>> {
    let rows = ledger::entries(db, program, member_id, before, direction, limit).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let subject = subject(program, &row);
            Entry {
                subject,
                ..row.entry
            }
        })
        .collect())
}

/// What an entry names; none when its kind says it all or the row it points to is gone.
fn subject(program: &Program, row: &EntryRow) -> Option<Subject> {
    let entry = &row.entry;
    let order = || {
        Some(Subject::Order {
            id: entry.order_id.clone()?,
            payable_fen: row.order_payable_fen?,
            coupon: row.order_coupon_title.clone(),
        })
    };
    match entry.kind {
        EntryKind::Earn
        | EntryKind::OrderBonus
        | EntryKind::MilestoneBonus
        | EntryKind::PointsUsed => order(),
        // The campaign of the order's local date (the entry's instant is the order's),
        // as the program names it now; the order when the program has none that day.
        EntryKind::CampaignBonus => {
            let date = program.local_date(&entry.at);
            match (program.points.campaign_on(date), &entry.order_id) {
                (Some(campaign), Some(order_id)) => Some(Subject::Campaign {
                    name: campaign.name.clone(),
                    order_id: order_id.clone(),
                }),
                _ => order(),
            }
        }
        EntryKind::RefundTakeBack | EntryKind::RefundReturn | EntryKind::MilestoneTakeBack => {
            Some(Subject::Refund {
                order_id: entry.order_id.clone()?,
                amount_fen: row.refund_amount_fen?,
            })
        }
        // The item as the program names it; an item since removed, by the coupon it issued.
        EntryKind::Mall => {
            let item_id = row.redeemed_item_id.clone()?;
            let title = match program.mall.item(&item_id) {
                Some(item) => item.title.clone(),
                None => row.redeemed_coupon_title.clone()?,
            };
            Some(Subject::MallItem { item_id, title })
        }
        EntryKind::Checkin | EntryKind::Opening | EntryKind::Expire | EntryKind::Adjustment => None,
    }
}
