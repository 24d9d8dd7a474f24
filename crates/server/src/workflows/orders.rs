//! Recording an order from the shop, in one transaction: the quote the server computes
//! itself from the member's state as stored, the ledger entries, the coupon used, the
//! milestones reached, the spend and tier. Idempotent by the shop's order id: the same
//! order again answers the stored answer; the same id with another order is refused.

pub mod group_commit;

use chrono::{DateTime, Days, FixedOffset};
use rules::quote::{Cart, CartLine, CouponChoice, PointsChoice, QuoteInput, QuoteOptions};
use rules::{Fen, Program, Quote, QuoteError};
use serde::Serialize;

use super::{is_client_id, replay, request_hash, Failure, MemberNamed, Outcome};
use super::{Record, Recorded, Refusal, ShopId};
use crate::clock::ms;
use crate::crypto::random_token;
use crate::db::answers::{self, AnswerTable};
use crate::db::auth::api_key_is_live;
use crate::db::exec::Exec;
use crate::db::ledger::{self, EntryKind, Source};
use crate::db::members::{self, MemberRow, WalletCoupon};
use crate::db::orders::{self, HeldMilestone, NewOrder};
use crate::db::{coupons, is_unique_violation, tier_changes, Db};
use crate::workflows::phone::Phone;

pub use contract::orders::{OrderRecorded, OrderRequest};

/// How far a paid time may be ahead of the server's clock (clock skew), and how old.
const PAID_AT_SKEW_MINUTES: i64 = 5;
const PAID_AT_MAX_AGE_DAYS: u64 = 30;

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
    shipping_fen: Fen,
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

/// An order request whose fields are well-formed, before anything is read: its paid time
/// and phone parsed, its hashes taken.
pub struct ParsedOrder {
    req: OrderRequest,
    /// The id of the shop's API key that sent it.
    shop_key_id: String,
    phone: Option<Phone>,
    paid_at: DateTime<FixedOffset>,
    /// [`order_hashes`]: the first is stored with the order.
    hashes: [String; 2],
}

/// An order that passed every check that needs no write, its member found: ready to
/// be written in a transaction (its own, or a batch's: [`group_commit`]).
pub struct CheckedOrder<'a> {
    order: &'a ParsedOrder,
    member_id: String,
}

/// What [`admit`] found: the stored answer of a replay, or an order to write.
pub enum Checked<'a> {
    /// Boxed: a replay is rare, and its answer ten times an order's checks.
    Replayed(Box<Recorded<OrderRecorded>>),
    Ready(CheckedOrder<'a>),
}

/// The checks that read nothing: on the request's thread, before the order waits for
/// a writer. `shop_key_id`: the API key that sent it, checked again by [`admit`].
pub fn parse(req: OrderRequest, shop_key_id: String) -> Outcome<ParsedOrder> {
    if !is_client_id(&req.order_id) {
        return Err(Refusal::InvalidShopId(ShopId::Order).into());
    }
    let paid_at = DateTime::parse_from_rfc3339(&req.paid_at).map_err(|_| Refusal::InvalidPaidAt)?;
    let phone = req.phone.as_deref().map(Phone::parse).transpose()?;
    let hashes = order_hashes(&req, phone.as_ref(), &paid_at);
    Ok(ParsedOrder {
        req,
        shop_key_id,
        phone,
        paid_at,
        hashes,
    })
}

/// The checks that read: the shop's key still live (a key revoked since the request came
/// in records nothing: on SQLite this runs in the transaction that records the order, on
/// PostgreSQL just before it), a replay's stored answer, the paid time against `now` (the
/// server's clock), the member. Only reads: a refusal here has nothing to undo.
pub async fn admit<'a>(
    db: &mut impl Exec,
    order: &'a ParsedOrder,
    now: &DateTime<FixedOffset>,
) -> Outcome<Checked<'a>> {
    let ParsedOrder {
        req,
        shop_key_id,
        phone,
        paid_at,
        hashes,
    } = order;
    if !api_key_is_live(db, shop_key_id).await? {
        return Err(Refusal::ApiKeyRevoked.into());
    }
    // A replay gets the stored answer before anything about today is checked: the member
    // may have deleted their account since, the paid time may be older than 30 days now.
    let stored = answers::stored(db, AnswerTable::Orders, &req.order_id).await?;
    let accepted = [hashes[0].as_str(), hashes[1].as_str()];
    if let Some(replayed) = replay(stored, Record::Order, &req.order_id, &accepted)? {
        return Ok(Checked::Replayed(Box::new(replayed)));
    }
    let earliest = *now - Days::new(PAID_AT_MAX_AGE_DAYS);
    let latest = *now + chrono::Duration::minutes(PAID_AT_SKEW_MINUTES);
    if *paid_at < earliest || *paid_at > latest {
        return Err(Refusal::PaidAtOutOfRange {
            max_age_days: PAID_AT_MAX_AGE_DAYS,
        }
        .into());
    }
    let member_id = MemberNamed::of(req.member_id.as_deref(), phone.as_ref())?
        .resolve(db)
        .await?;
    Ok(Checked::Ready(CheckedOrder { order, member_id }))
}

