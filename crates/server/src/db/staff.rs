//! Staff actions, each audited: granting a coupon from the program's staff menu. The audit
//! row is written in the grant's transaction and doubles as its idempotency record.

use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
pub use contract::staff::{GrantRequest, Granted};
use rules::Program;
use serde_json::json;

use super::coupons::issue;
use super::mall::check_key;
use super::orders::{request_hash, stored_answer, Recorded};
use super::{lock_member, members, Db};
use crate::clock::ms;
use crate::error::ApiError;
use crate::phone::Phone;
use contract::ErrorCode;

const REASON_MAX_CHARS: usize = 200;

fn member_not_found() -> ApiError {
    ApiError::invalid(ErrorCode::MemberNotFound, "no member with that id or phone")
}

pub async fn grant_coupon(
    db: &Db,
    program: &Program,
    actor: &str,
    key: &str,
    req: &GrantRequest,
    now: &DateTime<FixedOffset>,
) -> Result<Recorded<Granted>, ApiError> {
    check_key(key)?;
    let grant = program
        .coupon_issuance
        .staff
        .iter()
        .find(|g| g.id == req.grant_id)
        .ok_or_else(|| {
            ApiError::reject(
                StatusCode::NOT_FOUND,
                ErrorCode::GrantNotFound,
                "no staff grant with that id",
            )
        })?;
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(ApiError::invalid(
            ErrorCode::ReasonRequired,
            format!("a reason of 1 to {REASON_MAX_CHARS} characters is required"),
        ));
    }
    let member_id = match (&req.member_id, &req.phone) {
        (Some(id), None) => id.clone(),
        (None, Some(phone)) => members::id_by_phone(db, Phone::parse(phone)?.as_str())
            .await?
            .ok_or_else(member_not_found)?,
        _ => {
            return Err(ApiError::invalid(
                ErrorCode::InvalidMember,
                "name the member by exactly one of member_id and phone",
            ))
        }
    };
    let hash = request_hash(req);
    let id = format!("{actor}:{key}");
    let mut tx = crate::db::begin_write(db).await?;
    if !lock_member(&mut tx, &member_id).await? {
        return Err(member_not_found());
    }
    let conflict = ErrorCode::IdempotencyConflict;
    if let Some(answer) = stored_answer(&mut *tx, "audit_log", conflict, &id, &[&hash]).await? {
        return Ok(Recorded {
            answer,
            replayed: true,
        });
    }
    let issue_key = format!("staff:{id}");
    let coupon_id = issue(
        &mut tx,
        program,
        &member_id,
        &grant.title,
        &grant.coupon,
        rules::coupon::CouponSource::Staff,
        &issue_key,
        now,
    )
    .await?
    .ok_or_else(|| ApiError::conflict(conflict, "this grant was already issued"))?;
    let answer = Granted {
        member_id: member_id.clone(),
        grant_id: grant.id.clone(),
        coupon_id: coupon_id.clone(),
        reason: reason.to_owned(),
        granted_by: actor.to_owned(),
        at: *now,
    };
    let detail = json!({ "grant_id": grant.id, "reason": reason, "coupon_id": coupon_id });
    sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, member_id, request_sha256, detail, \
           response, at_ms) VALUES ($1, $2, 'coupon_grant', $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(actor)
    .bind(&member_id)
    .bind(&hash)
    .bind(detail.to_string())
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
