//! A member who has not chosen a nickname has none: the app names them in their own
//! language. Registration used to store the Chinese default (`会员` and the phone's last
//! four digits); the migration `20261207000015_nickname_unchosen` forgets exactly those.

use member_center::db;

use crate::helpers::test_database_url;

/// The migration that forgets the stored defaults is the first after this one.
const BEFORE_NICKNAME_UNCHOSEN: i64 = 20261207000014;

#[tokio::test]
async fn the_migration_forgets_the_stored_chinese_default_and_nothing_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&test_database_url(&dir).await).await.unwrap();
    db::migrate_until(&db, BEFORE_NICKNAME_UNCHOSEN)
        .await
        .unwrap();
    // (id, phone, nickname): the default of its own phone, a default of another phone,
    // a chosen name, an erased member.
    let rows = [
        ("m_1", Some("+8613800001234"), "会员1234"),
        ("m_2", Some("+8613800005678"), "会员1234"),
        ("m_3", Some("+8613800009999"), "小满"),
        ("m_4", None, ""),
    ];
    for (id, phone, nickname) in rows {
        sqlx::query(
            "INSERT INTO members (id, phone, nickname, tier, created_at, updated_at) \
             VALUES ($1, $2, $3, 'regular', '2026-11-01T00:00:00+08:00', \
               '2026-11-01T00:00:00+08:00')",
        )
        .bind(id)
        .bind(phone)
        .bind(nickname)
        .execute(&db)
        .await
        .unwrap();
    }

    db::migrate(&db).await.unwrap();

    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT id, nickname FROM members ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    let expected = [
        ("m_1", ""),
        ("m_2", "会员1234"),
        ("m_3", "小满"),
        ("m_4", ""),
    ];
    assert_eq!(
        stored,
        expected
            .map(|(id, n)| (id.to_owned(), n.to_owned()))
            .to_vec()
    );
}
