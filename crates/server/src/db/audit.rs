//! The audit log: each staff or operator action with who did it, for whom, why, and the
//! answer given (a grant's row doubles as its idempotency record). Rows are only ever
//! added: no route or command changes or deletes one (the demo's reset removes its own
//! demo members' rows).

use sqlx::Row as _;

use super::{Db, Tx};

/// An action as recorded.
pub struct AuditEntry<'a> {
    /// `actor_id:idempotency_key` for an idempotent action, else a random id.
    pub id: &'a str,
    /// The account that acted; none for the command line.
    pub actor_id: Option<&'a str>,
    /// What was done: `coupon_grant`, `member_lookup`, `user_role`, `store_saved`, …
    pub action: &'a str,
    pub member_id: Option<&'a str>,
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

/// Records an action that is not replayed by a key (a lookup, a role given, a key made),
/// in the transaction that does it.
pub async fn record(
    tx: &mut Tx<'_>,
    actor_id: Option<&str>,
    action: &str,
    member_id: Option<&str>,
    detail: &serde_json::Value,
    at_ms: i64,
) -> sqlx::Result<()> {
    let id = format!("{action}:{}", crate::crypto::random_token(16));
    insert(
        tx,
        &AuditEntry {
            id: &id,
            actor_id,
            action,
            member_id,
            request_sha256: "",
            detail_json: detail.to_string(),
            response_json: "{}".into(),
            at_ms,
        },
    )
    .await
}

/// Which rows a console reader asks for; every field narrows.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub member_id: Option<String>,
    pub action: Option<String>,
    pub from_ms: Option<i64>,
    /// Exclusive.
    pub until_ms: Option<i64>,
    /// Only rows written before this one (its `seq`): the page after it.
    pub before: Option<i64>,
}

/// A row as read back.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// The order of writing.
    pub seq: i64,
    pub id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub member_id: Option<String>,
    pub detail_json: String,
    pub at_ms: i64,
}

impl AuditRow {
    /// The row as the console's API answers it, its time in `offset`.
    pub fn into_entry(
        self,
        offset: chrono::FixedOffset,
    ) -> anyhow::Result<contract::admin::AuditEntry> {
        Ok(contract::admin::AuditEntry {
            at: crate::clock::from_ms(self.at_ms, offset),
            detail: serde_json::from_str(&self.detail_json)
                .map_err(|e| anyhow::anyhow!("audit row {}: {e}", self.id))?,
            id: self.id,
            actor_id: self.actor_id,
            action: self.action,
            member_id: self.member_id,
        })
    }
}

/// The rows `filter` names, the last written first, at most `limit`.
pub async fn page(db: &Db, filter: &AuditFilter, limit: i64) -> anyhow::Result<Vec<AuditRow>> {
    // `CAST(…)`: PostgreSQL must know a parameter's type to test it for NULL.
    let rows = sqlx::query(
        "SELECT seq, id, actor_id, action, member_id, detail, at_ms FROM audit_log \
         WHERE (CAST($1 AS TEXT) IS NULL OR actor_id = $1) \
           AND (CAST($2 AS TEXT) IS NULL OR member_id = $2) \
           AND (CAST($3 AS TEXT) IS NULL OR action = $3) \
           AND at_ms >= $4 AND at_ms < $5 \
           AND (CAST($6 AS BIGINT) IS NULL OR seq < $6) \
         ORDER BY seq DESC LIMIT $7",
    )
    .bind(filter.actor_id.as_deref())
    .bind(filter.member_id.as_deref())
    .bind(filter.action.as_deref())
    .bind(filter.from_ms.unwrap_or(i64::MIN))
    .bind(filter.until_ms.unwrap_or(i64::MAX))
    .bind(filter.before)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                seq: r.try_get("seq")?,
                id: r.try_get("id")?,
                actor_id: r.try_get("actor_id")?,
                action: r.try_get("action")?,
                member_id: r.try_get("member_id")?,
                detail_json: r.try_get("detail")?,
                at_ms: r.try_get("at_ms")?,
            })
        })
        .collect()
}
