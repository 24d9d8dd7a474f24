//! Storage: SQLite (the default, a file) or PostgreSQL, chosen by the URL, through sqlx's
//! `Any` driver with runtime queries. The SQL is kept portable: `$1` placeholders (SQLite
//! reads them too), BIGINT/TEXT/BOOLEAN columns, sums cast back to BIGINT (PostgreSQL's
//! `SUM` is NUMERIC). Every instant is Unix milliseconds (BIGINT columns named `*_ms`,
//! written with `clock::ms`, read back in the program's offset with `clock::from_ms`), so
//! comparing and sorting by time is comparing numbers on both stores; local dates are
//! `YYYY-MM-DD` text. Values are always bound, never spliced into SQL; a statement that
//! varies is a fixed one with its variation bound (sqlx's `QueryBuilder` writes `?`
//! placeholders under `Any`, which PostgreSQL refuses). Only the schema's few differences
//! (identity columns, the triggers' language, how a migration changes a column's type)
//! live in two migration folders.
//!
//! Concurrency: every write transaction is opened by [`begin_write`] and then writes the row
//! of the member it is about first (see [`lock_member`]). In PostgreSQL that takes the row
//! lock. In SQLite `begin_write` takes the database's write lock at `BEGIN` (`BEGIN
//! IMMEDIATE`, waiting up to the busy timeout): a deferred transaction that reads before it
//! writes (a login looks the phone up first) cannot upgrade once another writer has
//! committed, and SQLite answers `database is locked` at once instead of waiting. Either
//! way, two writes for one member run one after the other. (`Pool::begin` is refused by
//! clippy, see `clippy.toml`.)

pub mod activity;
pub mod answers;
pub mod audit;
pub mod auth;
pub mod calendar_feeds;
pub mod checkins;
pub mod checkpoints;
pub mod churn;
pub mod columns;
pub mod coupons;
pub mod demo;
pub mod exec;
pub mod export;
pub mod home;
pub mod invites;
pub mod jobs;
pub mod ledger;
pub mod limits;
pub mod login_links;
pub mod mall;
pub mod members;
pub mod orders;
pub mod people;
pub mod phone_claims;
pub mod reminders;
pub mod rollups;
pub mod sealing;
pub mod sqlite_reads;
pub mod stores;
pub mod tier_changes;

use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::time::Duration;

use anyhow::{bail, Context};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection as _, Executor};

use crate::args;
use exec::Exec;

pub type Db = AnyPool;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;
pub type Row = AnyRow;

/// `crates/server/migrations/*`, embedded in the binary.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            bail!("unsupported database URL `{url}`: use sqlite://path or postgres://…")
        }
    }
}

/// How long a PostgreSQL connection may sit in the pool before it is tested on its way out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// Opens the database at `url`: `sqlite://path` (created if missing), `sqlite::memory:`,
/// or `postgres://user:password@host/db`.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url)?;
    let in_memory = is_sqlite_memory(url);
    let url = match backend {
        // `mode=rwc`: create the file on first start.
        Backend::Sqlite if !in_memory && !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        _ => url.to_owned(),
    };
    let options = match (backend, in_memory) {
        // Each connection to `sqlite::memory:` is a database of its own: one, kept.
        (Backend::Sqlite, true) => AnyPoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None),
        (Backend::Sqlite, false) => AnyPoolOptions::new().max_connections(8),
        (Backend::Postgres, _) => AnyPoolOptions::new().max_connections(16),
    };
    let options = options
        .acquire_timeout(Duration::from_secs(30))
        // sqlx pings every connection it hands out by default: a hop to the connection's
        // thread on SQLite (a file does not hang up) and a round trip to PostgreSQL, for
        // every query. Only a PostgreSQL connection that sat idle is tested (a restarted
        // server or a dropped link shows there), and a failed test discards it.
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if backend == Backend::Postgres && meta.idle_for > IDLE_BEFORE_PING {
                    return Ok(conn.ping().await.is_ok());
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    sqlite_pragmas(conn).await?;
                }
                Ok(())
            })
        });
    let cannot_open = || format!("cannot open the database `{}`", redact(&url));
    if backend == Backend::Sqlite && !in_memory {
        forget_stat4_samples(&url).await.with_context(cannot_open)?;
    }
    options.connect(&url).await.with_context(cannot_open)
}

