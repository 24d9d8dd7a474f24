//! Coupon times were RFC 3339 text (compared and sorted as text); the migration
//! `20261207000014_coupon_times_ms` turns them into Unix milliseconds. Every stored row
//! must come out at its exact millisecond whatever offset and fraction its text carried,
//! in time order, with the table's other columns, its CHECK, indexes and foreign key kept.

use chrono::{DateTime, FixedOffset};
use member_center::db::{self, coupons, Backend, Db};

use crate::helpers::test_database_url;

/// The migration that converts the coupon times is the first after this one.
const BEFORE_COUPON_TIMES_MS: i64 = 20261202000013;

/// Coupons as an older server stored them: (id, valid_from, valid_until, used_at,
/// created_at). Sorted as text by `valid_until` they come b, c, a, d; by time a, d, b, c.
const OLD_ROWS: [(&str, &str, &str, Option<&str>, &str); 4] = [
    (
        "c_a",
        "2026-12-01T00:00:00+08:00",
        "2027-01-01T00:00:00+08:00",
        None,
        "2026-12-01T00:00:00+08:00",
    ),
    (
        "c_b",
        "2026-11-30T16:00:00Z",
        "2026-12-31T16:30:00.250Z",
        Some("2026-12-20T10:00:00.5+08:00"),
        "2026-11-30T16:00:00.000001Z",
    ),
    (
        "c_c",
        "2026-11-30T11:00:00-05:00",
        "2026-12-31T23:59:59.999-05:00",
        None,
        "2026-11-30T11:00:00-05:00",
    ),
    // Nanoseconds, as the server's clock wrote them: cut to the millisecond as
    // `clock::ms` cuts, not rounded up to the next.
    (
        "c_d",
        "2026-12-01T00:00:00.123456789+08:00",
        "2027-01-01T00:00:00.9999996+08:00",
        Some("2026-12-24T23:59:59.9995-01:30"),
        "2026-12-01T00:00:00.123456789+08:00",
    ),
];

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

