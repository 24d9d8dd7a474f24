//! `member-center keys rotate` beside a server taking orders: killed midway, run again,
//! nothing lost, nothing left on the old key (issue 39 §3).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::Row as _;

use crate::helpers::DATA_KEYS;
use crate::process::{member_center, run_ok, run_ok_with, ServerProcess};
use crate::support::order;

const MEMBERS: usize = 60;

fn phone(i: usize) -> String {
    format!("1370000{i:04}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_killed_and_resumed_under_an_order_stream_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("server.db").display());
    let db_arg = ["--database-url", url.as_str()];
    let mut ids = vec![];
    for i in 0..MEMBERS {
        let said = run_ok(
            &[
                &["user", "create", "--role", "member", "--phone", &phone(i)][..],
                &db_arg,
            ]
            .concat(),
        );
        ids.push(said.split_whitespace().nth(2).unwrap().to_owned());
    }
    let key = run_ok(&[&["api-key", "create", "--name", "shop"][..], &db_arg].concat())
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();

    // The new key goes first in the file, the old one stays for what it sealed.
    let index = DATA_KEYS.lines().next().unwrap();
    let k1 = DATA_KEYS.lines().nth(1).unwrap();
    let k2 = run_ok(&["keys", "new", "--id", "k2"]).trim().to_owned();
    let rotated = format!("{index}\n{k2}\n{k1}\n");
    let server = ServerProcess::start(dir.path(), &[], &[("MC_DATA_KEYS", &rotated)]);

    let stop = Arc::new(AtomicBool::new(false));
    let stream = {
        let (base, key, stop) = (server.base.clone(), key.clone(), stop.clone());
        let paid = (chrono::Utc::now() - chrono::Duration::minutes(1))
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .to_rfc3339();
        std::thread::spawn(move || {
            let mut statuses = vec![];
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n < 100 {
                let body = order(&format!("R-{n}"), &phone(n % MEMBERS), &paid, 10_000);
                let status = ureq::post(&format!("{base}/api/v1/orders"))
                    .header("Authorization", &format!("Bearer {key}"))
                    .config()
                    .http_status_as_error(false)
                    .build()
                    .send_json(&body)
                    .unwrap()
                    .status()
                    .as_u16();
                statuses.push(status);
                n += 1;
            }
            statuses
        })
    };

    // The first rotation is killed after its first batch.
    let mut first = member_center()
        .env("MC_DATA_KEYS", &rotated)
        .args([&["keys", "rotate", "--batch", "2"][..], &db_arg].concat())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("members: ") {
            break;
        }
    }
    first.kill().unwrap();
    assert!(
        !first.wait().unwrap().success(),
        "killed before it finished"
    );
    // Run again: it goes on from where the first stopped.
    let second = run_ok_with(
        &[("MC_DATA_KEYS", &rotated)],
        &[&["keys", "rotate", "--batch", "2"][..], &db_arg].concat(),
    );
    assert!(
        second.contains("no value is sealed with `k1` any more"),
        "{second}"
    );
    // It found fewer to do than there are members: the first had done its part.
    let to_do: usize = second
        .lines()
        .find_map(|l| {
            l.strip_prefix("members: ")?
                .split(" of ")
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0);
    assert!(to_do < MEMBERS, "{second}");
    stop.store(true, Ordering::Relaxed);
    let statuses = stream.join().unwrap();
    assert!(
        statuses.iter().all(|s| *s == 201),
        "every order was taken: {statuses:?}"
    );
    drop(server);

    let db = member_center::db::connect(&url).await.unwrap();
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(orders as usize, statuses.len());
    let rows = sqlx::query("SELECT id, phone, points_balance FROM members ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), MEMBERS);
    for row in rows {
        let phone: String = row.try_get("phone").unwrap();
        assert!(phone.starts_with("v1.k2."), "{phone}");
        let id: String = row.try_get("id").unwrap();
        let ledger: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger WHERE member_id = $1",
        )
        .bind(&id)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(
            row.try_get::<i64, _>("points_balance").unwrap(),
            ledger,
            "{id}"
        );
    }
    let kept: Vec<String> = sqlx::query_scalar("SELECT key_id FROM vault_keys ORDER BY key_id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(kept, ["index", "k2"]);

    // Without `k1` in the file, the members are found and read.
    let without_k1 = format!("{index}\n{k2}\n");
    let said = run_ok_with(
        &[("MC_DATA_KEYS", &without_k1)],
        &[
            &["user", "create", "--role", "member", "--phone", &phone(7)][..],
            &db_arg,
        ]
        .concat(),
    );
    assert!(said.contains(&ids[7]), "{said} is {}", ids[7]);
}
