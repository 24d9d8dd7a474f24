//! The days members were active (`member_days`): a sign-in, a check-in or a mall
//! redemption notes the member's local day, once. The console's active members are these
//! and the members with an order (read from the orders).

use chrono::NaiveDate;

use super::Tx;

/// Notes that the member was active on `day`, in the transaction of what they did.
pub async fn note(tx: &mut Tx<'_>, member_id: &str, day: NaiveDate) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO member_days (day, member_id) VALUES ($1, $2) \
         ON CONFLICT (day, member_id) DO NOTHING",
    )
    .bind(day.to_string())
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
