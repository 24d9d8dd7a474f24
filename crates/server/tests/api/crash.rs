//! A crash in the middle of a stream of orders: the real binary is killed with SIGKILL while
//! a shop client is posting, restarted, and the shop resends everything it has no answer
//! for (here: everything). No order may be lost or recorded twice, and the ledger must add
//! up: balance = Σ ledger = Σ open lots − debt.

use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Row as _;

use crate::process::member_center;
use crate::support::order;

const ORDERS: usize = 400;
const KILL_AFTER_ACKS: usize = 120;
const PHONE: &str = "13700000001";

/// Runs a CLI command against the database and returns its stdout.
fn cli(url: &str, args: &[&str]) -> String {
    crate::process::run_ok(&[args, &["--database-url", url]].concat())
}

/// The server process; killed (SIGKILL) and reaped when dropped, a failed test included.
struct Server(Child);

impl Server {
    /// SIGKILL now, and wait for the process to be gone.
    fn kill(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(url: &str, port: u16) -> Server {
    let child = member_center()
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("http://127.0.0.1:{port}/api/program"))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server(child)
}

fn post(agent: &ureq::Agent, port: u16, key: &str, body: &Value) -> Option<u16> {
    agent
        .post(&format!("http://127.0.0.1:{port}/api/v1/orders"))
        .header("Authorization", &format!("Bearer {key}"))
        .send_json(body)
        .ok()
        .map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_then_resend_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::test_database_url(&dir).await;
    cli(
        &url,
        &["user", "create", "--role", "member", "--phone", PHONE],
    );
    let key = cli(&url, &["api-key", "create", "--name", "crash-test"]);
    let key = key.lines().last().unwrap().trim().to_owned();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let paid = (chrono::Utc::now() - chrono::Duration::minutes(1))
        .fixed_offset()
        .to_rfc3339();
    let bodies: Vec<Value> = (0..ORDERS)
        .map(|i| order(&format!("CR-{i:04}"), PHONE, &paid, 5_000 + i as i64 * 13))
        .collect();

    let url2 = url.clone();
    let acked = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let mut server = Some(start(&url2, port));
        let mut acked = 0;
        let mut killed = false;
        for body in &bodies {
            match post(&agent, port, &key, body) {
                Some(201) => acked += 1,
                Some(status) => panic!("{status} for {}", body["order_id"]),
                None => assert!(killed, "a request failed before the kill"),
            }
            if acked == KILL_AFTER_ACKS && !killed {
                // SIGKILL: no shutdown, no flush, transactions cut wherever they are.
                server.take().expect("running").kill();
                killed = true;
            }
        }
        // Restart and resend everything: the ones with an answer must replay (200), the
        // others are recorded now (201).
        let server = start(&url2, port);
        for (i, body) in bodies.iter().enumerate() {
            let status = post(&agent, port, &key, body).expect("the restarted server answers");
            let expected = if i < KILL_AFTER_ACKS { 200 } else { 201 };
            assert_eq!(status, expected, "{}", body["order_id"]);
        }
        server.kill();
        acked
    })
    .await
    .unwrap();
    assert_eq!(acked, KILL_AFTER_ACKS);

    let db = member_center::db::connect(&url).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(count, ORDERS as i64);
    let row = sqlx::query(
        "SELECT m.points_balance, m.points_debt, \
           (SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger l WHERE l.member_id = m.id), \
           (SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM point_lots p WHERE p.member_id = m.id), \
           (SELECT CAST(COUNT(DISTINCT order_id) AS BIGINT) FROM points_ledger l WHERE l.member_id = m.id AND kind = 'earn') \
         FROM members m WHERE m.phone_index = $1",
    )
    .bind(crate::helpers::phone_index(&format!("+86{PHONE}")))
    .fetch_one(&db)
    .await
    .unwrap();
    let [balance, debt, ledger, lots, earned_orders]: [i64; 5] =
        std::array::from_fn(|i| row.try_get(i).unwrap());
    assert_eq!(balance, ledger);
    assert_eq!(balance, lots - debt);
    assert_eq!(
        earned_orders, ORDERS as i64,
        "each order earned exactly once"
    );
}
