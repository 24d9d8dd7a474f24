//! Orders and refunds from the shop, each recorded in one transaction: the quote the
//! server computes itself, the ledger entries, the coupon used, the spend and tier. Both
//! are idempotent by the shop's id: the same request again answers the stored answer; the
//! same id with another body is a conflict.

use axum::http::StatusCode;
use chrono::{DateTime, Days, FixedOffset};
use rules::quote::{Cart, CartLine, CouponChoice, PointsChoice, QuoteInput, QuoteOptions};
use rules::Program;
use serde::Serialize;
use sqlx::Row as _;

use super::ledger::{self, EntryKind, Source};
use super::members::{self, WalletCoupon};
use super::{is_unique_violation, lock_member, Db, Tx};
use crate::clock::{ms, random_token, sha256_hex};
use crate::error::ApiError;
use crate::phone::Phone;
use contract::ErrorCode;

/// How far a paid time may be ahead of the server's clock (clock skew), and how old.
const PAID_AT_SKEW_MINUTES: i64 = 5;
const PAID_AT_MAX_AGE_DAYS: u64 = 30;

pub use contract::orders::{OrderRecorded, OrderRequest, RefundRecorded, RefundRequest};

/// A recorded answer, and whether it is a replay of an earlier identical request.
pub struct Recorded<T> {
    pub answer: T,
    pub replayed: bool,
}

/// Shop ids: 1 to 64 of `A–Z a–z 0–9 - _ . :`.
fn check_shop_id(id: &str, code: ErrorCode, what: &str) -> Result<(), ApiError> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            code,
            format!("{what} must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`"),
        ))
    }
}

pub(crate) fn request_hash<T: Serialize>(req: &T) -> String {
    let bytes = serde_json::to_vec(req).expect("requests serialize");
    sha256_hex(&[&bytes])
}

/// What makes two order requests the same order: the member as parsed (a phone in
/// E.164), the paid instant (not the offset it was written in), the cart and the
/// shopper's choices. A shop resending an order with the phone spelled `+86 138…` or the
/// time in UTC is replaying it, not conflicting with it.
#[derive(Serialize)]
struct OrderIdentity<'a> {
    order_id: &'a str,
    member_id: Option<&'a str>,
    phone: Option<&'a str>,
    paid_at_ms: i64,
    lines: &'a [CartLine],
    shipping_fen: i64,
    coupon: &'a CouponChoice,
    points: PointsChoice,
}

/// The hashes a stored order of this request may carry: the parsed identity's, and the
/// request bytes' (orders recorded before identities were compared).
fn order_hashes(
    req: &OrderRequest,
    phone: Option<&Phone>,
    paid_at: &DateTime<FixedOffset>,
) -> [String; 2] {
    let identity = OrderIdentity {
        order_id: &req.order_id,
        member_id: req.member_id.as_deref(),
        phone: phone.map(Phone::as_str),
        paid_at_ms: ms(paid_at),
        lines: &req.lines,
        shipping_fen: req.shipping_fen,
        coupon: &req.coupon,
        points: req.points,
    };
    [request_hash(&identity), request_hash(req)]
}

