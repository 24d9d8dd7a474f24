//! The audit log: each staff action with who did it, for whom, why, and the answer given
//! (the row doubles as the action's idempotency record).

use super::Tx;

/// A staff action as recorded.
pub struct AuditEntry<'a> {
    /// `actor_id:idempotency_key`.
    pub id: &'a str,
    pub actor_id: &'a str,
    /// What was done: `coupon_grant`.
    pub action: &'a str,
    pub member_id: &'a str,
    pub request_sha256: &'a str,
    /// The action's facts as JSON (the grant, the reason, the coupon issued).
    pub detail_json: String,
    pub response_json: String,
    pub at_ms: i64,
}

pub async fn insert(tx: &mut Tx<'_>, e: &AuditEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, member_id, request_sha256, detail, \
           response, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.id)
    .bind(e.actor_id)
    .bind(e.action)
    .bind(e.member_id)
    .bind(e.request_sha256)
    .bind(&e.detail_json)
    .bind(&e.response_json)
    .bind(e.at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
