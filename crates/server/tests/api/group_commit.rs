//! Group commit (`workflows::orders::group_commit`): orders written in one transaction
//! (each in its own savepoint when one of them is refused). A refused order changes
//! nothing, the others are kept; the same order twice in one batch is recorded once. Both
//! writers: sqlx's (an in-memory database's) and the writer thread's on rusqlite (an
//! SQLite file's).

use member_center::db::{sqlite_file, Backend};
use member_center::workflows::orders::group_commit::{write_batch, BatchOrder, SqliteWriter};
use member_center::workflows::orders::parse;
use member_center::workflows::{Failure, Refusal};
use rules::QuoteError;
use serde_json::Value;

use crate::support::{order, world, PHONE_A, PHONE_B};

const NOW: &str = "2026-03-10T12:00:00+08:00";
const PAID: &str = "2026-03-10T11:00:00+08:00";

/// Who writes the batch.
#[derive(Clone, Copy)]
enum Writer {
    Sqlx,
    SqliteThread,
}

#[tokio::test]
async fn one_batch_keeps_its_good_orders_and_drops_its_refused_ones_through_sqlx() {
    one_batch_keeps_its_good_orders_and_drops_its_refused_ones(Writer::Sqlx).await;
}

#[tokio::test]
async fn one_batch_keeps_its_good_orders_and_drops_its_refused_ones_on_the_writer_thread() {
    one_batch_keeps_its_good_orders_and_drops_its_refused_ones(Writer::SqliteThread).await;
}

async fn one_batch_keeps_its_good_orders_and_drops_its_refused_ones(writer: Writer) {
    let w = world(NOW).await;
    let file = sqlite_file(&w.app.state.db);
    if matches!(writer, Writer::SqliteThread) && file.is_none() {
        assert_eq!(
            member_center::db::backend(&w.app.state.db),
            Backend::Postgres,
            "the tests' SQLite is a file"
        );
        return;
    }
    let state = &w.app.state;
    let mut names_a_missing_coupon = order("SO-3", PHONE_A, PAID, 30_000);
    names_a_missing_coupon["coupon"] = "c_missing".into();
    let bodies: Vec<Value> = vec![
        order("SO-1", PHONE_A, PAID, 123_456),
        order("SO-2", PHONE_B, PAID, 50_000),
        // The same order again, in the same batch: a replay of the first.
        order("SO-1", PHONE_A, PAID, 123_456),
        // The same id with another cart: refused.
        order("SO-1", PHONE_A, PAID, 99_999),
        names_a_missing_coupon,
        // Fails after its order row is written (the trigger below): its savepoint goes.
        order("SO-4", PHONE_B, PAID, 40_000),
    ];
    fail_ledger_writes_of(&w.app, "SO-4").await;
    let batch = parsed_batch(&w.app, bodies).await;
    let answers = match writer {
        Writer::Sqlx => write_batch(&state.db, &batch).await,
        Writer::SqliteThread => {
            let mut writer = SqliteWriter::open(&file.unwrap()).expect("the writer's connection");
            writer.write_batch(&batch)
        }
    };

    let first = answers[0].as_ref().expect("SO-1 recorded");
    assert!(!first.replayed);
    assert_eq!(first.answer.quote.points.total.0, 1_234 + 200);
    assert!(!answers[1].as_ref().expect("SO-2 recorded").replayed);
    let again = answers[2].as_ref().expect("SO-1 replayed");
    assert!(again.replayed);
    assert_eq!(again.answer.quote, first.answer.quote);
    assert!(matches!(
        answers[3],
        Err(Failure::Refused(Refusal::DifferentBody { .. }))
    ));
    assert!(matches!(
        answers[4],
        Err(Failure::Quote(QuoteError::CouponNotFound))
    ));
    assert!(matches!(
        answers[5],
        Err(Failure::Storage(_) | Failure::Internal(_))
    ));

    // What is stored is what was answered: two orders, A's ledger holds SO-1 only.
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await, 2);
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], 1_434);
    assert_eq!(me["lifetime_spend_fen"], 123_456);
    assert_eq!(w.me(&w.b).await["lifetime_spend_fen"], 50_000);
    let replay = w.post_order(&order("SO-1", PHONE_A, PAID, 123_456)).await;
    assert_eq!(replay.header("idempotent-replayed"), "true");
    assert_eq!(
        replay.json()["quote"],
        serde_json::to_value(&first.answer.quote).unwrap()
    );
}