/// Records an order (see the module's comment). `now` is the server's clock.
pub async fn record_order(
    db: &Db,
    program: &Program,
    req: &OrderRequest,
    now: &DateTime<FixedOffset>,
) -> Result<Recorded<OrderRecorded>, ApiError> {
    check_shop_id(&req.order_id, ErrorCode::InvalidOrderId, "order_id")?;
    let paid_at = DateTime::parse_from_rfc3339(&req.paid_at).map_err(|_| {
        ApiError::invalid(
            ErrorCode::InvalidTime,
            "paid_at must be an RFC 3339 time with an offset",
        )
    })?;
    let phone = req.phone.as_deref().map(Phone::parse).transpose()?;
    let hashes = order_hashes(req, phone.as_ref(), &paid_at);
    let accepted = [hashes[0].as_str(), hashes[1].as_str()];
    // A replay gets the stored answer before anything about today is checked: the member
    // may have deleted their account since, the paid time may be older than 30 days now.
    let conflict = ErrorCode::OrderConflict;
    if let Some(answer) = stored_answer(db, "orders", conflict, &req.order_id, &accepted).await? {
        return Ok(Recorded {
            answer,
            replayed: true,
        });
    }
    let earliest = *now - Days::new(PAID_AT_MAX_AGE_DAYS);
    let latest = *now + chrono::Duration::minutes(PAID_AT_SKEW_MINUTES);
    if paid_at < earliest || paid_at > latest {
        return Err(ApiError::invalid(
            ErrorCode::PaidAtOutOfRange,
            "paid_at must be within the last 30 days and not in the future",
        ));
    }
    // A concurrent first insert of the same id by another member path loses the race with
    // a unique violation; the retry then finds the stored order.
    for _ in 0..2 {
        let member_id = resolve_member(db, req, phone.as_ref()).await?;
        let mut tx = crate::db::begin_write(db).await?;
        if !lock_member(&mut tx, &member_id).await? {
            return Err(member_not_found());
        }
        if let Some(answer) =
            stored_answer(&mut *tx, "orders", conflict, &req.order_id, &accepted).await?
        {
            return Ok(Recorded {
                answer,
                replayed: true,
            });
        }
        match charge(&mut tx, program, req, &member_id, &paid_at, now, &hashes[0]).await {
            Ok(answer) => {
                tx.commit().await?;
                return Ok(Recorded {
                    answer,
                    replayed: false,
                });
            }
            Err(ApiError::Database(e)) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::conflict(
        conflict,
        "the order id was recorded concurrently; retry",
    ))
}

fn member_not_found() -> ApiError {
    ApiError::reject(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::MemberNotFound,
        "no member with that id or phone",
    )
}

async fn resolve_member(
    db: &Db,
    req: &OrderRequest,
    phone: Option<&Phone>,
) -> Result<String, ApiError> {
    match (&req.member_id, phone) {
        (Some(id), None) => Ok(id.clone()),
        (None, Some(phone)) => members::id_by_phone(db, phone.as_str())
            .await?
            .ok_or_else(member_not_found),
        _ => Err(ApiError::invalid(
            ErrorCode::InvalidMember,
            "name the member by exactly one of member_id and phone",
        )),
    }
}

/// The stored answer for an id, if the same request was recorded before (its stored hash
/// is one of `hashes`); a conflict if the id was recorded with another body.
pub(crate) async fn stored_answer<'e, T, E>(
    db: E,
    table: &str,
    conflict_code: ErrorCode,
    id: &str,
    hashes: &[&str],
) -> Result<Option<T>, ApiError>
where
    T: serde::de::DeserializeOwned,
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT request_sha256, response FROM {table} WHERE id = $1");
    let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(db).await? else {
        return Ok(None);
    };
    let stored_hash: String = row.try_get("request_sha256")?;
    let response: String = row.try_get("response")?;
    if !hashes.contains(&stored_hash.as_str()) {
        return Err(ApiError::conflict(
            conflict_code,
            format!("`{id}` was already recorded with a different body"),
        ));
    }
    let answer = serde_json::from_str(&response)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored answer of {id}: {e}")))?;
    Ok(Some(answer))
}

