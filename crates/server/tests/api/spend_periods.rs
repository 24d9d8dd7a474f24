//! The trailing spend is read from `spend_periods` (each member's 30-day sums, kept by
//! triggers on `orders`) plus the orders at the window's two edges. It must equal the
//! plain sum over the orders for any window: after inserts, refunds, moves and deletions,
//! and after the migration that fills the periods from the orders already stored.

use member_center::db::members::{self, SPEND_PERIOD_MS};
use member_center::db::{self, Db};

use crate::helpers::test_database_url;
use crate::support::insert_order;

const DAY_MS: i64 = 86_400_000;
const YEAR_MS: i64 = 365 * DAY_MS;
/// The migration that adds `spend_periods` is the first after this one.
const BEFORE_SPEND_PERIODS: i64 = 20261202000012;
/// An instant in 2026 on a period boundary, the middle of the orders' span.
const BASE_MS: i64 = 685 * SPEND_PERIOD_MS;

/// Deterministic pseudo-random numbers (a 64-bit LCG), so a failure replays exactly.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as i64
    }
}

/// `count` orders for each member at random times over two years around [`BASE_MS`] (and
/// a few days ahead), some exactly on a period's edges, some refunded in part.
async fn insert_orders(db: &Db, rng: &mut Lcg, members: &[String], prefix: &str, count: usize) {
    for i in 0..count {
        let member = &members[i % members.len()];
        let paid_at_ms = match i % 5 {
            // On a period's first or last millisecond, or the one after.
            0 => {
                (BASE_MS / SPEND_PERIOD_MS + rng.below(25) - 12) * SPEND_PERIOD_MS + rng.below(3)
                    - 1
            }
            _ => BASE_MS - YEAR_MS + rng.below(2 * YEAR_MS + 5 * DAY_MS),
        };
        let id = format!("{prefix}-{i}");
        insert_order(db, &id, member, paid_at_ms, 1 + rng.below(50_000)).await;
        if rng.below(3) == 0 {
            refund_some(db, rng, &id).await;
        }
    }
}

async fn refund_some(db: &Db, rng: &mut Lcg, id: &str) {
    sqlx::query(
        "UPDATE orders SET refunded_fen = refunded_fen + (earn_base_fen - refunded_fen) * $1 / 4 \
         WHERE id = $2",
    )
    .bind(1 + rng.below(4))
    .bind(id)
    .execute(db)
    .await
    .expect("a refund");
}

/// The trailing spend of `member` over (from, at] as a plain sum over the orders.
async fn summed_over_orders(db: &Db, member: &str, from: i64, at: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(earn_base_fen - refunded_fen), 0) AS BIGINT) FROM orders \
         WHERE member_id = $1 AND paid_at_ms > $2 AND paid_at_ms <= $3",
    )
    .bind(member)
    .bind(from)
    .bind(at)
    .fetch_one(db)
    .await
    .expect("the plain sum")
}

/// Every window's end: random instants, a period's edges, and ends whose window starts on
/// a period's edge. Returns how many windows held any spend (so the test sees real sums).
async fn assert_every_window_agrees(db: &Db, rng: &mut Lcg, members: &[String]) -> usize {
    let mut ends: Vec<i64> = (0..60)
        .map(|_| BASE_MS - YEAR_MS + rng.below(2 * YEAR_MS + 10 * DAY_MS))
        .collect();
    for k in -3..=3 {
        let edge = BASE_MS + k * SPEND_PERIOD_MS;
        ends.extend([edge - 1, edge, edge + 1]);
        ends.extend([edge + YEAR_MS - 1, edge + YEAR_MS, edge + YEAR_MS + 1]);
    }
    let mut nonzero = 0;
    for member in members {
        for &at in &ends {
            let from = at - YEAR_MS;
            let expected = summed_over_orders(db, member, from, at).await;
            let read = members::trailing_spend(&mut &*db, member, from, at)
                .await
                .unwrap();
            assert_eq!(read.0, expected, "member {member}, window ({from}, {at}]");
            nonzero += usize::from(expected != 0);
        }
    }
    nonzero
}

#[tokio::test]
async fn the_trailing_spend_from_periods_equals_the_sum_over_orders() {
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&test_database_url(&dir).await).await.unwrap();
    let mut rng = Lcg(20261202);
    // Orders stored by a server from before the periods: the migration fills them in.
    db::migrate_until(&db, BEFORE_SPEND_PERIODS).await.unwrap();
    let mut members = vec![];
    // Members as that schema has them (today's registration writes later columns).
    for (i, phone) in ["+8613900000011", "+8613900000012", "+8613900000013"]
        .iter()
        .enumerate()
    {
        let id = format!("m_{i}");
        sqlx::query(
            "INSERT INTO members (id, phone, nickname, tier, created_at, updated_at) \
             VALUES ($1, $2, '', 'regular', '2026-01-01T00:00:00+08:00', \
               '2026-01-01T00:00:00+08:00')",
        )
        .bind(&id)
        .bind(*phone)
        .execute(&db)
        .await
        .unwrap();
        members.push(id);
    }
    insert_orders(&db, &mut rng, &members[..2], "before", 240).await;
    db::migrate(&db).await.unwrap();
    assert!(assert_every_window_agrees(&db, &mut rng, &members).await > 100);

    // Orders, refunds, a moved order and deletions after it: the triggers keep up.
    insert_orders(&db, &mut rng, &members, "after", 240).await;
    for i in (0..240).step_by(7) {
        refund_some(&db, &mut rng, &format!("after-{i}")).await;
    }
    sqlx::query("UPDATE orders SET paid_at_ms = paid_at_ms - $1 WHERE id = 'before-3'")
        .bind(2 * SPEND_PERIOD_MS)
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM orders WHERE id LIKE 'before-1%'")
        .execute(&db)
        .await
        .unwrap();
    assert!(assert_every_window_agrees(&db, &mut rng, &members).await > 150);
}
