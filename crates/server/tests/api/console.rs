//! The operators' console's API (issue 40): who reaches `/api/admin/*`, the people, stores
//! and shop keys changed there (each change audited), and the audit log read back.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use member_center::db::stores;

use crate::helpers::{spawn_app, TestApp};

const ADMIN: &str = "13700000009";
const ANALYST: &str = "13700000008";
const STAFF: &str = "13700000001";
const MEMBER: &str = "13900000001";

/// Every route of the console: (method, path, body, whether it changes anything).
fn routes() -> Vec<(Method, &'static str, Option<Value>, bool)> {
    vec![
        (Method::GET, "/api/admin/users", None, false),
        (
            Method::POST,
            "/api/admin/users",
            Some(json!({ "phone": "13600000001", "role": "analyst" })),
            true,
        ),
        (Method::GET, "/api/admin/stores", None, false),
        (
            Method::PUT,
            "/api/admin/stores/GZ001",
            Some(json!({ "name": "广州天河店" })),
            true,
        ),
        (Method::GET, "/api/admin/api-keys", None, false),
        (
            Method::POST,
            "/api/admin/api-keys",
            Some(json!({ "name": "shop" })),
            true,
        ),
        (Method::DELETE, "/api/admin/api-keys/key_x", None, true),
        (
            Method::POST,
            "/api/admin/members/lookup",
            Some(json!({ "phone": MEMBER })),
            false,
        ),
        (Method::GET, "/api/admin/members/m_x", None, false),
        (
            Method::POST,
            "/api/admin/members/m_x/points",
            Some(json!({ "points": 5, "reason": "r" })),
            true,
        ),
        (Method::GET, "/api/admin/churn", None, false),
        (Method::GET, "/api/admin/churn.csv", None, false),
        (
            Method::POST,
            "/api/admin/churn/grants",
            Some(json!({ "grant_id": "goodwill-10", "reason": "r" })),
            true,
        ),
        (Method::GET, "/api/admin/churn/grants/b_x", None, false),
        (Method::GET, "/api/admin/dashboard", None, false),
        (
            Method::GET,
            "/api/admin/campaign?from=2027-03-01&to=2027-03-02",
            None,
            false,
        ),
        (Method::GET, "/api/admin/audit", None, false),
        (Method::GET, "/api/admin/audit.csv", None, false),
    ]
}

/// The people of a program: an admin, an analyst, a staff user at SH001 and a shopper;
/// their tokens.
struct Console {
    app: TestApp,
    admin: String,
    analyst: String,
    staff: String,
    member: String,
}

async fn console() -> Console {
    let app = spawn_app().await;
    let db = &app.state.db;
    stores::upsert(db, "SH001", "上海静安店", 0).await.unwrap();
    for (phone, role, store) in [
        (ADMIN, "admin", None),
        (ANALYST, "analyst", None),
        (STAFF, "staff", Some("SH001")),
    ] {
        member_center::cli::create_user(db, role, phone, store)
            .await
            .unwrap();
    }
    Console {
        admin: app.login(ADMIN).await,
        analyst: app.login(ANALYST).await,
        staff: app.login(STAFF).await,
        member: app.login(MEMBER).await,
        app,
    }
}

impl Console {
    async fn call(&self, token: &str, method: Method, path: &str, body: Option<&Value>) -> Value {
        let res = self.app.call(method.clone(), path, Some(token), body).await;
        assert!(
            res.status.is_success(),
            "{method} {path}: {} {}",
            res.status,
            res.text()
        );
        if res.body.is_empty() {
            Value::Null
        } else {
            res.json()
        }
    }

    async fn audit_count(&self) -> i64 {
        self.app.scalar("SELECT COUNT(*) FROM audit_log", &[]).await
    }
}

