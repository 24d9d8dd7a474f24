//! Many shop clients at once, over real HTTP: 50 clients post 1,000 orders for one member,
//! every order sent twice by two different clients to two servers on one database. Each order must be recorded once, the
//! duplicates must get the same answer, and the member's balance must equal the sum of the
//! ledger and what the rules give when the orders are replayed in the server's order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rules::quote::{Cart, CartLine, CouponChoice, PointsChoice, QuoteInput, QuoteOptions};
use rules::{Fen, Points, Program, Quote, TierId};
use serde_json::Value;
use sqlx::Row as _;

use crate::support::{order, world, PHONE_A};

const CLIENTS: usize = 50;
const ORDERS: usize = 1_000;
const NOW: &str = "2026-03-10T12:00:00+08:00";

/// Per order id, each (status, body) it was answered with.
type Answers = HashMap<String, Vec<(u16, String)>>;

/// POST with a shop key; (status, body).
fn post(agent: &ureq::Agent, url: &str, key: &str, body: &Value) -> (u16, String) {
    let mut res = agent
        .post(url)
        .header("Authorization", &format!("Bearer {key}"))
        .send_json(body)
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_string().expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_orders_sent_twice_by_fifty_clients_are_recorded_once() {
    let w = world(NOW).await;
    // Two servers on the one database, as two processes would be; the two clients that
    // send an order talk to different servers.
    let (bases, servers) = w.app.serve_two().await;

    // Prices vary so that the tier rises part-way and the order bonus sometimes applies.
    let bodies: Vec<Value> = (0..ORDERS)
        .map(|i| {
            let minute = i % 50;
            let paid = format!("2026-03-10T11:{minute:02}:00+08:00");
            order(
                &format!("SO-{i:04}"),
                PHONE_A,
                &paid,
                1_999 + (i as i64 * 7_919) % 150_000,
            )
        })
        .collect();
    let bodies = Arc::new(bodies);
    let answers: Arc<Mutex<Answers>> = Arc::default();
    let key = w.shop.clone();
    tokio::task::spawn_blocking(move || {
        let threads: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let url = format!("{}/api/v1/orders", bases[c % 2]);
                let (bodies, answers, key) = (bodies.clone(), answers.clone(), key.clone());
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    // Client c sends the orders ≡ c and ≡ c + 1 (mod 50): every order is
                    // sent by two clients, at about the same time.
                    for (i, body) in bodies.iter().enumerate() {
                        if i % CLIENTS == c || (i + 1) % CLIENTS == c {
                            let answer = post(&agent, &url, &key, body);
                            let id = body["order_id"].as_str().unwrap().to_owned();
                            answers.lock().unwrap().entry(id).or_default().push(answer);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("client thread");
        }
        let answers = answers.lock().unwrap();
        assert_eq!(answers.len(), ORDERS);
        for (id, got) in answers.iter() {
            assert_eq!(got.len(), 2, "{id}");
            let mut statuses: Vec<u16> = got.iter().map(|(s, _)| *s).collect();
            statuses.sort();
            assert_eq!(statuses, [200, 201], "{id}: one recorded, one replayed");
            assert_eq!(got[0].1, got[1].1, "{id}: the same answer twice");
        }
    })
    .await
    .unwrap();
    drop(servers);

    let db = &w.app.state.db;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(count, ORDERS as i64);
    let ledger_sum: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger")
            .fetch_one(db)
            .await
            .unwrap();
    let me = w.me(&w.a).await;
    assert_eq!(me["points_balance"], ledger_sum);

    // Replay the orders through the rules in the order the server recorded them.
    let rows = sqlx::query(
        "SELECT o.id, o.paid_at_ms, o.quote FROM orders o \
         JOIN (SELECT order_id, MIN(id) AS first FROM points_ledger GROUP BY order_id) l \
           ON l.order_id = o.id ORDER BY l.first",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(rows.len(), ORDERS);
    let program = Program::default_program();
    let mut member = w.me(&w.b).await["snapshot"].clone(); // a fresh member's snapshot
    member["coupons"] = Value::Array(vec![]);
    let mut snapshot: rules::quote::MemberSnapshot = serde_json::from_value(member).unwrap();
    snapshot.tier = TierId::from("regular");
    // Trailing spend is at each order's paid time: only earlier-recorded orders paid by then.
    let mut recorded: Vec<(i64, Fen)> = vec![];
    for row in rows {
        let id: String = row.try_get(0).unwrap();
        let paid_ms: i64 = row.try_get(1).unwrap();
        let stored: Quote = serde_json::from_str(&row.try_get::<String, _>(2).unwrap()).unwrap();
        let i: usize = id[3..].parse().unwrap();
        let paid = member_center::clock::from_ms(paid_ms, program.offset());
        snapshot.qualifying_spend_fen = recorded
            .iter()
            .filter(|(at, _)| *at <= paid_ms)
            .map(|(_, fen)| *fen)
            .sum();
        let input = QuoteInput {
            now: paid.to_rfc3339(),
            member: snapshot.clone(),
            cart: Cart {
                lines: vec![CartLine {
                    sku: "SKU-1".into(),
                    category: "apparel".into(),
                    unit_price_fen: Fen(1_999 + (i as i64 * 7_919) % 150_000),
                    qty: 1,
                }],
                shipping_fen: Fen(1_000),
            },
            options: QuoteOptions {
                coupon: CouponChoice::None,
                points: PointsChoice::Amount(Points::ZERO),
            },
        };
        let expected = rules::quote(&program, &input).unwrap();
        assert_eq!(stored, expected, "{id}");
        recorded.push((paid_ms, expected.earn_base_fen));
        // The tier follows today's trailing spend as soon as it is known: an order recorded
        // after a later-paid one may lift the member past what its own quote saw.
        let spend_now: Fen = recorded.iter().map(|(_, fen)| *fen).sum();
        snapshot.tier = program.tiers.after(&expected.tier_after, spend_now);
        snapshot.lifetime_spend_fen = expected.lifetime_spend_after_fen;
        snapshot.points_balance = expected.points_balance_after;
        snapshot.first_order = false;
    }
    assert_eq!(me["points_balance"], snapshot.points_balance.get());
    assert_eq!(me["tier"], snapshot.tier.as_str());
}
