//! Everything stored about a member, as one JSON document (`GET /api/me/export`).

use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::coupons::stored_title as title;
use super::{ledger, members, Db};
use crate::clock::from_ms;
use chrono::{DateTime, FixedOffset};
use rules::Program;

/// The member's rows of a query (its `$1` is the member's id), each as JSON.
async fn rows(
    db: &Db,
    member_id: &str,
    sql: &str,
    to_json: impl Fn(&AnyRow) -> anyhow::Result<Value>,
) -> anyhow::Result<Vec<Value>> {
    sqlx::query(sql)
        .bind(member_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(to_json)
        .collect()
}

/// The member's data at `now`: who they are (with the balance as `/api/me` shows it),
/// orders, the ledger, coupons, check-ins, mall redemptions as answered, and invites
/// without the other member's id (their data). None for a member who is gone.
pub async fn document(
    db: &Db,
    program: &Program,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Option<Value>> {
    let offset = program.offset();
    let Some(member) = members::get(&mut &*db, member_id).await? else {
        return Ok(None);
    };
    let orders = rows(
        db,
        member_id,
        "SELECT id, paid_at_ms, earn_base_fen, payable_fen, refunded_fen, quote FROM orders \
         WHERE member_id = $1 ORDER BY paid_at_ms, id",
        |r| {
            let quote: String = r.try_get("quote")?;
            Ok(json!({
                "order_id": r.try_get::<String, _>("id")?,
                "paid_at": from_ms(r.try_get("paid_at_ms")?, offset),
                "earn_base_fen": r.try_get::<i64, _>("earn_base_fen")?,
                "payable_fen": r.try_get::<i64, _>("payable_fen")?,
                "refunded_fen": r.try_get::<i64, _>("refunded_fen")?,
                "quote": serde_json::from_str::<Value>(&quote)?,
            }))
        },
    )
    .await?;
    let coupons = rows(
        db,
        member_id,
        "SELECT id, kind, title, source, valid_from_ms, valid_until_ms, used_at_ms, title_en \
         FROM coupons WHERE member_id = $1 ORDER BY valid_until_ms, id",
        |r| {
            let kind: String = r.try_get("kind")?;
            Ok(json!({
                "id": r.try_get::<String, _>("id")?,
                "kind": serde_json::from_str::<Value>(&kind)?,
                "title": title(r.try_get("title")?, r.try_get("title_en")?),
                "source": r.try_get::<String, _>("source")?,
                "valid_from": from_ms(r.try_get("valid_from_ms")?, offset),
                "valid_until": from_ms(r.try_get("valid_until_ms")?, offset),
                "used_at": r
                    .try_get::<Option<i64>, _>("used_at_ms")?
                    .map(|at| from_ms(at, offset)),
            }))
        },
    )
    .await?;
    let checkins = rows(
        db,
        member_id,
        "SELECT local_date, streak_day, points FROM checkins WHERE member_id = $1 \
         ORDER BY local_date",
        |r| {
            Ok(json!({
                "date": r.try_get::<String, _>("local_date")?,
                "streak_day": r.try_get::<i64, _>("streak_day")?,
                "points": r.try_get::<i64, _>("points")?,
            }))
        },
    )
    .await?;
    // Redemptions as answered; invites without the other member's id (their data).
    let redemptions = rows(
        db,
        member_id,
        "SELECT response FROM mall_redemptions WHERE member_id = $1 ORDER BY at_ms, id",
        |r| Ok(serde_json::from_str(&r.try_get::<String, _>("response")?)?),
    )
    .await?;
    let invites = rows(
        db,
        member_id,
        "SELECT CASE WHEN inviter_id = $1 THEN 'inviter' ELSE 'invitee' END AS side, year, \
           CAST(CASE WHEN rewarded THEN 1 ELSE 0 END AS BIGINT) AS rewarded, at_ms \
         FROM invites \
         WHERE inviter_id = $1 OR invitee_id = $1 ORDER BY at_ms, invitee_id",
        |r| {
            Ok(json!({
                "as": r.try_get::<String, _>("side")?,
                "year": r.try_get::<i64, _>("year")?,
                "inviter_rewarded": r.try_get::<i64, _>("rewarded")? != 0,
                "at": from_ms(r.try_get("at_ms")?, offset),
            }))
        },
    )
    .await?;
    // Where they joined, when a store's QR code brought them (`/join?store=`).
    let joined = rows(
        db,
        member_id,
        "SELECT joined_store, joined_via, joined_at_ms FROM members \
         WHERE id = $1 AND joined_store IS NOT NULL",
        |r| {
            Ok(json!({
                "store": r.try_get::<String, _>("joined_store")?,
                "via": r.try_get::<String, _>("joined_via")?,
                "at": from_ms(r.try_get("joined_at_ms")?, offset),
            }))
        },
    )
    .await?
    .pop();
    let ledger: Vec<_> = ledger::entries(db, program, member_id, None, None, i64::MAX)
        .await?
        .into_iter()
        .map(|row| row.entry)
        .collect();
    // The balance as /api/me shows it: expiry the job has not recorded yet is applied on
    // read here too.
    let expired = ledger::expired_unrecorded(db, member_id, crate::clock::ms(now)).await?;
    Ok(Some(json!({
        "exported_at": now.with_timezone(&offset),
        "member": {
            "id": member.id,
            "phone": member.phone,
            "nickname": member.nickname,
            "role": member.role,
            "locale": member.locale,
            "birthday": member.birthday,
            "tier": member.tier,
            "lifetime_spend_fen": member.lifetime_spend_fen,
            "points_balance": member.points_balance - expired,
            "registered_at": from_ms(member.created_at_ms, offset),
            "joined": joined,
            "privacy_consent": {
                "version": member.consent_version,
                "at": member.consent_at_ms.map(|at| from_ms(at, offset)),
            },
        },
        "orders": orders,
        "points_ledger": ledger,
        "coupons": coupons,
        "checkins": checkins,
        "mall_redemptions": redemptions,
        "invites": invites,
    })))
}
