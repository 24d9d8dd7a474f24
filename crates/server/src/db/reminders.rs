//! Points-expiry reminders in storage: a member's opt-in, the reminders due, and the
//! claim that makes each go once (`workflows::reminders`).

use sqlx::Row as _;

use super::Db;

/// When the member opted in to expiry reminders; `None`: they have not (or opted out).
pub async fn opted_in_at(db: &Db, member_id: &str) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT expiry_reminders_at_ms FROM members WHERE id = $1 AND deleted_at_ms IS NULL",
    )
    .bind(member_id)
    .fetch_optional(db)
    .await?
    .flatten())
}

/// Opts the member in (keeping the first opt-in's time) or out. False when there is no
/// such member.
pub async fn set_opt_in(db: &Db, member_id: &str, on: bool, now_ms: i64) -> anyhow::Result<bool> {
    let sql = if on {
        "UPDATE members SET expiry_reminders_at_ms = COALESCE(expiry_reminders_at_ms, $1), \
           updated_at_ms = $1 WHERE id = $2 AND deleted_at_ms IS NULL"
    } else {
        "UPDATE members SET expiry_reminders_at_ms = NULL, updated_at_ms = $1 \
           WHERE id = $2 AND deleted_at_ms IS NULL"
    };
    let done = sqlx::query(sql)
        .bind(now_ms)
        .bind(member_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A reminder to send: the member's points left in lots that expire at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub member_id: String,
    pub expires_at_ms: i64,
    pub points: i64,
}

/// The reminders due: opted-in members' points left in lots expiring in
/// (`from_ms`, `until_ms`], one per member and expiry instant, not sent before.
pub async fn due(db: &Db, from_ms: i64, until_ms: i64, limit: i64) -> anyhow::Result<Vec<Due>> {
    let rows = sqlx::query(
        "SELECT l.member_id, l.expires_at_ms, CAST(SUM(l.remaining) AS BIGINT) AS points \
         FROM point_lots l JOIN members m ON m.id = l.member_id \
         WHERE m.expiry_reminders_at_ms IS NOT NULL AND m.deleted_at_ms IS NULL \
           AND m.phone IS NOT NULL AND l.remaining > 0 \
           AND l.expires_at_ms > $1 AND l.expires_at_ms <= $2 \
           AND NOT EXISTS (SELECT 1 FROM expiry_reminders r \
             WHERE r.member_id = l.member_id AND r.expires_at_ms = l.expires_at_ms) \
         GROUP BY l.member_id, l.expires_at_ms \
         ORDER BY l.member_id, l.expires_at_ms LIMIT $3",
    )
    .bind(from_ms)
    .bind(until_ms)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Due {
                member_id: r.try_get("member_id")?,
                expires_at_ms: r.try_get("expires_at_ms")?,
                points: r.try_get("points")?,
            })
        })
        .collect()
}

/// Claims the reminder before it is sent; false when another server claimed it first.
pub async fn claim(db: &Db, due: &Due, now_ms: i64) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO expiry_reminders (member_id, expires_at_ms, points, sent_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, expires_at_ms) DO NOTHING",
    )
    .bind(&due.member_id)
    .bind(due.expires_at_ms)
    .bind(due.points)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a claim back: the provider did not take the message, a later tick tries again.
pub async fn unclaim(db: &Db, due: &Due) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM expiry_reminders WHERE member_id = $1 AND expires_at_ms = $2")
        .bind(&due.member_id)
        .bind(due.expires_at_ms)
        .execute(db)
        .await?;
    Ok(())
}
