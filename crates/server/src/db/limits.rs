//! The counters behind the login and guessing limits (`workflows::limits`): in the
//! database, so that every server on it counts the same hits.

use super::Db;

/// Counts one hit of `key` in the fixed window of `window_ms` that holds `now_ms`: the
/// hits in that window so far (this one included) and when the window ends. One
/// statement, so concurrent hits from any number of servers are all counted.
pub async fn hit(db: &Db, key: &str, window_ms: i64, now_ms: i64) -> sqlx::Result<(i64, i64)> {
    let start = now_ms - now_ms.rem_euclid(window_ms);
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_counts AS r (key, window_start_ms, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key, window_start_ms) DO UPDATE SET hits = r.hits + 1 \
         RETURNING hits",
    )
    .bind(key)
    .bind(start)
    .fetch_one(db)
    .await?;
    Ok((hits, start + window_ms))
}

/// Forgets the windows that ended before `before_ms` (the daily jobs).
pub async fn prune(db: &Db, before_ms: i64) -> sqlx::Result<u64> {
    // A window starts at most a day before it ends (the longest limit is per day).
    let done = sqlx::query("DELETE FROM rate_counts WHERE window_start_ms < $1")
        .bind(before_ms - 24 * 3_600_000)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
