//! Members' tier changes as they happen: an order's upgrade, the monthly evaluation's
//! downgrade (the console's tier history, and its upgrade and downgrade counts).

use rules::tier::TierId;
use sqlx::Row as _;

use super::exec::Exec;
use super::Db;
use crate::args;

/// Why a tier changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause<'a> {
    Order(&'a str),
    Evaluation,
}

/// Records a change, in the transaction that makes it; nothing when the tier stays.
pub async fn record(
    tx: &mut impl Exec,
    member_id: &str,
    from: &TierId,
    to: &TierId,
    cause: Cause<'_>,
    at_ms: i64,
) -> sqlx::Result<()> {
    if from == to {
        return Ok(());
    }
    let (cause, order_id) = match cause {
        Cause::Order(id) => ("order", Some(id)),
        Cause::Evaluation => ("evaluation", None),
    };
    tx.run(
        "INSERT INTO tier_changes (member_id, from_tier, to_tier, cause, order_id, at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            member_id,
            from.as_str(),
            to.as_str(),
            cause,
            order_id,
            at_ms
        ],
    )
    .await?;
    Ok(())
}

/// A change as read back.
pub struct TierChange {
    pub from: String,
    pub to: String,
    pub cause: String,
    pub order_id: Option<String>,
    pub at_ms: i64,
}

/// A member's changes, newest first, at most `limit`.
pub async fn of_member(db: &Db, member_id: &str, limit: i64) -> anyhow::Result<Vec<TierChange>> {
    let rows = sqlx::query(
        "SELECT from_tier, to_tier, cause, order_id, at_ms FROM tier_changes \
         WHERE member_id = $1 ORDER BY at_ms DESC, id DESC LIMIT $2",
    )
    .bind(member_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TierChange {
                from: r.try_get("from_tier")?,
                to: r.try_get("to_tier")?,
                cause: r.try_get("cause")?,
                order_id: r.try_get("order_id")?,
                at_ms: r.try_get("at_ms")?,
            })
        })
        .collect()
}
