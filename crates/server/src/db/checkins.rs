//! Check-ins in storage: one row per member and local day, and the member's last check-in
//! and streak day on their row (what the next check-in is decided from).

use chrono::NaiveDate;
use rules::Points;

use super::Tx;

/// Records a check-in on `date` as day `streak_day` of the streak.
pub async fn record(
    tx: &mut Tx<'_>,
    member_id: &str,
    date: NaiveDate,
    streak_day: u32,
    points: Points,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO checkins (member_id, local_date, streak_day, points) VALUES ($1, $2, $3, $4)",
    )
    .bind(member_id)
    .bind(date.to_string())
    .bind(i64::from(streak_day))
    .bind(points)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE members SET checkin_date = $1, checkin_streak = $2 WHERE id = $3")
        .bind(date.to_string())
        .bind(i64::from(streak_day))
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
