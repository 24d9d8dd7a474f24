//! SQLite's read path for the hottest read, `GET /api/me` ([`super::home`]): a few
//! read-only connections of rusqlite's, used on the request's own thread.
//!
//! Why: sqlx runs each SQLite connection on a thread of its own and every statement is a
//! hop there and back (a channel and a futex wake each way, more than the read itself
//! costs with the pages memory-mapped). On a WAL database a reader never waits for the
//! writer, so a read of a few dozen microseconds runs inline like any other work of the
//! request. Writes stay with sqlx (and the order writer's group commit). PostgreSQL and
//! in-memory databases have no such path: [`SqliteReads::of`] is `None` for them.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{sqlite_file, Db, SQLITE_MMAP_BYTES};

/// Connections kept between reads; more may be open at once, the rest are closed.
const KEEP: usize = 8;
/// A reader waits only while a crashed writer's WAL is recovered, on first open.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReads {
    /// The read path of `db` when it is an SQLite file.
    pub fn of(db: &Db) -> Option<SqliteReads> {
        Some(SqliteReads {
            path: sqlite_file(db)?,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs `read` on a connection of the pool (opened if none is idle).
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let answer = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP {
            idle.push(conn);
        }
        answer
    }

    fn open(&self) -> anyhow::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "mmap_size", SQLITE_MMAP_BYTES)?;
        Ok(conn)
    }
}
