//! `GET /api/me/coupons?status=available|used|expired`: the wallet. Status is derived from
//! now exactly as the home screen's counts are: used (by an order), expired (unused and
//! past validity), available (the rest, not-yet-valid ones included). Without `status`,
//! every coupon. Sorted by what expires first (then id).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::DateTime;
use sqlx::Row as _;

use crate::auth::AuthMember;
use crate::db::coupons::stored_title as title;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::AppState;
pub use contract::coupons::{CouponSource, Wallet, WalletCoupon, WalletQuery};
use contract::ErrorCode;
use rules::coupon::coupon_status;

fn bad_status() -> ApiError {
    ApiError::reject(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidStatus,
        "status is `available`, `used` or `expired`",
    )
}

pub async fn get(
    State(state): State<AppState>,
    me: AuthMember,
    query: Result<ApiQuery<WalletQuery>, ApiError>,
) -> Result<Json<Wallet>, ApiError> {
    let ApiQuery(q) = query.map_err(|e| match e.code() {
        ErrorCode::InvalidCharacters => e,
        _ => bad_status(),
    })?;
    let wanted = q.status;
    let now = state.clock.now();
    let rows = sqlx::query(
        "SELECT id, kind, title, source, valid_from, valid_until, \
           CAST(CASE WHEN first_order_only THEN 1 ELSE 0 END AS BIGINT), used_at, used_order_id, \
           title_en \
         FROM coupons WHERE member_id = $1",
    )
    .bind(&me.id)
    .fetch_all(&state.db)
    .await?;
    let mut coupons = vec![];
    for r in rows {
        let id: String = r.try_get(0)?;
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            ApiError::Internal(anyhow::anyhow!("coupon {id}: {what}: {e}"))
        };
        let time = |text: String| DateTime::parse_from_rfc3339(&text).map_err(|e| bad("time", &e));
        let kind: String = r.try_get(1)?;
        let kind = serde_json::from_str(&kind).map_err(|e| bad("kind", &e))?;
        let valid_until = time(r.try_get(5)?)?;
        let used_at = r.try_get::<Option<String>, _>(7)?.map(time).transpose()?;
        let status = coupon_status(used_at.is_some(), &valid_until, &now);
        if wanted.is_some_and(|w| w != status) {
            continue;
        }
        let source: String = r.try_get(3)?;
        let source = CouponSource::parse(&source).ok_or_else(|| bad("source", &source))?;
        coupons.push(WalletCoupon {
            kind,
            title: title(r.try_get(2)?, r.try_get(9)?),
            source,
            valid_from: time(r.try_get(4)?)?,
            valid_until,
            first_order_only: r.try_get::<i64, _>(6)? != 0,
            status,
            used_at,
            used_order_id: r.try_get(8)?,
            id,
        });
    }
    coupons.sort_by(|a, b| (a.valid_until, &a.id).cmp(&(b.valid_until, &b.id)));
    Ok(Json(Wallet { coupons }))
}
