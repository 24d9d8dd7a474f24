//! The campaign monitor (`GET /api/admin/campaign`): registrations and orders in two-hour
//! buckets over a window of local days: registrations live (the members' time index),
//! orders from the rollups' two-hour slots.

use std::collections::HashMap;

use contract::admin::{CampaignBucket, CampaignMonitor};
use rules::Fen;
use sqlx::Row as _;

use crate::clock::from_ms;
use crate::db::rollups::{self, figure};
use crate::db::Db;

/// Two hours.
pub const BUCKET_MS: i64 = rollups::SLOT_MS;

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
    // Orders from the rollups (their two-hour slots are these buckets: both start at a
    // local midnight) plus those not rolled yet.
    let offset_ms = rollups::offset_ms(offset);
    let day = |at: i64| (at + offset_ms).div_euclid(rollups::DAY_MS);
    let live = rollups::live(db, offset_ms).await?;
    let facts = rollups::read(
        db,
        (day(start_ms), day(end_ms - 1)),
        offset_ms,
        end_ms,
        live,
    )
    .await?;
    let first_slot = (start_ms + offset_ms).div_euclid(BUCKET_MS);
    let slots = |name| facts.of(name).remove("").unwrap_or_default();
    let (counts, sales) = (slots(figure::ORDERS_2H), slots(figure::SALES_2H));
    let mut joined: HashMap<i64, i64> = HashMap::new();
    for r in &registrations {
        joined.insert(r.try_get("b")?, r.try_get("n")?);
    }
    let paid = |b: i64| {
        let slot = first_slot + b;
        let get = |s: &std::collections::BTreeMap<i64, i64>| s.get(&slot).copied().unwrap_or(0);
        (get(&counts), get(&sales))
    };
    let count = (end_ms - start_ms + BUCKET_MS - 1) / BUCKET_MS;
    let buckets = (0..count)
        .map(|b| {
            let (orders, fen) = paid(b);
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