#[tokio::test]
async fn staff_and_members_are_refused_every_route_and_analysts_every_change() {
    let c = console().await;
    let before = c.audit_count().await;
    for (method, path, body, changes) in routes() {
        let call = |token: Option<String>| {
            let (app, method, body) = (&c.app, method.clone(), body.clone());
            async move {
                app.call(method, path, token.as_deref(), body.as_ref())
                    .await
            }
        };
        call(None)
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
        for who in [&c.member, &c.staff] {
            call(Some(who.clone()))
                .await
                .assert_error(StatusCode::FORBIDDEN, "forbidden");
        }
        let analyst = call(Some(c.analyst.clone())).await;
        if changes {
            analyst.assert_error(StatusCode::FORBIDDEN, "forbidden");
        } else {
            // Let in (an unknown member is a 404 of its own).
            let refused = [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN];
            assert!(
                !refused.contains(&analyst.status),
                "{path}: {}",
                analyst.text()
            );
        }
    }
    // Only the analyst's lookup is on record: reading is audited too.
    let lookups = "SELECT COUNT(*) FROM audit_log WHERE action = 'member_lookup'";
    assert_eq!(c.audit_count().await, before + 1, "nothing else was done");
    assert_eq!(c.app.scalar(lookups, &[]).await, 1);
    assert_eq!(
        c.app
            .scalar("SELECT COUNT(*) FROM stores WHERE code = 'GZ001'", &[])
            .await,
        0
    );
}

/// The walk above covers every route the console's modules register.
#[test]
fn the_walk_knows_every_console_route() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes/admin");
    // `{id}` in a pattern stands for any one segment.
    let matches = |pattern: &str, path: &str| {
        let path = path.split('?').next().unwrap();
        let (p, w): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
        p.len() == w.len() && p.iter().zip(&w).all(|(p, w)| p.starts_with('{') || p == w)
    };
    let mut registered = 0;
    for file in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        for pattern in text.split(".route(\"").skip(1) {
            let pattern = format!("/api{}", pattern.split('"').next().unwrap());
            registered += 1;
            assert!(
                routes()
                    .iter()
                    .any(|(_, path, _, _)| matches(&pattern, path)),
                "{pattern} is not walked"
            );
        }
    }
    assert!(
        registered >= 7,
        "found {registered} routes: the scan is broken"
    );
}

#[tokio::test]
async fn admins_manage_people_stores_and_keys_and_every_change_is_audited() {
    let c = console().await;
    let admin_id = c.call(&c.admin, Method::GET, "/api/me", None).await["id"].clone();

    let store = json!({ "name": " 北京三里屯店 " });
    let saved = c
        .call(
            &c.admin,
            Method::PUT,
            "/api/admin/stores/BJ001",
            Some(&store),
        )
        .await;
    assert_eq!(saved, json!({ "code": "BJ001", "name": "北京三里屯店" }));
    let renamed = json!({ "name": "北京朝阳店" });
    c.call(
        &c.admin,
        Method::PUT,
        "/api/admin/stores/BJ001",
        Some(&renamed),
    )
    .await;

    // A new phone gets an account; a shopper's account is promoted, keeping its id.
    let new_staff = json!({ "phone": "13600000002", "role": "staff", "store": "BJ001" });
    let made = c
        .call(&c.admin, Method::POST, "/api/admin/users", Some(&new_staff))
        .await;
    assert_eq!(made["phone_masked"], "136****0002");
    assert_eq!(
        made["store"],
        json!({ "code": "BJ001", "name": "北京朝阳店" })
    );
    let member_id = c.call(&c.member, Method::GET, "/api/me", None).await["id"].clone();
    let promote = json!({ "phone": MEMBER, "role": "analyst" });
    let promoted = c
        .call(&c.admin, Method::POST, "/api/admin/users", Some(&promote))
        .await;
    assert_eq!(promoted["id"], member_id);
    // At once: the promoted shopper reads the console with the session they had.
    c.call(&c.member, Method::GET, "/api/admin/users", None)
        .await;
    let users = c
        .call(&c.analyst, Method::GET, "/api/admin/users", None)
        .await;
    let mut roles: Vec<(&str, &str)> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["phone_masked"].as_str().unwrap(),
                u["role"].as_str().unwrap(),
            )
        })
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        [
            ("136****0002", "staff"),
            ("137****0001", "staff"),
            ("137****0008", "analyst"),
            ("137****0009", "admin"),
            ("139****0001", "analyst"),
        ]
    );
    // Back to member: the console is closed to them at once.
    let demote = json!({ "phone": MEMBER, "role": "member" });
    c.call(&c.admin, Method::POST, "/api/admin/users", Some(&demote))
        .await;
    c.app
        .call(Method::GET, "/api/admin/users", Some(&c.member), None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");

    // A key: shown once, used, listed with its last use, revoked.
    let created = c
        .call(
            &c.admin,
            Method::POST,
            "/api/admin/api-keys",
            Some(&json!({ "name": "tmall" })),
        )
        .await;
    let (id, key) = (
        created["id"].as_str().unwrap(),
        created["key"].as_str().unwrap(),
    );
    let early_access = "/api/v1/members/m_nobody/early-access?launch=x";
    let used = c.app.call(Method::GET, early_access, Some(key), None).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND, "{}", used.text());
    let listed = wait_for_last_use(&c, id).await;
    assert_eq!(listed["name"], "tmall");
    assert!(listed.get("key").is_none() && !listed.to_string().contains(key));
    c.call(
        &c.admin,
        Method::DELETE,
        &format!("/api/admin/api-keys/{id}"),
        None,
    )
    .await;
    c.app
        .call(Method::GET, early_access, Some(key), None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_api_key");
    let keys = c
        .call(&c.admin, Method::GET, "/api/admin/api-keys", None)
        .await;
    assert!(keys["keys"][0]["revoked_at"].is_string(), "{keys}");

    // The audit log tells each step, by whom, newest first.
    let log = c
        .call(&c.analyst, Method::GET, "/api/admin/audit", None)
        .await;
    let steps: Vec<(&str, &Value)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_id"] == admin_id)
        .map(|e| (e["action"].as_str().unwrap(), &e["detail"]))
        .collect();
    let actions: Vec<&str> = steps.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        actions,
        [
            "api_key_revoked",
            "api_key_created",
            "user_role",
            "user_role",
            "user_role",
            "store_saved",
            "store_saved"
        ]
    );
    assert_eq!(steps[2].1["previous_role"], "analyst");
    assert_eq!(steps[3].1["previous_role"], "member");
    assert_eq!(steps[4].1["registered"], true);
    assert_eq!(steps[5].1["previous_name"], "北京三里屯店");
    assert!(
        !log.to_string().contains("13600000002"),
        "no phone in the log"
    );
}

