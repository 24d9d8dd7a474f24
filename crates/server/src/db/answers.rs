//! Answers kept for idempotent writes: orders, refunds, mall redemptions and staff grants
//! each store the hash of the request and the answer given, under the id the caller chose.

use super::exec::Exec;
use crate::args;

/// The tables that keep answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerTable {
    Orders,
    Refunds,
    MallRedemptions,
    AuditLog,
}

impl AnswerTable {
    /// The query of [`stored`] (written once: a statement is prepared by its text).
    fn stored_sql(self) -> &'static str {
        match self {
            AnswerTable::Orders => "SELECT request_sha256, response FROM orders WHERE id = $1",
            AnswerTable::Refunds => "SELECT request_sha256, response FROM refunds WHERE id = $1",
            AnswerTable::MallRedemptions => {
                "SELECT request_sha256, response FROM mall_redemptions WHERE id = $1"
            }
            AnswerTable::AuditLog => "SELECT request_sha256, response FROM audit_log WHERE id = $1",
        }
    }
}

/// What was recorded under an id: the request's hash and the answer as JSON.
#[derive(Debug)]
pub struct StoredAnswer {
    pub request_sha256: String,
    pub response: String,
}

/// The answer stored under `id`, if any.
pub async fn stored(
    db: &mut impl Exec,
    table: AnswerTable,
    id: &str,
) -> sqlx::Result<Option<StoredAnswer>> {
    db.optional(table.stored_sql(), args![id], |r| {
        Ok(StoredAnswer {
            request_sha256: r.text_required("request_sha256")?,
            response: r.text_required("response")?,
        })
    })
    .await
}
