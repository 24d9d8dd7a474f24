//! The points mall in storage: the catalog with each item's eligibility for a member, and
//! redemptions. A redemption is one transaction (member locked first): points debited
//! through the ledger, a unit of stock taken by a conditional UPDATE, the limit counted,
//! a coupon item's coupon put in the wallet, and the answer stored under the member's
//! Idempotency-Key so that a retry answers the same and changes nothing.

use axum::http::StatusCode;
use chrono::{DateTime, Days, FixedOffset};
pub use contract::mall::{Catalog, CatalogItem, IssuedCoupon, RedeemRequest, Redeemed};
use rules::mall::{Ineligible, MallItem, MallState};
use rules::{Coupon, Program};

use super::ledger::{self, EntryKind, Source};
use super::members::{self, WalletCoupon};
use super::orders::{request_hash, stored_answer, Recorded};
use super::{lock_member, Db, Tx};
use crate::clock::{ms, random_token};
use crate::error::ApiError;
use contract::ErrorCode;

/// Idempotency keys: 1 to 64 of `A–Z a–z 0–9 - _ . :` (UUIDs fit).
pub fn check_key(key: &str) -> Result<(), ApiError> {
    let ok = (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::reject(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`",
        ))
    }
}

pub async fn catalog(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<Catalog, ApiError> {
    let mut conn = db.acquire().await?;
    let member = members::get(&mut *conn, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let expired = ledger::expired_unrecorded(&mut *conn, member_id, ms(now)).await?;
    let balance = member.points_balance - expired;
    let mut items = vec![];
    for item in &program.mall.items {
        let sold = sold(&mut conn, &item.id).await?;
        let redeemed = redeemed_in_period(&mut conn, program, item, member_id, now).await?;
        let state = MallState {
            tier: &member.tier,
            balance,
            sold,
            redeemed_in_period: redeemed,
        };
        let verdict = item.eligibility(&program.tiers, &state);
        items.push(CatalogItem {
            item: item.clone(),
            remaining: item.stock.map(|s| (s - sold).max(0)),
            redeemed_in_period: redeemed,
            eligible: verdict.is_ok(),
            reason: verdict.err(),
        });
    }
    Ok(Catalog {
        points_balance: balance,
        items,
    })
}

async fn sold(conn: &mut sqlx::AnyConnection, item_id: &str) -> Result<i64, sqlx::Error> {
    let sold: Option<i64> = sqlx::query_scalar("SELECT sold FROM mall_stock WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(sold.unwrap_or(0))
}

async fn redeemed_in_period(
    conn: &mut sqlx::AnyConnection,
    program: &Program,
    item: &MallItem,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<i64, sqlx::Error> {
    if item.limit.is_none() {
        return Ok(0);
    }
    let since = item
        .period_start(&program.time_zone, now)
        .map_or(i64::MIN, |s| ms(&s));
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM mall_redemptions \
         WHERE member_id = $1 AND item_id = $2 AND at_ms >= $3",
    )
    .bind(member_id)
    .bind(&item.id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await
}

fn refused(why: Ineligible) -> ApiError {
    let (status, message) = match why {
        Ineligible::TierTooLow => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "this item is for a higher tier",
        ),
        Ineligible::InsufficientPoints => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "not enough points for this item",
        ),
        Ineligible::OutOfStock => (StatusCode::CONFLICT, "this item is out of stock"),
        Ineligible::LimitReached => (
            StatusCode::CONFLICT,
            "the per-member limit for this item is reached",
        ),
    };
    ApiError::reject(status, ErrorCode::of_ineligible(why), message)
}

/// Redeems one unit of an item (see the module's comment).
pub async fn redeem(
    db: &Db,
    program: &Program,
    member_id: &str,
    key: &str,
    req: &RedeemRequest,
    now: &DateTime<FixedOffset>,
) -> Result<Recorded<Redeemed>, ApiError> {
    check_key(key)?;
    let item = program.mall.item(&req.item_id).ok_or_else(|| {
        ApiError::reject(
            StatusCode::NOT_FOUND,
            ErrorCode::ItemNotFound,
            "no mall item with that id",
        )
    })?;
    let hash = request_hash(req);
    let id = format!("{member_id}:{key}");
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(ApiError::unauthorized());
    }
    let conflict = ErrorCode::IdempotencyConflict;
    if let Some(answer) =
        stored_answer(&mut *tx, "mall_redemptions", conflict, &id, &[&hash]).await?
    {
        return Ok(Recorded {
            answer,
            replayed: true,
        });
    }
    let answer = take(&mut tx, program, item, member_id, key, now).await?;
    sqlx::query(
        "INSERT INTO mall_redemptions (id, member_id, item_id, request_sha256, points, \
           coupon_id, response, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(member_id)
    .bind(&item.id)
    .bind(&hash)
    .bind(item.points)
    .bind(answer.coupon.as_ref().map(|c| c.id.as_str()))
    .bind(serde_json::to_string(&answer).map_err(anyhow::Error::from)?)
    .bind(ms(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Recorded {
        answer,
        replayed: false,
    })
}

/// Checks and changes points, stock, limit and wallet inside the caller's transaction.
async fn take(
    tx: &mut Tx<'_>,
    program: &Program,
    item: &MallItem,
    member_id: &str,
    key: &str,
    now: &DateTime<FixedOffset>,
) -> Result<Redeemed, ApiError> {
    ledger::expire_due(tx, program, member_id, now).await?;
    let member = members::get(&mut **tx, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let state = MallState {
        tier: &member.tier,
        balance: member.points_balance,
        sold: sold(tx, &item.id).await?,
        redeemed_in_period: redeemed_in_period(tx, program, item, member_id, now).await?,
    };
    item.eligibility(&program.tiers, &state).map_err(refused)?;
    if let Some(stock) = item.stock {
        // The read above may be stale (PostgreSQL, read committed): this conditional
        // UPDATE is what decides, re-checked under the row's lock.
        sqlx::query("INSERT INTO mall_stock (item_id, sold) VALUES ($1, 0) ON CONFLICT DO NOTHING")
            .bind(&item.id)
            .execute(&mut **tx)
            .await?;
        let taken =
            sqlx::query("UPDATE mall_stock SET sold = sold + 1 WHERE item_id = $1 AND sold < $2")
                .bind(&item.id)
                .bind(stock)
                .execute(&mut **tx)
                .await?;
        if taken.rows_affected() != 1 {
            return Err(refused(Ineligible::OutOfStock));
        }
    }
    ledger::debit(
        tx,
        member_id,
        EntryKind::Mall,
        item.points,
        now,
        Source::default(),
    )
    .await?;
    let coupon = match &item.coupon {
        None => None,
        Some(template) => {
            // Coupon times in the program's offset, like every other coupon's.
            let now = &now.with_timezone(&program.offset());
            let issued = IssuedCoupon {
                id: format!("c_{}", random_token(12)),
                title: item.title.clone(),
                kind: template.kind.clone(),
                valid_from: *now,
                valid_until: *now + Days::new(template.valid_days as u64),
            };
            let wallet = WalletCoupon {
                coupon: Coupon {
                    id: issued.id.clone(),
                    kind: issued.kind.clone(),
                    valid_from: issued.valid_from,
                    valid_until: issued.valid_until,
                    first_order_only: template.first_order_only,
                },
                title: issued.title.clone(),
                source: rules::coupon::CouponSource::Mall,
            };
            members::insert_coupon(tx, member_id, &wallet, now).await?;
            Some(issued)
        }
    };
    let balance: i64 = sqlx::query_scalar("SELECT points_balance FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Redeemed {
        redemption_id: key.to_owned(),
        item_id: item.id.clone(),
        points: item.points,
        points_balance_after: balance,
        coupon,
        redeemed_at: *now,
    })
}
