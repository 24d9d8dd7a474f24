//! SQLite's read path for the hot reads (`GET /api/me`'s home, a shop's API key, an
//! order's checks): a few read-only connections of rusqlite's, used on the request's own
//! thread.
//!
//! Why: sqlx runs each SQLite connection on a thread of its own and every statement is a
//! hop there and back (a channel and a futex wake each way, more than the read itself
//! costs with the pages memory-mapped). On a WAL database a reader never waits for the
//! writer, so a read of a few dozen microseconds runs inline like any other work of the
//! request. Writes stay with sqlx (and the order writer's thread). PostgreSQL and
//! in-memory databases have no such path: [`SqliteReads::of`] is `None` for them, and
//! [`read_now!`](crate::read_now) reads through the pool there.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::exec::SqliteExec;
use super::{sqlite_file, Db, SQLITE_MMAP_BYTES};

/// Connections kept between reads; more may be open at once, the rest are closed.
const KEEP: usize = 8;
/// A reader waits only while a crashed writer's WAL is recovered, on first open.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<SqliteExec>>,
}

/// A read connection, back to the idle ones when dropped.
pub struct ReadConnection<'r> {
    reads: &'r SqliteReads,
    conn: Option<SqliteExec>,
}

impl SqliteReads {
    /// The read path of `db` when it is an SQLite file.
    pub fn of(db: &Db) -> Option<SqliteReads> {
        Some(SqliteReads {
            path: sqlite_file(db)?,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// A connection of the pool (opened if none is idle).
    pub fn connection(&self) -> anyhow::Result<ReadConnection<'_>> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => SqliteExec::new(self.open()?),
        };
        Ok(ReadConnection {
            reads: self,
            conn: Some(conn),
        })
    }

    fn open(&self) -> anyhow::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "mmap_size", SQLITE_MMAP_BYTES)?;
        Ok(conn)
    }
}

impl Deref for ReadConnection<'_> {
    type Target = SqliteExec;

    fn deref(&self) -> &SqliteExec {
        self.conn.as_ref().expect("taken only on drop")
    }
}

impl DerefMut for ReadConnection<'_> {
    fn deref_mut(&mut self) -> &mut SqliteExec {
        self.conn.as_mut().expect("taken only on drop")
    }
}

impl Drop for ReadConnection<'_> {
    fn drop(&mut self) {
        let mut idle = self.reads.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP {
            idle.extend(self.conn.take());
        }
    }
}

/// `read_now!(reads, db, |conn| read(conn, …))`: the value of the read (an `async` call
/// over `conn: &mut impl Exec` that only reads), run on `reads` (an
/// `Option<&SqliteReads>`) when given, synchronously (every statement on rusqlite is,
/// so the future is ready at once), else awaited on the pool `db`. Its error type takes
/// `anyhow::Error` (a connection that cannot be opened). A macro: the read is generic
/// over the connection's type, and each arm runs it with another.
#[macro_export]
macro_rules! read_now {
    ($reads:expr, $db:expr, |$conn:ident| $read:expr) => {
        match $reads {
            Some(reads) => {
                let mut conn = reads.connection()?;
                let $conn = &mut *conn;
                futures_util::FutureExt::now_or_never($read)
                    .ok_or_else(|| anyhow::anyhow!("a read on rusqlite waited"))?
            }
            None => {
                let $conn = &mut &*$db;
                $read.await
            }
        }
    };
}
