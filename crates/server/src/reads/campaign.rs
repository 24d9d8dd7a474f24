//! The campaign monitor (`GET /api/admin/campaign`): registrations and orders in two-hour
//! buckets over a window of local days.

use std::collections::HashMap;

use contract::admin::{CampaignBucket, CampaignMonitor};
use rules::Fen;
use sqlx::Row as _;

use crate::clock::from_ms;
use crate::db::Db;

/// Two hours.
pub const BUCKET_MS: i64 = 2 * 3_600_000;

/// The buckets of `[start_ms, end_ms)`, every one of them (empty ones with zeros).
pub async fn monitor(
    db: &Db,
    offset: chrono::FixedOffset,
    start_ms: i64,
    end_ms: i64,
) -> anyhow::Result<CampaignMonitor> {
    let registrations = sqlx::query(
        "SELECT (created_at_ms - $1) / 7200000 AS b, COUNT(*) AS n FROM members \
         WHERE created_at_ms >= $1 AND created_at_ms < $2 AND NOT is_demo GROUP BY b",
    )
    .bind(start_ms)
    .bind(end_ms)
    .fetch_all(db)
    .await?;
    let orders = sqlx::query(
        "SELECT (paid_at_ms - $1) / 7200000 AS b, COUNT(*) AS n, \
           CAST(SUM(payable_fen - refunded_fen) AS BIGINT) AS fen FROM orders \
         WHERE paid_at_ms >= $1 AND paid_at_ms < $2 GROUP BY b",
    )
    .bind(start_ms)
    .bind(end_ms)
    .fetch_all(db)
    .await?;
    let mut joined: HashMap<i64, i64> = HashMap::new();
    for r in &registrations {
        joined.insert(r.try_get("b")?, r.try_get("n")?);
    }
    let mut paid: HashMap<i64, (i64, i64)> = HashMap::new();
    for r in &orders {
        paid.insert(r.try_get("b")?, (r.try_get("n")?, r.try_get("fen")?));
    }
    let count = (end_ms - start_ms + BUCKET_MS - 1) / BUCKET_MS;
    let buckets = (0..count)
        .map(|b| {
            let (orders, fen) = paid.get(&b).copied().unwrap_or((0, 0));
            CampaignBucket {
                start: from_ms(start_ms + b * BUCKET_MS, offset),
                registrations: joined.get(&b).copied().unwrap_or(0),
                orders,
                sales_fen: Fen(fen),
            }
        })
        .collect();
    Ok(CampaignMonitor { buckets })
}
