//! After an `ANALYZE` (an operator's, or SQLite's own `PRAGMA optimize`), SQLite keeps
//! value samples that make it re-prepare a statement whenever a bound range value
//! changes, and every request binds the current time in such ranges. The server drops
//! those samples when it opens the database (`db::connect`): the same statement with a
//! new time must then run without being prepared again.

use member_center::db::{self, members, Backend};
use rusqlite::StatementStatus;

use crate::helpers::{test_database, test_database_url};
use crate::support::insert_order;

/// The trailing spend at three successive instants on one prepared statement: how many
/// times SQLite prepared it again.
fn reprepares(path: &str, member: &str) -> i32 {
    let conn = rusqlite::Connection::open(path).unwrap();
    let sql = format!("SELECT {}", members::trailing_spend_sql("?1", "?2", "?3"));
    let mut statement = conn.prepare(&sql).unwrap();
    for at in [1_764_000_000_000_i64, 1_764_000_060_000, 1_764_000_120_000] {
        let _: i64 = statement
            .query_row(rusqlite::params![member, at - 31_536_000_000, at], |r| {
                r.get(0)
            })
            .unwrap();
    }
    statement.get_status(StatementStatus::RePrepare)
}

#[tokio::test]
async fn a_new_time_does_not_prepare_the_statement_again_after_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let db = test_database(&dir).await;
    if db::backend(&db) == Backend::Postgres {
        return; // SQLite's planner only
    }
    let path = dir.path().join("test.db").display().to_string();
    assert!(test_database_url(&dir).await.ends_with("test.db"));
    let member = member_center::cli::create_user(&db, "member", "13900000021", None)
        .await
        .unwrap();
    for i in 0..400_i64 {
        let paid_at_ms = 1_700_000_000_000 + i * 200_000_000;
        insert_order(&db, &format!("o-{i}"), &member, paid_at_ms, 100).await;
    }
    sqlx::query("ANALYZE").execute(&db).await.unwrap();
    // What the samples do (and that this test sees it).
    assert!(reprepares(&path, &member) > 0);
    // A server starting on that database.
    let restarted = db::connect(&format!("sqlite://{path}")).await.unwrap();
    assert_eq!(reprepares(&path, &member), 0);
    let stat1: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1")
        .fetch_one(&restarted)
        .await
        .unwrap();
    assert!(stat1 > 0, "ANALYZE's per-index figures are kept");
}
