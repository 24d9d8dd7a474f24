//! `member-center backup --to FILE` and `restore --from FILE`: a consistent copy of the
//! database while the server runs and writes, and that copy put back into an empty
//! database, then checked.
//!
//! - SQLite: `VACUUM INTO` writes a compacted copy from one read transaction (writers go
//!   on; the copy is the database as of its start). Restoring copies the file into
//!   place (no server may be running on it) and runs the migrations a newer binary has.
//! - PostgreSQL: `pg_dump --format=custom` (a snapshot of its own) and `pg_restore`,
//!   from the machine's PostgreSQL client tools (their major version at least the
//!   server's). A database URL that sets a `search_path` (one schema of a shared
//!   database) dumps that schema only.
//!
//! After a restore (and on demand, `check`): SQLite's `integrity_check`, and every
//! member's points balance equal to the sum of their ledger.

use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use anyhow::{bail, ensure, Context};
use serde::Serialize;
use sqlx::sqlite::SqliteConnectOptions;

use crate::db::{self, Backend, Db};

/// What a check of a database found.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Check {
    pub members: i64,
    /// Members whose stored balance is not the sum of their ledger (none when sound).
    pub balance_mismatches: Vec<String>,
}

/// Writes a consistent copy of the database at `url` to `to` (which must not exist).
pub async fn backup(url: &str, to: &Path) -> anyhow::Result<()> {
    ensure!(
        !to.exists(),
        "{} exists: a backup never overwrites",
        to.display()
    );
    match Backend::of_url(url)? {
        Backend::Sqlite => {
            let db = db::connect(url).await?;
            let target = to.to_str().context("the backup's path must be UTF-8")?;
            sqlx::query(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
                .execute(&db)
                .await
                .context("VACUUM INTO")?;
            db.close().await;
            Ok(())
        }
        Backend::Postgres => {
            let mut dump = Command::new("pg_dump");
            dump.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(to);
            if let Some(schema) = search_path(url) {
                dump.arg(format!("--schema={schema}"));
            }
            run(dump.arg(format!("--dbname={url}")), "pg_dump")
        }
    }
}

/// Puts the backup `from` into the database at `url`, which must be empty unless
/// `replace`; migrates it to this binary's schema and checks it.
pub async fn restore(url: &str, from: &Path, replace: bool) -> anyhow::Result<Check> {
    ensure!(from.is_file(), "no backup at {}", from.display());
    match Backend::of_url(url)? {
        Backend::Sqlite => {
            let options = SqliteConnectOptions::from_str(url)?;
            let path = options.get_filename().to_path_buf();
            if path.exists() && !replace {
                let db = db::connect(url).await?;
                let holds = has_schema(&db).await?;
                db.close().await;
                ensure!(
                    !holds,
                    "{} already holds a database: restore into an empty one, or pass --replace \
                     (with no server running on it)",
                    path.display()
                );
            }
            // Into place in one rename, the old journal files gone with the old database.
            let partial = path.with_extension("restoring");
            std::fs::copy(from, &partial)
                .with_context(|| format!("cannot copy {} into place", from.display()))?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::rename(&partial, &path)?;
        }
        Backend::Postgres => {
            let db = db::connect(url).await?;
            let holds = has_schema(&db).await?;
            db.close().await;
            ensure!(
                !holds || replace,
                "the database already holds the member center's tables: restore into an \
                 empty one, or pass --replace"
            );
            let mut load = Command::new("pg_restore");
            load.args(["--no-owner", "--no-privileges", "--exit-on-error"]);
            if holds {
                load.args(["--clean", "--if-exists"]);
            }
            run(load.arg(format!("--dbname={url}")).arg(from), "pg_restore")?;
        }
    }
    let db = db::connect(url).await?;
    db::migrate(&db).await?;
    let found = check(&db).await?;
    db.close().await;
    Ok(found)
}

/// The database's soundness: SQLite's own check, and the ledger against the balances.
pub async fn check(db: &Db) -> anyhow::Result<Check> {
    if db::backend(db) == Backend::Sqlite {
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(db)
            .await?;
        ensure!(verdict == "ok", "SQLite's integrity check: {verdict}");
    }
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(db)
        .await?;
    let balance_mismatches = sqlx::query_scalar(
        "SELECT m.id FROM members m \
         LEFT JOIN (SELECT member_id, CAST(SUM(points) AS BIGINT) AS total FROM points_ledger \
                    GROUP BY member_id) l ON l.member_id = m.id \
         WHERE m.points_balance <> COALESCE(l.total, 0) ORDER BY m.id",
    )
    .fetch_all(db)
    .await?;
    Ok(Check {
        members,
        balance_mismatches,
    })
}

async fn has_schema(db: &Db) -> anyhow::Result<bool> {
    // The migrations' own table: a database this server (or its backup) made.
    Ok(sqlx::query("SELECT 1 FROM _sqlx_migrations LIMIT 1")
        .fetch_optional(db)
        .await
        .is_ok())
}

/// The schema a PostgreSQL URL's `options=-c search_path=…` names.
fn search_path(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    let options = url
        .query_pairs()
        .find_map(|(k, v)| (k == "options").then_some(v))?;
    let at = options.find("search_path=")? + "search_path=".len();
    let schema: String = options[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!schema.is_empty()).then_some(schema)
}

fn run(command: &mut Command, name: &str) -> anyhow::Result<()> {
    let out = command.output().with_context(|| {
        format!("cannot run {name}: install PostgreSQL's client tools (postgresql-client)")
    })?;
    if !out.status.success() {
        bail!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_of_a_search_path_url_is_found() {
        assert_eq!(
            search_path("postgres://u:p@h/db?options=-c%20search_path%3Dt_abc_1").as_deref(),
            Some("t_abc_1")
        );
        assert_eq!(search_path("postgres://u:p@h/db"), None);
    }
}

/// `serve --backup-dir`: a backup a day, after `at` local time, by one server of the
/// database at a time (the `backup` lease), the newest `keep` kept.
#[derive(Debug, Clone)]
pub struct Nightly {
    pub dir: std::path::PathBuf,
    pub keep: usize,
    pub at: chrono::NaiveTime,
}

/// The day's backup file in `dir`.
fn file_of(dir: &Path, day: chrono::NaiveDate) -> std::path::PathBuf {
    dir.join(format!("member-center-{day}.backup"))
}

impl Nightly {
    /// Takes the day's backup if due and not yet there, then forgets the oldest beyond
    /// `keep`; the file written, if any.
    pub async fn tick(
        &self,
        url: &str,
        db: &Db,
        program: &rules::Program,
        holder: &str,
        now: &chrono::DateTime<chrono::FixedOffset>,
    ) -> anyhow::Result<Option<std::path::PathBuf>> {
        let local = now.with_timezone(&program.offset());
        let file = file_of(&self.dir, local.date_naive());
        if local.time() < self.at || file.exists() {
            return Ok(None);
        }
        // Before the lease: a folder that cannot be made must not keep the lease held.
        std::fs::create_dir_all(&self.dir)?;
        let now_ms = crate::clock::ms(now);
        let until = now_ms + 6 * 3_600_000;
        if !db::jobs::take_lease(db, "backup", holder, now_ms, until).await? {
            return Ok(None);
        }
        // Written aside, then renamed: a file named for the day is always whole.
        let partial = self
            .dir
            .join(format!(".member-center-{}.partial", local.date_naive()));
        let _ = std::fs::remove_file(&partial);
        let outcome = backup(url, &partial).await;
        let outcome = outcome.and_then(|()| Ok(std::fs::rename(&partial, &file)?));
        db::jobs::release_lease(db, "backup", holder).await?;
        metrics::counter!("backups_total", "outcome" => if outcome.is_ok() { "ok" } else { "failed" })
            .increment(1);
        outcome?;
        self.forget_old()?;
        Ok(Some(file))
    }

    fn forget_old(&self) -> anyhow::Result<()> {
        let mut taken: Vec<_> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with("member-center-") && name.ends_with(".backup")
            })
            .collect();
        // The names sort by day.
        taken.sort();
        let excess = taken.len().saturating_sub(self.keep);
        for old in &taken[..excess] {
            std::fs::remove_file(old)?;
        }
        Ok(())
    }
}