/// Polls the key list until the background write of the key's use shows.
async fn wait_for_last_use(c: &Console, id: &str) -> Value {
    for _ in 0..100 {
        let keys = c
            .call(&c.admin, Method::GET, "/api/admin/api-keys", None)
            .await;
        let key = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .cloned()
            .expect("listed");
        if key["last_used_at"].is_string() {
            return key;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the key's use was never written down");
}

#[tokio::test]
async fn a_bad_change_is_refused_with_its_code_and_changes_nothing() {
    let c = console().await;
    let me = c.call(&c.admin, Method::GET, "/api/me", None).await;
    let before = c.audit_count().await;
    let cases = [
        (
            Method::PUT,
            "/api/admin/stores/SH%20001",
            json!({ "name": "x" }),
            422,
            "invalid_store_code",
        ),
        (
            Method::PUT,
            "/api/admin/stores/SH002",
            json!({ "name": " " }),
            422,
            "invalid_name",
        ),
        (
            Method::PUT,
            "/api/admin/stores/SH002",
            json!({ "name": "x".repeat(41) }),
            422,
            "invalid_name",
        ),
        (
            Method::POST,
            "/api/admin/users",
            json!({ "phone": "13600000003", "role": "staff" }),
            422,
            "store_required",
        ),
        (
            Method::POST,
            "/api/admin/users",
            json!({ "phone": "13600000003", "role": "staff", "store": "XX9" }),
            422,
            "store_not_found",
        ),
        (
            Method::POST,
            "/api/admin/users",
            json!({ "phone": "12345", "role": "analyst" }),
            422,
            "invalid_phone",
        ),
        (
            Method::POST,
            "/api/admin/users",
            json!({ "phone": "13600000003", "role": "owner" }),
            422,
            "invalid_request",
        ),
        (
            Method::POST,
            "/api/admin/users",
            json!({ "phone": ADMIN, "role": "member" }),
            409,
            "own_role",
        ),
        (
            Method::POST,
            "/api/admin/api-keys",
            json!({ "name": "" }),
            422,
            "invalid_name",
        ),
        (
            Method::DELETE,
            "/api/admin/api-keys/key_nope",
            Value::Null,
            404,
            "api_key_not_found",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let body = (!body.is_null()).then_some(body);
        c.app
            .call(method, path, Some(&c.admin), body.as_ref())
            .await
            .assert_error(StatusCode::from_u16(status).unwrap(), code);
    }
    assert_eq!(c.audit_count().await, before);
    assert_eq!(c.app.scalar("SELECT COUNT(*) FROM stores", &[]).await, 1);
    assert_eq!(c.app.scalar("SELECT COUNT(*) FROM api_keys", &[]).await, 0);
    let phone_index = crate::helpers::phone_index("+8613600000003");
    assert_eq!(
        c.app
            .scalar(
                "SELECT COUNT(*) FROM members WHERE phone_index = $1",
                &[&phone_index]
            )
            .await,
        0,
        "no account was registered"
    );
    let still = c.call(&c.admin, Method::GET, "/api/me", None).await;
    assert_eq!(still["role"], me["role"]);
}

#[tokio::test]
async fn the_audit_log_pages_filters_and_exports() {
    let mut c = console().await;
    c.app.set_now("2027-03-01T10:00:00+08:00");
    // Sessions made at the real time ended months before: new ones.
    c.admin = c.app.login(ADMIN).await;
    c.analyst = c.app.login(ANALYST).await;
    for i in 0..5 {
        let body = json!({ "name": format!("店 {i}") });
        c.call(
            &c.admin,
            Method::PUT,
            &format!("/api/admin/stores/S{i}"),
            Some(&body),
        )
        .await;
    }
    c.app.set_now("2027-03-02T23:59:00+08:00");
    let body = json!({ "name": "late" });
    c.call(&c.admin, Method::POST, "/api/admin/api-keys", Some(&body))
        .await;
    c.app.set_now("2027-03-03T00:01:00+08:00");
    c.call(&c.admin, Method::POST, "/api/admin/api-keys", Some(&body))
        .await;

    // Pages of two, newest first, no row twice or missed (the setup's store was made
    // below the workflows, unaudited).
    let mut seen = vec![];
    let mut path = "/api/admin/audit?action=store_saved&limit=2".to_owned();
    loop {
        let page = c.call(&c.analyst, Method::GET, &path, None).await;
        for e in page["entries"].as_array().unwrap() {
            seen.push(e["detail"]["code"].as_str().unwrap().to_owned());
        }
        match page["next_before"].as_str() {
            Some(next) => {
                path = format!("/api/admin/audit?action=store_saved&limit=2&before={next}")
            }
            None => break,
        }
    }
    assert_eq!(seen, ["S4", "S3", "S2", "S1", "S0"]);

    // Local dates, both ends included: the 2nd holds the key made at 23:59 only.
    let day = c
        .call(
            &c.analyst,
            Method::GET,
            "/api/admin/audit?from=2027-03-02&to=2027-03-02",
            None,
        )
        .await;
    let actions: Vec<&str> = day["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["api_key_created"]);
    let by_actor = c
        .call(
            &c.analyst,
            Method::GET,
            "/api/admin/audit?actor=nobody",
            None,
        )
        .await;
    assert_eq!(by_actor["entries"], json!([]));

    for (query, code) in [
        ("before=x", "invalid_cursor"),
        ("limit=0", "invalid_limit"),
        ("limit=201", "invalid_limit"),
        ("from=2027-3-1", "invalid_date"),
        ("from=2027-03-02&to=2027-03-01", "invalid_range"),
        ("sort=asc", "invalid_query"),
    ] {
        c.app
            .call(
                Method::GET,
                &format!("/api/admin/audit?{query}"),
                Some(&c.analyst),
                None,
            )
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    }

    // The spreadsheet: every row the filters name, Chinese intact for Excel.
    let csv = c
        .app
        .call(
            Method::GET,
            "/api/admin/audit.csv?action=store_saved",
            Some(&c.analyst),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.header("content-disposition").contains("audit.csv"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv.body[3..]);
    assert_eq!(
        reader.headers().unwrap(),
        vec!["at", "actor_id", "action", "member_id", "detail"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(&rows[0][0], "2027-03-01T10:00:00+08:00");
    let detail: Value = serde_json::from_str(&rows[0][4]).unwrap();
    assert_eq!(detail["name"], "店 4");
}