/// Records an order in a transaction of its own: on PostgreSQL, whose row locks let the
/// orders of different members commit side by side. (SQLite has one writer: orders go
/// through [`group_commit::OrderWriter`] there.)
pub async fn record_order(
    db: &Db,
    program: &Program,
    parsed: ParsedOrder,
    now: &DateTime<FixedOffset>,
) -> Outcome<Recorded<OrderRecorded>> {
    let order = match admit(&mut &*db, &parsed, now).await? {
        Checked::Replayed(replayed) => return Ok(*replayed),
        Checked::Ready(order) => order,
    };
    // A concurrent first insert of the same id by another member path loses the race with
    // a unique violation; the retry then finds the stored order.
    for _ in 0..2 {
        let mut tx = crate::db::begin_write(db).await?;
        match write(&mut tx, program, &order, now, ChecksRan::Before).await {
            Ok(recorded) => {
                if !recorded.replayed {
                    tx.commit().await?;
                }
                return Ok(recorded);
            }
            Err(Failure::Storage(e)) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Refusal::RecordedConcurrently.into())
}

/// Where an order's checks that read ran, and so whether its id may have been recorded
/// since.
#[derive(Clone, Copy)]
enum ChecksRan {
    /// Before its transaction, beside other writers (PostgreSQL): the id is looked up
    /// again once the member is locked.
    Before,
    /// In its transaction, with no writer beside it (SQLite's one writer:
    /// [`group_commit`]): nothing can have been recorded since.
    InItsTransaction,
}

/// Writes a checked order in `tx`; the caller commits unless the answer is a replay.
/// The member's lock comes first: an order of the same id recorded since the checks (by
/// a concurrent request) is found after it, and answered as a replay.
async fn write(
    tx: &mut impl Exec,
    program: &Program,
    order: &CheckedOrder<'_>,
    now: &DateTime<FixedOffset>,
    checks: ChecksRan,
) -> Outcome<Recorded<OrderRecorded>> {
    let Some(member) = members::lock(tx, &order.member_id).await? else {
        return Err(Refusal::MemberNotFound.into());
    };
    let ParsedOrder {
        req,
        paid_at,
        hashes,
        ..
    } = order.order;
    if let ChecksRan::Before = checks {
        let id = req.order_id.as_str();
        let stored = answers::stored(tx, AnswerTable::Orders, id).await?;
        let accepted = [hashes[0].as_str(), hashes[1].as_str()];
        if let Some(replayed) = replay(stored, Record::Order, id, &accepted)? {
            return Ok(replayed);
        }
    }
    let answer = charge(tx, program, req, member, paid_at, now, &hashes[0]).await?;
    Ok(Recorded::new(answer))
}

/// Prices the order with the member's state as the server holds it (`member`, as locked)
/// and records it all.
async fn charge(
    tx: &mut impl Exec,
    program: &Program,
    req: &OrderRequest,
    member: MemberRow,
    paid_at: &DateTime<FixedOffset>,
    now: &DateTime<FixedOffset>,
    hash: &str,
) -> Outcome<OrderRecorded> {
    let member = if ledger::expire_due(tx, program, &member.id, now).await? {
        // Its balance moved: read again.
        members::get(tx, &member.id)
            .await?
            .ok_or(Refusal::MemberNotFound)?
    } else {
        member
    };
    let member_id = member.id.as_str();
    // Upgrades are immediate and follow the trailing spend as soon as it is known: an order
    // reported late (paid before orders already recorded) may make today's trailing spend
    // reach a tier that its own quote, priced as of its paid time, did not see.
    let as_of = (*now).max(*paid_at);
    let (quote, spend_before) = price(tx, program, req, &member, paid_at, &as_of).await?;
    let answer = OrderRecorded {
        order_id: req.order_id.clone(),
        member_id: member_id.to_owned(),
        paid_at: *paid_at,
        quote: quote.clone(),
    };
    let p = &quote.points;
    let order = NewOrder {
        id: &req.order_id,
        member_id,
        request_sha256: hash,
        paid_at_ms: ms(paid_at),
        earn_base_fen: quote.earn_base_fen,
        payable_fen: quote.payable_fen,
        refundable_points: p.tier_points + p.campaign_bonus + p.order_bonus,
        points_used: quote.points_used,
        coupon_id: quote.coupon.as_ref().map(|c| c.id.as_str()),
        quote_json: serde_json::to_string(&quote).map_err(anyhow::Error::from)?,
        response_json: serde_json::to_string(&answer).map_err(anyhow::Error::from)?,
        received_at_ms: ms(now),
    };
    orders::insert(tx, &order).await?;
    let source = Source {
        order_id: Some(&req.order_id),
        refund_id: None,
        redemption_id: None,
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
    let crossed = program
        .points
        .milestones_crossed(member.lifetime_spend_fen, quote.lifetime_spend_after_fen);
    for m in crossed {
        let held = HeldMilestone {
            lifetime_spend_fen: m.lifetime_spend_fen,
            points: m.points,
        };
        orders::hold_milestone(tx, member_id, &held).await?;
    }
    if let Some(applied) = &quote.coupon {
        if !coupons::mark_used(tx, member_id, &applied.id, &req.order_id, now).await? {
            return Err(Refusal::CouponUsed.into());
        }
    }
    for award in &quote.coupons_awarded {
        let award_rules = &program.first_order_award;
        let coupon = WalletCoupon {
            coupon: rules::Coupon {
                id: format!("c_{}", random_token(12)),
                kind: award.kind.clone(),
                valid_from: *paid_at,
                valid_until: *paid_at + Days::new(award_rules.valid_days as u64),
                first_order_only: false,
            },
            title: award_rules.title.clone(),
            source: award.source,
        };
        members::insert_coupon(tx, member_id, &coupon, now).await?;
    }
    // The order is in the year up to `as_of`: paid before it, and at most 30 days before
    // the server's time (`check`).
    let spend_now = spend_before + quote.earn_base_fen;
    let tier = program.tiers.after(&quote.tier_after, spend_now);
    let lifetime = quote.lifetime_spend_after_fen;
    members::after_order(tx, member_id, &tier, lifetime, ms(paid_at), now).await?;
    let cause = tier_changes::Cause::Order(&req.order_id);
    tier_changes::record(tx, member_id, &member.tier, &tier, cause, ms(now)).await?;
    Ok(answer)
}

/// The quote for the order on the member's snapshot at its paid time, and the member's
/// trailing spend at `as_of` before the order.
async fn price(
    tx: &mut impl Exec,
    program: &Program,
    req: &OrderRequest,
    member: &MemberRow,
    paid_at: &DateTime<FixedOffset>,
    as_of: &DateTime<FixedOffset>,
) -> Outcome<(Quote, Fen)> {
    let named = match &req.coupon {
        CouponChoice::Id(id) => Some(id.as_str()),
        _ => None,
    };
    let (sums, spend_before) = members::sums_and_spend_at(tx, &member.id, paid_at, as_of).await?;
    let unused = members::unused_coupons(tx, &member.id, program.offset()).await?;
    let snapshot =
        crate::reads::snapshot::snapshot_of(program, member, paid_at, named, &sums, unused);
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
    match rules::quote(program, &input) {
        // The snapshot holds unused coupons only: one named that this member has used
        // (by an order that won a race for it, say) is `coupon_used`, not unknown.
        Err(QuoteError::CouponNotFound) => match named {
            Some(id) if coupons::is_used(tx, &member.id, id).await? => {
                Err(Refusal::CouponUsed.into())
            }
            _ => Err(QuoteError::CouponNotFound.into()),
        },
        answer => Ok((answer?, spend_before)),
    }
}
