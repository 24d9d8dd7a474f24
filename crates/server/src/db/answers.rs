//! Answers kept for idempotent writes: orders, refunds, mall redemptions and staff grants
//! each store the hash of the request and the answer given, under the id the caller chose.

/// The tables that keep answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerTable {
    Orders,
    Refunds,
    MallRedemptions,
    AuditLog,
}

impl AnswerTable {
    fn name(self) -> &'static str {
        match self {
            AnswerTable::Orders => "orders",
            AnswerTable::Refunds => "refunds",
            AnswerTable::MallRedemptions => "mall_redemptions",
            AnswerTable::AuditLog => "audit_log",
        }
    }
}

/// What was recorded under an id: the request's hash and the answer as JSON.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredAnswer {
    pub request_sha256: String,
    pub response: String,
}

/// The answer stored under `id`, if any.
pub async fn stored<'e, E>(
    db: E,
    table: AnswerTable,
    id: &str,
) -> sqlx::Result<Option<StoredAnswer>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT request_sha256, response FROM {} WHERE id = $1",
        table.name()
    );
    sqlx::query_as(&sql).bind(id).fetch_optional(db).await
}