/// A batch where nothing is refused after it wrote is written in one go on the writer
/// thread (no savepoints: `SqliteWriter::try_write_batch`): its replay of an order earlier
/// in the batch answers that order's answer, the order is stored once, and the orders its
/// checks refuse (in the writer's transaction, before any write) answer their refusals.
#[tokio::test]
async fn a_batch_without_refusals_after_a_write_records_each_order_once_on_the_writer_thread() {
    let w = world(NOW).await;
    let Some(file) = sqlite_file(&w.app.state.db) else {
        return; // PostgreSQL: a transaction per order, no batch.
    };
    let bodies = vec![
        order("SO-1", PHONE_A, PAID, 123_456),
        order("SO-2", PHONE_B, PAID, 50_000),
        order("SO-1", PHONE_A, PAID, 123_456),
        order("SO-1", PHONE_A, PAID, 99_999),
        order("SO-3", "13900000099", PAID, 10_000),
        order("SO-4", PHONE_A, "2026-01-01T11:00:00+08:00", 10_000),
    ];
    let batch = parsed_batch(&w.app, bodies).await;
    let mut writer = SqliteWriter::open(&file).expect("the writer's connection");
    let answers = writer.write_batch(&batch);

    let first = answers[0].as_ref().expect("SO-1 recorded");
    assert!(!first.replayed);
    assert!(!answers[1].as_ref().expect("SO-2 recorded").replayed);
    let again = answers[2].as_ref().expect("SO-1 replayed");
    assert!(again.replayed);
    assert_eq!(again.answer.quote, first.answer.quote);
    let refusals = answers[3..].iter().map(|a| match a {
        Err(Failure::Refused(refusal)) => refusal,
        other => panic!("refused, not {:?}", other.as_ref().map(|r| r.replayed)),
    });
    let refusals: Vec<&Refusal> = refusals.collect();
    assert!(matches!(refusals[0], Refusal::DifferentBody { .. }));
    assert!(matches!(refusals[1], Refusal::MemberNotFound));
    assert!(matches!(refusals[2], Refusal::PaidAtOutOfRange { .. }));
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM orders", &[]).await, 2);
    let points = "SELECT SUM(points) FROM points_ledger WHERE order_id = 'SO-1'";
    assert_eq!(w.app.scalar(points, &[]).await, 1_234 + 200);
    assert_eq!(w.me(&w.a).await["points_balance"], 1_434);
}

/// The orders of `bodies`, parsed, as a batch for a writer (which checks them in its
/// transaction).
async fn parsed_batch(app: &crate::helpers::TestApp, bodies: Vec<Value>) -> Vec<BatchOrder> {
    let state = &app.state;
    let now = state.clock.now();
    let shop = "SELECT id FROM api_keys";
    let shop: String = sqlx::query_scalar(shop).fetch_one(&state.db).await.unwrap();
    let parsed = |body| parse(serde_json::from_value(body).unwrap(), shop.clone());
    let parsed = |body| parsed(body).expect("well-formed");
    bodies
        .into_iter()
        .map(|body| (parsed(body), state.program.clone(), now))
        .collect()
}

/// Makes every ledger write of `order_id` fail, as a full disk or a broken row would.
async fn fail_ledger_writes_of(app: &crate::helpers::TestApp, order_id: &str) {
    let statements = match member_center::db::backend(&app.state.db) {
        member_center::db::Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse BEFORE INSERT ON points_ledger \
             WHEN NEW.order_id = '{order_id}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )],
        member_center::db::Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN \
                 IF NEW.order_id = '{order_id}' THEN RAISE EXCEPTION 'refused'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER refuse BEFORE INSERT ON points_ledger \
             FOR EACH ROW EXECUTE FUNCTION refuse()"
                .to_owned(),
        ],
    };
    for sql in statements {
        sqlx::query(&sql)
            .execute(&app.state.db)
            .await
            .expect("trigger");
    }
}

/// The runtime that first recorded an order may shut down while the server's state lives
/// on (the writer on an SQLite file is a thread of its own, but its queue and the pool's
/// connections were made there): the next order, in another runtime, is still recorded.
/// (SQLite only: a PostgreSQL pool's sockets belong to the first runtime, which would
/// fail first.)
#[test]
fn an_order_after_the_writers_runtime_stopped_starts_a_new_writer() {
    if std::env::var("MC_TEST_POSTGRES_URL").is_ok() {
        return;
    }
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let first = runtime();
    let w = first.block_on(world(NOW));
    let res = first.block_on(w.post_order(&order("SO-1", PHONE_A, PAID, 10_000)));
    assert_eq!(
        res.status,
        axum::http::StatusCode::CREATED,
        "{}",
        res.json()
    );
    drop(first);
    let second = runtime();
    let res = second.block_on(w.post_order(&order("SO-2", PHONE_A, PAID, 20_000)));
    assert_eq!(
        res.status,
        axum::http::StatusCode::CREATED,
        "{}",
        res.json()
    );
    let me = second.block_on(w.me(&w.a));
    assert_eq!(me["lifetime_spend_fen"], 30_000);
}

/// The writer's commits leave checkpoints to a thread of their own (`db::checkpoints`):
/// the log is copied into the database file shortly after, so the file grows with the
/// orders (where with no checkpoint at all only the log would).
#[tokio::test]
async fn the_writers_log_is_checkpointed_into_the_database_file() {
    let w = world(NOW).await;
    let Some(file) = sqlite_file(&w.app.state.db) else {
        return; // PostgreSQL
    };
    let size = || std::fs::metadata(&file).expect("the database file").len();
    let before = size();
    for i in 0..300 {
        let res = w
            .post_order(&order(&format!("SO-{i}"), PHONE_A, PAID, 10_000 + i))
            .await;
        assert_eq!(
            res.status,
            axum::http::StatusCode::CREATED,
            "{}",
            res.json()
        );
    }
    // 300 orders with their quotes and answers, ledger entries and lots: well over 400 kB.
    let grown = before + 400 * 1024;
    for _ in 0..50 {
        if size() >= grown {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the database file is {} bytes, {before} before 300 orders",
        size()
    );
}
