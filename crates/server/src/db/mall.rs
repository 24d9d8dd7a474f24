//! The points mall in storage: units sold per item (`mall_stock`, taken by a conditional
//! UPDATE so that stock holds under concurrent redemptions) and redemptions, each stored
//! with its answer under the member's Idempotency-Key.

use rules::Points;

use super::Tx;

/// Units of an item sold so far, to anyone.
pub async fn sold(conn: &mut sqlx::AnyConnection, item_id: &str) -> sqlx::Result<i64> {
    let sold: Option<i64> = sqlx::query_scalar("SELECT sold FROM mall_stock WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(sold.unwrap_or(0))
}

/// Units of an item a member redeemed from `since_ms` on.
pub async fn redeemed_since(
    conn: &mut sqlx::AnyConnection,
    member_id: &str,
    item_id: &str,
    since_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM mall_redemptions \
         WHERE member_id = $1 AND item_id = $2 AND at_ms >= $3",
    )
    .bind(member_id)
    .bind(item_id)
    .bind(since_ms)
    .fetch_one(&mut *conn)
    .await
}

/// Takes one unit of an item with this much stock; false when none is left. A read of
/// `sold` before may be stale (PostgreSQL, read committed): this UPDATE is what decides,
/// re-checked under the row's lock.
pub async fn take_unit(tx: &mut Tx<'_>, item_id: &str, stock: i64) -> sqlx::Result<bool> {
    sqlx::query("INSERT INTO mall_stock (item_id, sold) VALUES ($1, 0) ON CONFLICT DO NOTHING")
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    let taken =
        sqlx::query("UPDATE mall_stock SET sold = sold + 1 WHERE item_id = $1 AND sold < $2")
            .bind(item_id)
            .bind(stock)
            .execute(&mut **tx)
            .await?;
    Ok(taken.rows_affected() == 1)
}

/// A redemption as recorded.
pub struct NewRedemption<'a> {
    /// `member_id:idempotency_key`.
    pub id: &'a str,
    pub member_id: &'a str,
    pub item_id: &'a str,
    pub request_sha256: &'a str,
    pub points: Points,
    pub coupon_id: Option<&'a str>,
    pub response_json: String,
    pub at_ms: i64,
}

pub async fn insert_redemption(tx: &mut Tx<'_>, r: &NewRedemption<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO mall_redemptions (id, member_id, item_id, request_sha256, points, \
           coupon_id, response, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.id)
    .bind(r.member_id)
    .bind(r.item_id)
    .bind(r.request_sha256)
    .bind(r.points)
    .bind(r.coupon_id)
    .bind(&r.response_json)
    .bind(r.at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
