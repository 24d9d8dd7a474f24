//! The members' last text times: `created_at` (a copy of `created_at_ms`) goes and
//! `updated_at` becomes `updated_at_ms` (migration `20261207000019_member_times_ms`), each
//! at its exact millisecond whatever offset and fraction its text carried.

use chrono::DateTime;
use member_center::db::{self, Db};

use crate::helpers::test_database_url;

/// The migration that converts the members' times is the first after this one.
const BEFORE_MEMBER_TIMES_MS: i64 = 20261207000018;

/// (id, updated_at) as an older server stored them.
const OLD_ROWS: [(&str, &str); 3] = [
    ("m_a", "2026-12-01T00:00:00+08:00"),
    ("m_b", "2026-11-30T16:00:00.250Z"),
    // Nanoseconds, as the server's clock wrote them: cut, not rounded up.
    ("m_c", "2026-11-30T11:00:00.9999996-05:00"),
];

async fn columns_of_members(db: &Db) -> Vec<String> {
    let probe = |column: &'static str| async move {
        sqlx::query(&format!("SELECT {column} FROM members LIMIT 1"))
            .execute(db)
            .await
            .is_ok()
            .then(|| column.to_owned())
    };
    let mut present = vec![];
    for column in ["created_at", "updated_at", "created_at_ms", "updated_at_ms"] {
        present.extend(probe(column).await);
    }
    present
}

#[tokio::test]
async fn the_migration_turns_the_members_text_times_into_milliseconds() {
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&test_database_url(&dir).await).await.unwrap();
    db::migrate_until(&db, BEFORE_MEMBER_TIMES_MS)
        .await
        .unwrap();
    for (id, updated) in OLD_ROWS {
        sqlx::query(
            "INSERT INTO members (id, nickname, tier, created_at, created_at_ms, updated_at) \
             VALUES ($1, 'M', 'silver', $2, 1, $2)",
        )
        .bind(id)
        .bind(updated)
        .execute(&db)
        .await
        .unwrap();
    }

    db::migrate(&db).await.unwrap();

    assert_eq!(
        columns_of_members(&db).await,
        ["created_at_ms", "updated_at_ms"]
    );
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, updated_at_ms FROM members ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    let ms = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    };
    let expected: Vec<(String, i64)> = OLD_ROWS
        .iter()
        .map(|(id, updated)| (id.to_string(), ms(updated)))
        .collect();
    assert_eq!(stored, expected);
    // Written out: 2026-12-01T00:00:00+08:00 is 2026-11-30T16:00:00Z.
    assert_eq!(stored[0].1, 1_796_054_400_000);
    assert_eq!(stored[1].1, 1_796_054_400_250);
    assert_eq!(stored[2].1, 1_796_054_400_000 + 999);
}
