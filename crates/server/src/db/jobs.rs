//! The jobs' lease and their runs' record (`leases`, `job_runs`).

use super::Db;
use crate::crypto::random_token;

/// Takes the lease `name` for `holder` until `until_ms`, or renews it: granted when free,
/// expired (before `now_ms`) or already the holder's. One statement, so two servers
/// asking at once cannot both get it.
pub async fn take_lease(
    db: &Db,
    name: &str,
    holder: &str,
    now_ms: i64,
    until_ms: i64,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO leases (name, holder, expires_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
           expires_at_ms = excluded.expires_at_ms \
         WHERE leases.holder = excluded.holder OR leases.expires_at_ms < $4",
    )
    .bind(name)
    .bind(holder)
    .bind(until_ms)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease back (if still held by `holder`), so another server need not wait for
/// it to expire.
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE leases SET expires_at_ms = 0 WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(db)
        .await?;
    Ok(())
}

/// One run of the jobs for a day, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRun {
    pub day: String,
    pub holder: String,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub report: Option<String>,
    pub error: Option<String>,
}

pub async fn record_run(db: &Db, run: &JobRun) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO job_runs (id, day, holder, started_at_ms, duration_ms, report, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(random_token(12))
    .bind(&run.day)
    .bind(&run.holder)
    .bind(run.started_at_ms)
    .bind(run.duration_ms)
    .bind(&run.report)
    .bind(&run.error)
    .execute(db)
    .await?;
    Ok(())
}

/// The latest day whose jobs ran without an error (`YYYY-MM-DD`).
pub async fn last_done_day(db: &Db) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT MAX(day) FROM job_runs WHERE error IS NULL")
            .fetch_one(db)
            .await?,
    )
}

/// The latest `limit` runs, newest first.
pub async fn latest_runs(db: &Db, limit: i64) -> anyhow::Result<Vec<JobRun>> {
    Ok(sqlx::query_as(
        "SELECT day, holder, started_at_ms, duration_ms, report, error FROM job_runs \
         ORDER BY started_at_ms DESC, day DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}