/// WAL (readers never block the writer), durable-enough syncing with WAL, foreign keys,
/// and a writer that waits for another instead of failing at once with SQLITE_BUSY.
async fn sqlite_pragmas(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for pragma in sqlite_pragma_statements() {
        conn.execute(pragma.as_str()).await?;
    }
    Ok(())
}

/// What [`sqlite_pragmas`] runs on every connection, the order writer's own included.
fn sqlite_pragma_statements() -> [String; 6] {
    [
        "PRAGMA journal_mode = WAL".into(),
        "PRAGMA synchronous = NORMAL".into(),
        "PRAGMA foreign_keys = ON".into(),
        "PRAGMA busy_timeout = 10000".into(),
        format!("PRAGMA mmap_size = {SQLITE_MMAP_BYTES}"),
        format!("PRAGMA journal_size_limit = {SQLITE_WAL_LIMIT_BYTES}"),
    ]
}

/// The file of `db` when it is an SQLite file (not in memory): where the connections
/// that bypass sqlx open it ([`sqlite_reads`], the order writer).
pub fn sqlite_file(db: &Db) -> Option<PathBuf> {
    if backend(db) != Backend::Sqlite {
        return None;
    }
    let url = db.connect_options().database_url.to_string();
    if is_sqlite_memory(&url) {
        return None;
    }
    let options = SqliteConnectOptions::from_str(&url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// A read-write rusqlite connection to the SQLite file at `path`, set up as the pool's
/// connections are: for a writer that runs its statements on a thread of its own.
pub fn open_sqlite_writer(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    for pragma in sqlite_pragma_statements() {
        // `journal_mode` answers with a row: read as a query, whatever it returns.
        conn.query_row(&pragma, [], |_| Ok(()))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(()),
                e => Err(e),
            })?;
    }
    Ok(conn)
}

/// Drops the value samples an `ANALYZE` leaves in `sqlite_stat4`, keeping its per-index
/// figures (`sqlite_stat1`); run on a connection of its own before the pool opens, so
/// that no connection of the pool has loaded them. Why: with samples present, SQLite
/// re-prepares a statement whenever a value bound in a range on an indexed column
/// changes, and every read and write here binds the current time in such a range (the
/// trailing spend, the expiring points): each `GET /api/me` was parsed and planned again,
/// 4× its cost, after one `ANALYZE`. Our statements look members up by key, where the
/// samples change no plan.
async fn forget_stat4_samples(url: &str) -> anyhow::Result<()> {
    let mut conn = AnyConnection::connect(url).await?;
    let analyzed: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'")
            .fetch_optional(&mut conn)
            .await?;
    if analyzed.is_some() {
        sqlx::query("DELETE FROM sqlite_stat4")
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// An SQLite URL of an in-memory database (each connection a database of its own).
fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// SQLite's memory map of the database file, on every connection (the pool's and
/// [`sqlite_reads`]'): pages are read through it instead of copied by `pread` into each
/// connection's cache, which every commit by another connection invalidates.
const SQLITE_MMAP_BYTES: i64 = 268_435_456;

/// The size the write-ahead log's file is cut back to when the log starts over after a
/// checkpoint. Without a limit the file keeps the size of its largest burst (the order
/// writer's checkpoints come every 100 ms: about 7 MB of log at its top rate, more when a
/// long read holds a checkpoint back) for as long as the server runs. 64 MB is several
/// such bursts: under steady load the log is reused in place, not cut and grown again.
const SQLITE_WAL_LIMIT_BYTES: i64 = 67_108_864;

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}:***{}", &url[..scheme + 3 + colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub fn backend(db: &Db) -> Backend {
    match db.connect_options().database_url.scheme() {
        "sqlite" => Backend::Sqlite,
        _ => Backend::Postgres,
    }
}

/// A new, empty schema named `schema` in the PostgreSQL at `base`, and the URL of that
/// database that works in it (`search_path`): a database of their own for each test and
/// bench on one server.
pub async fn create_postgres_schema(base: &str, schema: &str) -> anyhow::Result<String> {
    let admin = connect(base).await?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .with_context(|| format!("cannot create the schema `{schema}`"))?;
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// Brings the schema up to date; a failed migration stops the server.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    migrator(db)
        .run(db)
        .await
        .context("database migration failed")
}

