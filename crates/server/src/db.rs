//! Storage: SQLite through sqlx's runtime query API (no compile-time `query!`, so builds
//! need no database; PostgreSQL comes later with the same schema).

pub mod members;

use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub type Db = SqlitePool;

/// `crates/server/migrations`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Opens (creating if missing) the database at `url` (`sqlite://path` or `sqlite::memory:`).
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    if !url.starts_with("sqlite:") {
        bail!("unsupported database URL `{url}`: only sqlite:// is supported for now");
    }
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL `{url}`"))?
        .create_if_missing(true)
        // WAL: readers don't block the writer; NORMAL is durable enough with WAL.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // A writer waits for another instead of failing at once with SQLITE_BUSY.
        .busy_timeout(Duration::from_secs(5));
    // Each connection to `sqlite::memory:` is a database of its own: one connection, kept.
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool = if in_memory {
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        SqlitePoolOptions::new().max_connections(8)
    };
    pool.connect_with(options)
        .await
        .with_context(|| format!("cannot open the database `{url}`"))
}

/// Brings the schema up to date; a failed migration stops the server.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    MIGRATOR.run(db).await.context("database migration failed")
}
