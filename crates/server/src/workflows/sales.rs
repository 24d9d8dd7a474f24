//! A store's day of sales as the shop reports it (`PUT /api/v1/stores/{code}/sales/{date}`):
//! every buyer's, so the console can show what share of sales the members make. One row a
//! store and local day: a report again replaces it (a correction), the same report changes
//! nothing.

use chrono::{DateTime, FixedOffset, NaiveDate};
use contract::sales::{SalesRecorded, SalesReport};
use rules::Program;

use super::{Outcome, Refusal};
use crate::clock::{from_ms, ms};
use crate::db::{begin_write, stores, Db};

/// The report as stored, and whether it is the day's first.
pub async fn report(
    db: &Db,
    program: &Program,
    store: &str,
    date: NaiveDate,
    req: &SalesReport,
    now: &DateTime<FixedOffset>,
) -> Outcome<(SalesRecorded, bool)> {
    if stores::get(db, store).await?.is_none() {
        return Err(Refusal::StoreNotFound {
            code: store.to_owned(),
        }
        .into());
    }
    if date > program.local_date(now) {
        return Err(Refusal::SalesDayAhead.into());
    }
    let max = program.limits.max_member_spend_fen;
    if req.total_fen.0 < 0 || req.total_fen > max || req.order_count < 0 {
        return Err(Refusal::InvalidAmount.into());
    }
    let day = date.to_string();
    let mut tx = begin_write(db).await?;
    let before: Option<i64> =
        sqlx::query_scalar("SELECT total_fen FROM store_sales WHERE store_code = $1 AND day = $2")
            .bind(store)
            .bind(&day)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO store_sales (store_code, day, total_fen, order_count, reported_at_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (store_code, day) DO UPDATE SET \
           total_fen = excluded.total_fen, order_count = excluded.order_count, \
           reported_at_ms = excluded.reported_at_ms",
    )
    .bind(store)
    .bind(&day)
    .bind(req.total_fen.0)
    .bind(req.order_count)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let recorded = SalesRecorded {
        store: store.to_owned(),
        date,
        total_fen: req.total_fen,
        order_count: req.order_count,
        reported_at: from_ms(ms(now), program.offset()),
    };
    Ok((recorded, before.is_none()))
}
