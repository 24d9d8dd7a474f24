//! The points mall: the catalog with each item's eligibility for a member, and redeeming.
//! A redemption is one transaction (member locked first): points debited through the
//! ledger, a unit of stock taken, the limit counted, a coupon item's coupon put in the
//! wallet, and the answer stored under the member's Idempotency-Key so that a retry
//! answers the same and changes nothing.

use chrono::{DateTime, Days, FixedOffset};
pub use contract::mall::{Catalog, CatalogItem, IssuedCoupon, RedeemRequest, Redeemed};
use rules::coupon::CouponSource;
use rules::mall::{Ineligible, MallItem, MallState};
use rules::{Coupon, Program};

use super::{check_key, replay, request_hash, Outcome, Record, Recorded, Refusal};
use crate::clock::ms;
use crate::crypto::random_token;
use crate::db::answers::{self, AnswerTable};
use crate::db::ledger::{self, EntryKind, Source};
use crate::db::mall::{self, NewRedemption};
use crate::db::members::{self, WalletCoupon};
use crate::db::{lock_member, Db, Tx};

/// Every item with whether the member may redeem it now, and why not.
pub async fn catalog(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<Catalog> {
    let mut conn = db.acquire().await?;
    let member = members::get(&mut *conn, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    let expired = ledger::expired_unrecorded(&mut *conn, member_id, ms(now)).await?;
    let balance = member.points_balance - expired;
    let mut items = vec![];
    for item in &program.mall.items {
        let sold = mall::sold(&mut conn, &item.id).await?;
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
        points_balance: Some(balance),
        items,
    })
}

/// The catalog as anyone sees it: the items and the stock left; no balance, and nothing
/// eligible (redeeming starts with logging in).
pub async fn public_catalog(db: &Db, program: &Program) -> Outcome<Catalog> {
    let mut conn = db.acquire().await?;
    let mut items = vec![];
    for item in &program.mall.items {
        let sold = mall::sold(&mut conn, &item.id).await?;
        items.push(CatalogItem {
            item: item.clone(),
            remaining: item.stock.map(|s| (s - sold).max(0)),
            redeemed_in_period: 0,
            eligible: false,
            reason: None,
        });
    }
    Ok(Catalog {
        points_balance: None,
        items,
    })
}

/// Units the member redeemed in the item's limit period now (0 without a limit).
async fn redeemed_in_period(
    conn: &mut sqlx::AnyConnection,
    program: &Program,
    item: &MallItem,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> sqlx::Result<i64> {
    if item.limit.is_none() {
        return Ok(0);
    }
    let since = item
        .period_start(&program.time_zone, now)
        .map_or(i64::MIN, |s| ms(&s));
    mall::redeemed_since(conn, member_id, &item.id, since).await
}

/// Redeems one unit of an item (see the module's comment).
pub async fn redeem(
    db: &Db,
    program: &Program,
    member_id: &str,
    key: &str,
    req: &RedeemRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<Redeemed>> {
    check_key(key)?;
    let item = program
        .mall
        .item(&req.item_id)
        .ok_or(Refusal::ItemNotFound)?;
    let hash = request_hash(req);
    let id = format!("{member_id}:{key}");
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(Refusal::NotLoggedIn.into());
    }
    let stored = answers::stored(&mut *tx, AnswerTable::MallRedemptions, &id).await?;
    if let Some(replayed) = replay(stored, Record::Keyed, &id, &[&hash])? {
        return Ok(replayed);
    }
    let answer = take(&mut tx, program, item, member_id, key, &id, now).await?;
    let redemption = NewRedemption {
        id: &id,
        member_id,
        item_id: &item.id,
        request_sha256: &hash,
        points: item.points,
        coupon_id: answer.coupon.as_ref().map(|c| c.id.as_str()),
        response_json: serde_json::to_string(&answer).map_err(anyhow::Error::from)?,
        at_ms: ms(now),
    };
    mall::insert_redemption(&mut tx, &redemption).await?;
    crate::db::activity::note(&mut tx, member_id, program.local_date(now)).await?;
    tx.commit().await?;
    Ok(Recorded::new(answer))
}

/// Checks and changes points, stock, limit and wallet inside the caller's transaction.
async fn take(
    tx: &mut Tx<'_>,
    program: &Program,
    item: &MallItem,
    member_id: &str,
    key: &str,
    // The stored redemption's id, which its ledger entry records.
    redemption_id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<Redeemed> {
    ledger::expire_due(tx, program, member_id, now).await?;
    let member = members::get(&mut **tx, member_id)
        .await?
        .ok_or(Refusal::NotLoggedIn)?;
    let state = MallState {
        tier: &member.tier,
        balance: member.points_balance,
        sold: mall::sold(tx, &item.id).await?,
        redeemed_in_period: redeemed_in_period(tx, program, item, member_id, now).await?,
    };
    item.eligibility(&program.tiers, &state)
        .map_err(Refusal::Ineligible)?;
    if let Some(stock) = item.stock {
        if !mall::take_unit(tx, &item.id, stock).await? {
            return Err(Refusal::Ineligible(Ineligible::OutOfStock).into());
        }
    }
    ledger::debit(
        tx,
        member_id,
        EntryKind::Mall,
        item.points,
        now,
        Source {
            redemption_id: Some(redemption_id),
            ..Source::default()
        },
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
                source: CouponSource::Mall,
            };
            members::insert_coupon(tx, member_id, &wallet, now).await?;
            Some(issued)
        }
    };
    Ok(Redeemed {
        redemption_id: key.to_owned(),
        item_id: item.id.clone(),
        points: item.points,
        points_balance_after: members::points_balance(&mut **tx, member_id).await?,
        coupon,
        redeemed_at: *now,
    })
}