/// Prices the order with the member's state as the server holds it and records it all.
async fn charge(
    tx: &mut Tx<'_>,
    program: &Program,
    req: &OrderRequest,
    member_id: &str,
    paid_at: &DateTime<FixedOffset>,
    now: &DateTime<FixedOffset>,
    hash: &str,
) -> Result<OrderRecorded, ApiError> {
    ledger::expire_due(tx, program, member_id, now).await?;
    let member = members::get(&mut **tx, member_id)
        .await?
        .ok_or_else(member_not_found)?;
    let named = match &req.coupon {
        CouponChoice::Id(id) => Some(id.as_str()),
        _ => None,
    };
    let snapshot = members::snapshot(tx, program, &member, paid_at, named).await?;
    let input = QuoteInput {
        now: paid_at.to_rfc3339(),
        member: snapshot,
        cart: Cart {
            lines: req.lines.clone(),
            shipping_fen: req.shipping_fen,
        },
        options: QuoteOptions {
            coupon: req.coupon.clone(),
            points: req.points,
        },
    };
    let quote = match rules::quote(program, &input) {
        Ok(quote) => quote,
        // The snapshot holds unused coupons only: one named that this member has used
        // (by an order that won a race for it, say) is `coupon_used`, not unknown.
        Err(rules::QuoteError::CouponNotFound) => {
            if let CouponChoice::Id(id) = &req.coupon {
                if coupon_used(tx, member_id, id).await? {
                    return Err(coupon_used_error());
                }
            }
            return Err(rules::QuoteError::CouponNotFound.into());
        }
        Err(e) => return Err(e.into()),
    };
    let answer = OrderRecorded {
        order_id: req.order_id.clone(),
        member_id: member_id.to_owned(),
        paid_at: *paid_at,
        quote: quote.clone(),
    };
    let p = &quote.points;
    sqlx::query(
        "INSERT INTO orders (id, member_id, request_sha256, paid_at_ms, earn_base_fen, \
           payable_fen, refundable_points, points_used, coupon_id, quote, response, \
           received_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&req.order_id)
    .bind(member_id)
    .bind(hash)
    .bind(ms(paid_at))
    .bind(quote.earn_base_fen)
    .bind(quote.payable_fen)
    .bind(p.tier_points + p.campaign_bonus + p.order_bonus)
    .bind(quote.points_used)
    .bind(quote.coupon.as_ref().map(|c| c.id.as_str()))
    .bind(serde_json::to_string(&quote).map_err(anyhow::Error::from)?)
    .bind(serde_json::to_string(&answer).map_err(anyhow::Error::from)?)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;

    let source = Source {
        order_id: Some(&req.order_id),
        refund_id: None,
    };
    ledger::debit(
        tx,
        member_id,
        EntryKind::PointsUsed,
        quote.points_used,
        paid_at,
        source,
    )
    .await?;
    for (kind, points) in [
        (EntryKind::Earn, p.tier_points),
        (EntryKind::CampaignBonus, p.campaign_bonus),
        (EntryKind::OrderBonus, p.order_bonus),
        (EntryKind::MilestoneBonus, p.milestone_bonus),
    ] {
        ledger::credit(tx, program, member_id, kind, points, paid_at, source).await?;
    }
    for m in program
        .points
        .milestones_crossed(member.lifetime_spend_fen, quote.lifetime_spend_after_fen)
    {
        sqlx::query(
            "INSERT INTO milestones_held (member_id, lifetime_spend_fen, points) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(member_id)
        .bind(m.lifetime_spend_fen)
        .bind(m.points)
        .execute(&mut **tx)
        .await?;
    }
    if let Some(applied) = &quote.coupon {
        use_coupon(tx, member_id, &applied.id, &req.order_id, now).await?;
    }
    for award in &quote.coupons_awarded {
        let coupon = WalletCoupon {
            coupon: rules::Coupon {
                id: format!("c_{}", random_token(12)),
                kind: award.kind.clone(),
                valid_from: *paid_at,
                valid_until: *paid_at + Days::new(program.first_order_award.valid_days as u64),
                first_order_only: false,
            },
            title: program.first_order_award.title.clone(),
            source: award.source,
        };
        members::insert_coupon(tx, member_id, &coupon, now).await?;
    }
    // Upgrades are immediate and follow the trailing spend as soon as it is known: an order
    // reported late (paid before orders already recorded) may make today's trailing spend
    // reach a tier that its own quote, priced as of its paid time, did not see.
    let as_of = (*now).max(*paid_at);
    let spend_now = members::trailing_spend(
        &mut **tx,
        member_id,
        ms(&members::window_start(&as_of)),
        ms(&as_of),
    )
    .await?;
    let tier = program.tiers.after(&quote.tier_after, spend_now);
    // An upgrade starts the downgrade count afresh: "below" was about the old tier.
    sqlx::query(
        "UPDATE members SET tier = $1, lifetime_spend_fen = $2, first_order = FALSE, \
           below_count = CASE WHEN tier = $1 THEN below_count ELSE 0 END, \
           updated_at = $3 WHERE id = $4",
    )
    .bind(tier.as_str())
    .bind(quote.lifetime_spend_after_fen)
    .bind(now.to_rfc3339())
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(answer)
}

/// Marks a coupon used by an order; a coupon already used (by a concurrent order too)
/// is a conflict.
async fn use_coupon(
    tx: &mut Tx<'_>,
    member_id: &str,
    coupon_id: &str,
    order_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<(), ApiError> {
    let done = sqlx::query(
        "UPDATE coupons SET used_at = $1, used_order_id = $2 \
         WHERE id = $3 AND member_id = $4 AND used_at IS NULL",
    )
    .bind(now.to_rfc3339())
    .bind(order_id)
    .bind(coupon_id)
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(coupon_used_error())
    }
}

/// A whole-order refund gives back the order's coupon while it is still valid. (Compared
/// here, not in SQL: stored times are RFC 3339 text whose offsets may differ.)
async fn give_back_coupon(
    tx: &mut Tx<'_>,
    order_id: &str,
    now: &DateTime<FixedOffset>,
) -> Result<(), ApiError> {
    let rows = sqlx::query("SELECT id, valid_until FROM coupons WHERE used_order_id = $1")
        .bind(order_id)
        .fetch_all(&mut **tx)
        .await?;
    for row in rows {
        let (id, until): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let until = DateTime::parse_from_rfc3339(&until)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("coupon {id}: {e}")))?;
        if until > *now {
            sqlx::query("UPDATE coupons SET used_at = NULL, used_order_id = NULL WHERE id = $1")
                .bind(&id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn coupon_used_error() -> ApiError {
    ApiError::conflict(ErrorCode::CouponUsed, "the coupon has already been used")
}

async fn coupon_used(tx: &mut Tx<'_>, member_id: &str, coupon_id: &str) -> sqlx::Result<bool> {
    let used: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM coupons \
         WHERE id = $1 AND member_id = $2 AND used_at IS NOT NULL",
    )
    .bind(coupon_id)
    .bind(member_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(used > 0)
}

/// Records a refund of part or all of an order's earn base (see PROGRAM.md §2).
pub async fn record_refund(
    db: &Db,
    program: &Program,
    order_id: &str,
    req: &RefundRequest,
    now: &DateTime<FixedOffset>,
) -> Result<Recorded<RefundRecorded>, ApiError> {
    check_shop_id(&req.refund_id, ErrorCode::InvalidRefundId, "refund_id")?;
    if req.amount_fen <= 0 {
        return Err(ApiError::invalid(
            ErrorCode::InvalidAmount,
            "amount_fen must be positive",
        ));
    }
    let hash = request_hash(&(order_id, req));
    let member_id: String = sqlx::query_scalar("SELECT member_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| {
            ApiError::reject(
                StatusCode::NOT_FOUND,
                ErrorCode::OrderNotFound,
                "no such order",
            )
        })?;
    let mut tx = crate::db::begin_write(db).await?;
    // A deleted member's orders can still be refunded: lock the row whatever its state.
    sqlx::query("UPDATE members SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(&member_id)
        .execute(&mut *tx)
        .await?;
    if let Some(answer) = stored_answer(
        &mut *tx,
        "refunds",
        ErrorCode::RefundConflict,
        &req.refund_id,
        &[&hash],
    )
    .await?
    {
        return Ok(Recorded {
            answer,
            replayed: true,
        });
    }
    let answer = refund(&mut tx, program, order_id, &member_id, req, now, &hash).await?;
    tx.commit().await?;
    Ok(Recorded {
        answer,
        replayed: false,
    })
}

async fn refund(
    tx: &mut Tx<'_>,
    program: &Program,
    order_id: &str,
    member_id: &str,
    req: &RefundRequest,
    now: &DateTime<FixedOffset>,
    hash: &str,
) -> Result<RefundRecorded, ApiError> {
    let row = sqlx::query(
        "SELECT earn_base_fen, refunded_fen, refundable_points, points_used, \
           points_taken_back, points_returned FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?;
    let [base, refunded, refundable, used, taken, returned]: [i64; 6] = [
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
    ];
    if req.amount_fen > base - refunded {
        return Err(ApiError::invalid(
            ErrorCode::RefundExceedsOrder,
            format!(
                "at most {} fen of this order can still be refunded",
                base - refunded
            ),
        ));
    }
    ledger::expire_due(tx, program, member_id, now).await?;
    let total = refunded + req.amount_fen;
    let due = rules::ledger::refund_points(refundable, used, base, total);
    let source = Source {
        order_id: Some(order_id),
        refund_id: Some(&req.refund_id),
    };
    let take_back = due.taken_back - taken;
    let give_back = due.returned - returned;
    ledger::debit(
        tx,
        member_id,
        EntryKind::RefundTakeBack,
        take_back,
        now,
        source,
    )
    .await?;
    ledger::credit(
        tx,
        program,
        member_id,
        EntryKind::RefundReturn,
        give_back,
        now,
        source,
    )
    .await?;
    if total == base {
        give_back_coupon(tx, order_id, now).await?;
    }
    sqlx::query(
        "UPDATE orders SET refunded_fen = $1, points_taken_back = $2, points_returned = $3 \
         WHERE id = $4",
    )
    .bind(total)
    .bind(due.taken_back)
    .bind(due.returned)
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    let lifetime: i64 = sqlx::query_scalar(
        "UPDATE members SET lifetime_spend_fen = lifetime_spend_fen - $1, updated_at = $2 \
         WHERE id = $3 RETURNING lifetime_spend_fen",
    )
    .bind(req.amount_fen)
    .bind(now.to_rfc3339())
    .bind(member_id)
    .fetch_one(&mut **tx)
    .await?;
    // Milestones now above lifetime spend: their whole bonus goes back.
    let lost: Vec<(i64, i64)> = sqlx::query(
        "SELECT lifetime_spend_fen, points FROM milestones_held \
         WHERE member_id = $1 AND lifetime_spend_fen > $2",
    )
    .bind(member_id)
    .bind(lifetime)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let mut milestone_points = 0;
    for (threshold, points) in lost {
        milestone_points += points;
        ledger::debit(
            tx,
            member_id,
            EntryKind::MilestoneTakeBack,
            points,
            now,
            source,
        )
        .await?;
        sqlx::query("DELETE FROM milestones_held WHERE member_id = $1 AND lifetime_spend_fen = $2")
            .bind(member_id)
            .bind(threshold)
            .execute(&mut **tx)
            .await?;
    }
    let balance: i64 = sqlx::query_scalar("SELECT points_balance FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut **tx)
        .await?;
    let answer = RefundRecorded {
        refund_id: req.refund_id.clone(),
        order_id: order_id.to_owned(),
        amount_fen: req.amount_fen,
        refunded_fen: total,
        points_taken_back: take_back,
        points_returned: give_back,
        milestone_points_taken_back: milestone_points,
        points_balance_after: balance,
    };
    sqlx::query(
        "INSERT INTO refunds (id, order_id, request_sha256, amount_fen, response, at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&req.refund_id)
    .bind(order_id)
    .bind(hash)
    .bind(req.amount_fen)
    .bind(serde_json::to_string(&answer).map_err(anyhow::Error::from)?)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(answer)
}