fn migrator(db: &Db) -> &'static Migrator {
    match backend(db) {
        Backend::Sqlite => &SQLITE_MIGRATOR,
        Backend::Postgres => &POSTGRES_MIGRATOR,
    }
}

/// Whether every migration this binary carries has been applied, successfully (`/readyz`:
/// a server started on a database another, newer or older, server left behind).
pub async fn migrations_current(db: &Db) -> anyhow::Result<bool> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(db)
            .await?;
    let carried: Vec<i64> = migrator(db).iter().map(|m| m.version).collect();
    Ok(applied == carried)
}

/// Runs the migrations up to `version` only: a database as an older server left it, for
/// the tests of what a later migration does to existing rows (its backfill).
pub async fn migrate_until(db: &Db, version: i64) -> anyhow::Result<()> {
    let older = migrator(db).iter().filter(|m| m.version <= version);
    let source = MigrationsUntil(older.cloned().collect());
    let partial = Migrator::new(source).await?;
    partial.run(db).await.context("database migration failed")
}

/// A fixed list of migrations as a [`sqlx::migrate::MigrationSource`].
#[derive(Debug)]
struct MigrationsUntil(Vec<sqlx::migrate::Migration>);

impl sqlx::migrate::MigrationSource<'static> for MigrationsUntil {
    fn resolve(
        self,
    ) -> futures_util::future::BoxFuture<
        'static,
        Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
    > {
        Box::pin(std::future::ready(Ok(self.0)))
    }
}

/// Opens a write transaction (see the module's comment): `BEGIN IMMEDIATE` on SQLite, a
/// plain `BEGIN` on PostgreSQL, whose row locks do the ordering.
pub async fn begin_write(db: &Db) -> Result<Tx<'static>, sqlx::Error> {
    match backend(db) {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await,
        #[allow(clippy::disallowed_methods)] // the one place a plain BEGIN is right
        Backend::Postgres => db.begin().await,
    }
}

/// Serializes writes about one member (see the module's comment). Returns false when the
/// member does not exist (or was deleted).
pub async fn lock_member(tx: &mut impl Exec, member_id: &str) -> Result<bool, sqlx::Error> {
    let changed = tx
        .run(
            "UPDATE members SET lock_version = lock_version + 1 \
             WHERE id = $1 AND deleted_at_ms IS NULL",
            args![member_id],
        )
        .await?;
    Ok(changed == 1)
}

/// Like [`lock_member`], whatever the member's state: a deleted member's orders can still
/// be refunded.
pub async fn lock_member_row(tx: &mut Tx<'_>, member_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// True when `e` is a unique or primary-key violation (a concurrent insert won).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://mc:secret@127.0.0.1/test"),
            "postgres://mc:***@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    /// A burst that grew the log past the limit leaves a file no bigger than the limit
    /// once the log starts over (SQLite cuts it then; without the pragma it stays).
    #[test]
    fn the_write_ahead_log_is_cut_back_after_a_burst() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("burst.db");
        let wal = dir.path().join("burst.db-wal");
        drop(rusqlite::Connection::open(&file).unwrap());
        let conn = open_sqlite_writer(&file).unwrap();
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (b BLOB);")
            .unwrap();
        let burst = SQLITE_WAL_LIMIT_BYTES as u64 + 16 * 1024 * 1024;
        conn.execute_batch(&format!(
            "BEGIN; {} COMMIT;",
            "INSERT INTO t VALUES (zeroblob(1048576));".repeat((burst / 1_048_576) as usize)
        ))
        .unwrap();
        assert!(std::fs::metadata(&wal).unwrap().len() > burst);
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .unwrap();
        // The next write starts the log over.
        conn.execute("DELETE FROM t", []).unwrap();
        let after = std::fs::metadata(&wal).unwrap().len();
        assert!(
            after <= SQLITE_WAL_LIMIT_BYTES as u64,
            "the log's file is still {after} bytes"
        );
    }

    #[test]
    fn backends_by_url() {
        assert_eq!(Backend::of_url("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of_url("postgresql://h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::of_url("mysql://h/db").is_err());
    }
}
