//! Statements run through either driver: sqlx's `Any` (PostgreSQL, and SQLite through the
//! pool) or a rusqlite connection of SQLite's own (the order writer, which runs a whole
//! batch of orders on a thread of its own: `workflows::orders::group_commit`). The order
//! path's storage functions take any [`Exec`], so there is one copy of each statement and
//! of the code around it whichever driver runs it.
//!
//! Why: sqlx runs each SQLite connection on a thread of its own and every statement is a
//! hop there and back (a channel and a futex wake each way). An order runs about fifteen
//! statements; on rusqlite, on the writer's own thread, they are plain calls.
//!
//! Rows are read by name through [`Columns`], as the home's read does. A pool is an
//! [`Exec`] too (`&mut &db`): each statement on a connection of its own.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use rules::{Fen, Points};
use sqlx::any::AnyArguments;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::{Any, AnyConnection, AnyPool};

use super::columns::{ColumnIndex, Columns, IndexedRow};

/// A value bound to a statement's parameter `$n` (the `n`-th of the slice). Nulls are
/// typed: PostgreSQL checks a parameter's type against its column.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(bool),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl From<Points> for Arg<'_> {
    fn from(v: Points) -> Self {
        Arg::Int(Some(v.0))
    }
}

impl From<Fen> for Arg<'_> {
    fn from(v: Fen) -> Self {
        Arg::Int(Some(v.0))
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::Text(v.as_deref())
    }
}

/// `args![a, b]`: the values of `$1`, `$2` as [`Arg`]s.
#[macro_export]
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::db::exec::Arg::from($arg)),*]
    };
}

/// Runs statements: see the module's comment.
pub trait Exec: Send {
    /// Runs a statement; the number of rows it changed.
    fn run(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = sqlx::Result<u64>> + Send;

    /// Runs a query and parses each row it returns.
    fn all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
    ) -> impl Future<Output = sqlx::Result<Vec<T>>> + Send;

    /// The first row of a query, parsed; `None` when it returns none.
    fn optional<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
    ) -> impl Future<Output = sqlx::Result<Option<T>>> + Send {
        async move { Ok(self.all(sql, args, parse).await?.into_iter().next()) }
    }

    /// The first row of a query, parsed; an error when it returns none.
    fn one<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
    ) -> impl Future<Output = sqlx::Result<T>> + Send {
        async move {
            self.optional(sql, args, parse)
                .await?
                .ok_or(sqlx::Error::RowNotFound)
        }
    }
}

fn query<'q>(sql: &'q str, args: &[Arg<'q>]) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), |q, arg| match *arg {
        Arg::Int(v) => q.bind(v),
        Arg::Text(v) => q.bind(v),
        Arg::Bool(v) => q.bind(v),
    })
}

/// A row that did not parse.
fn decode(e: anyhow::Error) -> sqlx::Error {
    sqlx::Error::Decode(e.into())
}

/// [`Exec`] on what sqlx executes on: `$executor` is `self` as a `sqlx::Executor`.
macro_rules! sqlx_exec {
    ($type:ty, |$this:ident| $executor:expr) => {
        impl Exec for $type {
            async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> sqlx::Result<u64> {
                let $this = self;
                Ok(query(sql, args).execute($executor).await?.rows_affected())
            }

            async fn all<T: Send>(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                mut parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
            ) -> sqlx::Result<Vec<T>> {
                let $this = self;
                let rows = query(sql, args).fetch_all($executor).await?;
                rows.iter().map(|r| parse(r).map_err(decode)).collect()
            }
        }
    };
}

sqlx_exec!(AnyConnection, |conn| conn);
sqlx_exec!(&AnyPool, |pool| *pool);

impl Exec for sqlx::Transaction<'_, Any> {
    async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> sqlx::Result<u64> {
        (**self).run(sql, args).await
    }

    async fn all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
    ) -> sqlx::Result<Vec<T>> {
        (**self).all(sql, args, parse).await
    }
}

/// Prepared statements a rusqlite connection keeps.
const STATEMENTS_KEPT: usize = 64;

/// A rusqlite connection as an [`Exec`]: its futures are ready at once (every call is
/// synchronous), so a caller on a thread of its own may drive them with `now_or_never`.
/// Statements are prepared once per connection, their columns' positions looked up once.
pub struct SqliteExec {
    conn: rusqlite::Connection,
    columns: HashMap<String, ColumnIndex>,
}

impl SqliteExec {
    pub fn new(conn: rusqlite::Connection) -> SqliteExec {
        // An order runs about twenty different statements: rusqlite keeps 16 by default,
        // and a cycle longer than an LRU cache misses on every statement.
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        SqliteExec {
            conn,
            columns: HashMap::new(),
        }
    }

    pub fn conn(&self) -> &rusqlite::Connection {
        &self.conn
    }
}

/// `sql` prepared (or found in the connection's cache) with `args` bound by name: SQLite
/// numbers `$n` parameters in the order they first appear, not by `n`.
fn prepared<'c>(
    conn: &'c rusqlite::Connection,
    sql: &str,
    args: &[Arg<'_>],
) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    let mut statement = conn.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        let arg = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok())
            .and_then(|n| args.get(n.checked_sub(1)?))
            .ok_or(rusqlite::Error::InvalidParameterCount(index, args.len()))?;
        match *arg {
            Arg::Int(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Text(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Bool(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    Ok(statement)
}

impl Exec for SqliteExec {
    async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> sqlx::Result<u64> {
        let mut statement = prepared(&self.conn, sql, args).map_err(sqlite_error)?;
        let changed = statement.raw_execute().map_err(sqlite_error)?;
        Ok(changed as u64)
    }

    async fn all<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut parse: impl FnMut(&dyn Columns) -> anyhow::Result<T> + Send,
    ) -> sqlx::Result<Vec<T>> {
        let mut statement = prepared(&self.conn, sql, args).map_err(sqlite_error)?;
        if !self.columns.contains_key(sql) {
            self.columns
                .insert(sql.to_owned(), ColumnIndex::of(&statement));
        }
        let index = &self.columns[sql];
        let mut rows = statement.raw_query();
        let mut parsed = vec![];
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            parsed.push(parse(&IndexedRow { row, index }).map_err(decode)?);
        }
        Ok(parsed)
    }
}

/// A rusqlite error as sqlx's, so the code above a [`Exec`] sees one error type (a
/// unique violation is one on either driver: `db::is_unique_violation`).
pub fn sqlite_error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Database(Box::new(SqliteFailure {
        message: e.to_string(),
        error: e,
    }))
}

#[derive(Debug)]
struct SqliteFailure {
    message: String,
    error: rusqlite::Error,
}

impl fmt::Display for SqliteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SqliteFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl DatabaseError for SqliteFailure {
    fn message(&self) -> &str {
        &self.message
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.error.sqlite_error().map(|e| e.extended_code) {
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
                ErrorKind::UniqueViolation
            }
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => ErrorKind::ForeignKeyViolation,
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => ErrorKind::NotNullViolation,
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
