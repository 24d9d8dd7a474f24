//! One member as the operators' console shows them (`GET /api/admin/members/{id}`): the
//! summary their own home shows, and the latest of their ledger, orders, tier changes and
//! audit entries, their coupons and invites. Each part is a bounded read.

use contract::admin::{MemberPage, TierChange};
use sqlx::Row as _;

use crate::clock::from_ms;
use crate::db::audit::{self, AuditFilter};
use crate::db::tier_changes;
use crate::reads::{orders, points, summary};
use crate::AppState;

/// How many of each list the page shows.
const LATEST: i64 = 50;
const LATEST_ORDERS: i64 = 20;

/// None for no such member (or an erased one).
pub async fn page(state: &AppState, member_id: &str) -> anyhow::Result<Option<MemberPage>> {
    let Some((summary, coupons)) = summary::with_wallet(state, member_id).await? else {
        return Ok(None);
    };
    let (db, program) = (&state.db, &state.program.program);
    let offset = program.offset();
    let row = sqlx::query(
        "SELECT created_at_ms, joined_store, \
           (SELECT inviter_id FROM invites WHERE invitee_id = $1) AS invited_by, \
           (SELECT COUNT(*) FROM invites WHERE inviter_id = $1) AS invited \
         FROM members WHERE id = $1",
    )
    .bind(member_id)
    .fetch_one(db)
    .await?;
    let tier_changes = tier_changes::of_member(db, member_id, LATEST)
        .await?
        .into_iter()
        .map(|c| TierChange {
            from: rules::TierId(c.from),
            to: rules::TierId(c.to),
            cause: c.cause,
            order_id: c.order_id,
            at: from_ms(c.at_ms, offset),
        })
        .collect();
    let about = AuditFilter {
        member_id: Some(member_id.to_owned()),
        ..AuditFilter::default()
    };
    let audit = audit::page(db, &about, LATEST)
        .await?
        .into_iter()
        .map(|r| r.into_entry(offset))
        .collect::<anyhow::Result<_>>()?;
    Ok(Some(MemberPage {
        summary,
        joined_at: from_ms(row.try_get("created_at_ms")?, offset),
        joined_store: row.try_get("joined_store")?,
        tier_changes,
        ledger: points::history(db, program, member_id, None, None, LATEST).await?,
        coupons,
        orders: orders::page(db, program, member_id, None, LATEST_ORDERS)
            .await?
            .unwrap_or_default(),
        invited_by: row.try_get("invited_by")?,
        invited: row.try_get("invited")?,
        audit,
    }))
}