async fn run(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(sql)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

#[tokio::test]
async fn the_migration_converts_coupon_times_to_exact_milliseconds_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&test_database_url(&dir).await).await.unwrap();
    db::migrate_until(&db, BEFORE_COUPON_TIMES_MS)
        .await
        .unwrap();
    run(
        &db,
        "INSERT INTO members (id, nickname, tier, created_at, updated_at) \
         VALUES ('m_1', 'M', 'silver', '2026-11-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00')",
    )
    .await
    .unwrap();
    for (i, (id, from, until, used, created)) in OLD_ROWS.iter().enumerate() {
        let used_order = used.map(|_| format!("O-{i}"));
        sqlx::query(
            "INSERT INTO coupons (id, member_id, kind, title, source, valid_from, valid_until, \
               first_order_only, used_at, created_at, used_order_id, issue_key, title_en) \
             VALUES ($1, 'm_1', '{\"type\":\"no_threshold\",\"off_fen\":500}', '五元', 'staff', $2, $3, \
               $4, $5, $6, $7, $8, $9)",
        )
        .bind(*id)
        .bind(*from)
        .bind(*until)
        .bind(i == 2)
        .bind(*used)
        .bind(*created)
        .bind(used_order)
        .bind(format!("staff:{id}"))
        .bind((i % 2 == 0).then(|| format!("¥5 {id}")))
        .execute(&db)
        .await
        .unwrap();
    }
    let text_order: Vec<String> =
        sqlx::query_scalar("SELECT id FROM coupons ORDER BY valid_until, id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        text_order,
        ["c_b", "c_c", "c_a", "c_d"],
        "the old order, as text"
    );

    db::migrate(&db).await.unwrap();

    // Each time at its millisecond, as the server computes it (`clock::ms`).
    let ms = |text: &str| at(text).timestamp_millis();
    type Times = (String, i64, i64, Option<i64>, i64);
    let stored: Vec<Times> = sqlx::query_as(
        "SELECT id, valid_from_ms, valid_until_ms, used_at_ms, created_at_ms FROM coupons \
         ORDER BY id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let expected: Vec<Times> = OLD_ROWS
        .iter()
        .map(|(id, from, until, used, created)| {
            let used = used.map(ms);
            (id.to_string(), ms(from), ms(until), used, ms(created))
        })
        .collect();
    assert_eq!(stored, expected);
    // The same, written out: 2027-01-01T00:00:00+08:00 is 2026-12-31T16:00:00Z.
    assert_eq!(stored[0].2, 1_798_732_800_000);
    assert_eq!(stored[1].2, 1_798_732_800_000 + 1_800_250);
    assert_eq!(stored[2].2, 1_798_732_800_000 + 13 * 3_600_000 - 1);
    assert_eq!(stored[3].2, 1_798_732_800_000 + 999);
    assert_eq!(
        stored[3].3,
        Some(1_798_732_800_000 - 6 * 86_400_000 - 52_200_001)
    );

    let time_order: Vec<String> =
        sqlx::query_scalar("SELECT id FROM coupons ORDER BY valid_until_ms, id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(time_order, ["c_a", "c_d", "c_b", "c_c"]);

    // The other columns as they were.
    type Rest = (
        String,
        String,
        String,
        i64,
        Option<String>,
        String,
        Option<String>,
    );
    let rest: Vec<Rest> = sqlx::query_as(
        "SELECT id, member_id, source, \
           CAST(CASE WHEN first_order_only THEN 1 ELSE 0 END AS BIGINT), \
           used_order_id, issue_key, title_en FROM coupons ORDER BY id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let (a, d) = (&rest[0], &rest[3]);
    assert_eq!(
        (a.1.as_str(), a.2.as_str(), a.3, a.4.as_deref()),
        ("m_1", "staff", 0, None)
    );
    assert_eq!(
        (a.5.as_str(), a.6.as_deref()),
        ("staff:c_a", Some("¥5 c_a"))
    );
    assert_eq!((rest[2].3, rest[1].4.as_deref()), (1, Some("O-1")));
    assert_eq!((d.4.as_deref(), d.6.as_deref()), (Some("O-3"), None));

    // The wallet reads them back in the program's offset, what expires first first.
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    let now = at("2026-12-31T12:00:00+08:00");
    let wallet = coupons::wallet(&db, "m_1", &now, offset, None)
        .await
        .unwrap();
    let until: Vec<_> = wallet
        .iter()
        .map(|c| (c.id.as_str(), c.valid_until.to_rfc3339()))
        .collect();
    assert_eq!(
        until,
        [
            ("c_a", "2027-01-01T00:00:00+08:00".to_owned()),
            ("c_d", "2027-01-01T00:00:00.999+08:00".to_owned()),
            ("c_b", "2027-01-01T00:30:00.250+08:00".to_owned()),
            ("c_c", "2027-01-01T12:59:59.999+08:00".to_owned()),
        ]
    );
    assert_eq!(
        wallet[2].used_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-12-20T10:00:00.500+08:00")
    );

    // The CHECK, the unique issue key, the foreign key and the indexes are still there.
    let insert = |id: &str, member: &str, from: i64, until: i64, key: &str| {
        format!(
            "INSERT INTO coupons (id, member_id, kind, title, source, valid_from_ms, \
               valid_until_ms, created_at_ms, issue_key) \
             VALUES ('{id}', '{member}', '{{}}', 'x', 'staff', {from}, {until}, {from}, '{key}')"
        )
    };
    let t = 1_798_732_800_000_i64;
    assert!(run(&db, &insert("c_e", "m_1", t, t, "e")).await.is_err());
    assert!(run(&db, &insert("c_f", "m_1", t, t + 1, "staff:c_a"))
        .await
        .is_err());
    assert!(run(&db, &insert("c_g", "m_none", t, t + 1, "g"))
        .await
        .is_err());
    assert_eq!(
        run(&db, &insert("c_h", "m_1", t, t + 1, "h"))
            .await
            .unwrap(),
        1
    );
    let indexes = match db::backend(&db) {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'coupons' \
             AND sql IS NOT NULL ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(indexname AS TEXT) FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = 'coupons' \
             AND indexname <> 'coupons_pkey' ORDER BY indexname"
        }
    };
    let indexes: Vec<String> = sqlx::query_scalar(indexes).fetch_all(&db).await.unwrap();
    // The dashboard's rollups read coupons made or ended since the last rolled day.
    let expected = [
        "coupons_created",
        "coupons_issue_key",
        "coupons_member_id",
        "coupons_valid_until",
    ];
    assert_eq!(indexes, expected);
    // A member's deletion still takes their coupons with it (ON DELETE CASCADE).
    run(&db, "DELETE FROM members WHERE id = 'm_1'")
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM coupons")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
