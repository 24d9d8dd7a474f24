//! Personal data at rest (issue 39 §3): what a copy of the database gives away.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use serde_json::{json, Value};

use member_center::db::sealing::{self, Pass};
use member_center::vault::Keyring;

use crate::helpers::{spawn_with, Options, DATA_KEYS};
use crate::support::{order, world, PHONE_A};

const NICKNAME: &str = "林小满Quokka";

/// Every way the member's phone, nickname and birthday could be written down.
fn giveaways() -> Vec<(String, Vec<u8>)> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut needles = vec![];
    for text in [
        PHONE_A,
        "+8613900000001",
        NICKNAME,
        "Quokka",
        "1991-07-29",
        "07-29",
    ] {
        needles.push((format!("`{text}`"), text.as_bytes().to_vec()));
        needles.push((format!("hex of `{text}`"), hex::encode(text).into_bytes()));
        needles.push((format!("base64 of `{text}`"), b64(text).into_bytes()));
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        needles.push((format!("UTF-16 of `{text}`"), utf16));
    }
    needles
}

/// The whole stored database as bytes: SQLite's file (its log folded in first); for
/// PostgreSQL, every row of every table of the test's schema as text.
async fn raw_database(app: &crate::helpers::TestApp) -> Vec<u8> {
    let db = &app.state.db;
    if let Some(file) = member_center::db::sqlite_file(db) {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db)
            .await
            .unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let wal = file.with_extension("db-wal");
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        return bytes;
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::TEXT FROM information_schema.tables \
         WHERE table_schema = current_schema()",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert!(tables.len() > 10, "{tables:?}");
    let mut dump = vec![];
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::TEXT FROM {table} t"))
            .fetch_all(db)
            .await
            .unwrap();
        for row in rows {
            dump.extend(row.into_bytes());
            dump.push(b'\n');
        }
    }
    dump
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_copy_of_the_database_holds_no_phone_nickname_or_birthday() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let res = w
        .post_order(&order("o-1", PHONE_A, "2026-03-10T11:00:00+08:00", 20_000))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json());
    let res = w
        .app
        .call(
            Method::PATCH,
            "/api/me",
            Some(&w.a),
            Some(&json!({ "nickname": NICKNAME, "birthday": "1991-07-29" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());

    let raw = raw_database(&w.app).await;
    for (what, needle) in giveaways() {
        assert!(!find(&raw, &needle), "the database holds {what}");
    }

    // The member still reads as before, through the API.
    let me = w.me(&w.a).await;
    assert_eq!(me["nickname"], NICKNAME, "{me}");
    let export = w
        .app
        .call(Method::GET, "/api/me/export", Some(&w.a), None)
        .await
        .json();
    assert_eq!(export["member"]["phone"], "+8613900000001", "{export}");
    assert_eq!(export["member"]["nickname"], NICKNAME);
    // Login by phone finds the same member through the blind index.
    let again = w.app.login(PHONE_A).await;
    assert_eq!(w.id(&again).await, w.id(&w.a).await);
}

#[tokio::test]
async fn an_erased_phone_registers_afresh_without_the_welcome_gifts_again() {
    let w = world("2026-03-10T12:00:00+08:00").await;
    let coupons = |token: String| {
        let app = &w.app;
        async move {
            app.call(Method::GET, "/api/me", Some(&token), None)
                .await
                .json()["coupons"]["available"]
                .as_i64()
                .unwrap()
        }
    };
    assert!(coupons(w.a.clone()).await > 0, "the welcome coupons");
    let res = w
        .app
        .call(Method::DELETE, "/api/me", Some(&w.a), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let stored: i64 = w
        .app
        .scalar(
            "SELECT COUNT(*) FROM members WHERE phone IS NOT NULL OR phone_index IS NOT NULL",
            &[],
        )
        .await;
    assert_eq!(stored, 1, "only B's phone is left");
    let fresh = w.app.login(PHONE_A).await;
    assert_ne!(w.id(&fresh).await, w.id(&w.b).await);
    assert_eq!(coupons(fresh).await, 0, "the claims outlive the erasure");
}

/// A member an older version wrote in plain text, with no blind index and no claims.
async fn insert_plain_member(db: &member_center::db::Db, id: &str, phone: &str) {
    sqlx::query(
        "INSERT INTO members (id, phone, nickname, birthday, tier, tier_celebrated, role, \
           created_at_ms, updated_at_ms) \
         VALUES ($1, $2, 'Old Quokka', '--07-29', 'regular', 'regular', 'member', 0, 0)",
    )
    .bind(id)
    .bind(phone)
    .execute(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn rows_written_in_plain_text_are_sealed_at_start_and_keep_their_claims() {
    let app = spawn_with(Options::default()).await;
    let db = &app.state.db;
    for i in 0..7 {
        insert_plain_member(db, &format!("m_old{i}"), &format!("+861390000010{i}")).await;
    }
    let plain = b"+8613900000103";
    assert!(
        find(&raw_database(&app).await, plain),
        "the raw read sees plain text"
    );
    let keys = Keyring::parse(DATA_KEYS).unwrap();
    let mut seen = vec![];
    let done = sealing::seal_plain_once(db, &keys, 3, |p| seen.push(p.members), 0)
        .await
        .unwrap()
        .expect("the first start seals");
    assert_eq!((done.members, done.members_to_do), (7, 7));
    assert_eq!(seen, [3, 6, 7], "in batches");
    let again = sealing::run(db, &keys, Pass::Plain, 3, |_| {}, 0)
        .await
        .unwrap();
    assert_eq!(again.members, 0, "nothing plain is left");
    let next_start = sealing::seal_plain_once(db, &keys, 3, |_| {}, 0)
        .await
        .unwrap();
    assert_eq!(next_start, None, "a later start skips the scans");
    assert!(!find(&raw_database(&app).await, plain));

    let (phone, nickname, birthday): (String, String, String) =
        sqlx::query_as("SELECT phone, nickname, birthday FROM members WHERE id = 'm_old3'")
            .fetch_one(db)
            .await
            .unwrap();
    for value in [&phone, &nickname, &birthday] {
        assert!(value.starts_with("v1.k1."), "{value}");
    }
    // The old member logs in as themselves, and gets no welcome gifts a second time.
    let token = app.login("13900000103").await;
    let me: Value = app
        .call(Method::GET, "/api/me", Some(&token), None)
        .await
        .json();
    assert_eq!(me["id"], "m_old3", "{me}");
    assert_eq!(me["nickname"], "Old Quokka");
    let claims = app
        .scalar(
            "SELECT COUNT(*) FROM phone_claims WHERE claim = 'registration'",
            &[],
        )
        .await;
    assert_eq!(claims, 7);
}

#[tokio::test]
async fn a_key_file_that_does_not_match_the_database_stops_the_start() {
    let app = spawn_with(Options::default()).await;
    let db = &app.state.db;
    let keys = Keyring::parse(DATA_KEYS).unwrap();
    sealing::verify_keys(db, &keys, 0).await.unwrap();
    sealing::verify_keys(db, &keys, 0)
        .await
        .expect("the same keys, again");

    let other = Keyring::parse(&Keyring::generate("k1").unwrap()).unwrap();
    let refused = sealing::verify_keys(db, &other, 0).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("`index` key"),
        "{refused:#}"
    );

    // The right index key, a wrong `k1`.
    let index_line = DATA_KEYS.lines().next().unwrap();
    let wrong_k1 = Keyring::generate("k1").unwrap();
    let wrong_k1 = wrong_k1.lines().nth(1).unwrap();
    let wrong = Keyring::parse(&format!("{index_line}\n{wrong_k1}")).unwrap();
    let refused = sealing::verify_keys(db, &wrong, 0).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("is not the key `k1`"),
        "{refused:#}"
    );

    // A new current key without the old one, which the data still needs.
    let k2 = Keyring::new_data_key("k2").unwrap();
    let without_k1 = Keyring::parse(&format!("{index_line}\n{k2}")).unwrap();
    let refused = sealing::verify_keys(db, &without_k1, 0).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("does not hold: put `k1` back"),
        "{refused:#}"
    );
}
