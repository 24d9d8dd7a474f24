//! The binary itself: configuration errors exit non-zero with a useful message.

use crate::process::{member_center, run_ok};

#[test]
fn an_invalid_program_file_names_the_field_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut program: serde_json::Value =
        serde_json::from_str(rules::program::DEFAULT_PROGRAM_JSON).unwrap();
    program["tiers"][2]["threshold_fen"] = 100.into();
    let file = dir.path().join("program.json");
    std::fs::write(&file, program.to_string()).unwrap();
    let out = member_center()
        .args(["serve", "--addr", "127.0.0.1:0", "--program"])
        .arg(&file)
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tiers[2].threshold_fen"), "{stderr}");
}

#[test]
fn migrate_creates_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let out = member_center()
        .arg("migrate")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists());
}

#[test]
fn a_bad_frame_ancestor_is_refused() {
    let out = member_center()
        .args([
            "serve",
            "--frame-ancestors",
            "https://a.example;script-src *",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("frame ancestor"));
}

#[test]
fn stores_are_created_listed_and_required_for_staff() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let run = |args: &[&str]| {
        let out = member_center()
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, text) = run(&["store", "create", "--code", "SH 001", "--name", "x"]);
    assert!(!ok && text.contains("store code"), "{text}");
    let (ok, text) = run(&["store", "create", "--code", "SH001", "--name", "上海静安店"]);
    assert!(ok, "{text}");
    let (ok, text) = run(&["store", "list"]);
    assert!(ok && text.contains("SH001\t上海静安店"), "{text}");
    // Staff need a store, and one that exists.
    let staff = [
        "user",
        "create",
        "--role",
        "staff",
        "--phone",
        "13700000001",
    ];
    let (ok, text) = run(&staff);
    assert!(!ok && text.contains("--store"), "{text}");
    let (ok, text) = run(&[&staff[..], &["--store", "BJ001"]].concat());
    assert!(!ok && text.contains("no store BJ001"), "{text}");
    let (ok, text) = run(&[&staff[..], &["--store", "SH001"]].concat());
    assert!(ok && text.contains("staff account"), "{text}");
    let (ok, text) = run(&["user", "list"]);
    assert!(ok, "{text}");
    let line = text.lines().find(|l| l.contains("\tstaff\t")).expect(&text);
    assert!(line.contains("137****0001\tSH001"), "{line}");
    assert!(!text.contains("13700000001"), "phones are masked: {text}");

    // Shop keys: made, listed (never the key itself), revoked.
    let (ok, text) = run(&["api-key", "create", "--name", "my shop"]);
    assert!(ok, "{text}");
    let id = text.split_whitespace().nth(2).unwrap().to_owned();
    let key = text.lines().last().unwrap().trim().to_owned();
    assert!(id.starts_with("key_") && key.starts_with("mc_"), "{text}");
    let (ok, text) = run(&["api-key", "list"]);
    assert!(
        ok && text.contains(&format!("{id}\tmy shop\tcreated ")),
        "{text}"
    );
    assert!(
        text.contains("last used -\trevoked -") && !text.contains(&key),
        "{text}"
    );
    let (ok, text) = run(&["api-key", "revoke", "--id", &id]);
    assert!(ok, "{text}");
    let (_, text) = run(&["api-key", "list"]);
    assert!(!text.contains("revoked -"), "{text}");
    let (ok, text) = run(&["api-key", "revoke", "--id", &id]);
    assert!(!ok && text.contains("no live API key"), "{text}");

    // Each change is audited, by the command line (no actor).
    let conn = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    let mut actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log WHERE actor_id IS NULL ORDER BY action")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    actions.dedup();
    assert_eq!(
        actions,
        [
            "api_key_created",
            "api_key_revoked",
            "store_saved",
            "user_role"
        ]
    );
}

#[test]
fn a_real_sms_sender_is_refused_beside_the_development_modes_or_half_configured() {
    let run = |args: &[&str]| {
        let out = member_center()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env(
                "MC_SMS_WEBHOOK_SECRET",
                "a-webhook-secret-of-32-characters!",
            )
            .env("DATABASE_URL", "sqlite::memory:")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} started");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let hook = [
        "--sms-sender",
        "webhook",
        "--sms-webhook-url",
        "https://sms.example.com/hook",
    ];
    for mode in ["--dev-codes", "--demo"] {
        let err = run(&[&hook[..], &[mode]].concat());
        assert!(
            err.contains("cannot run with --dev-codes or --demo"),
            "{err}"
        );
    }
    let err = run(&["--sms-sender", "webhook"]);
    assert!(err.contains("--sms-webhook-url"), "{err}");
    let err = run(&[
        "--sms-sender",
        "webhook",
        "--sms-webhook-url",
        "http://sms.example.com/x",
    ]);
    assert!(err.contains("must be https://"), "{err}");
}

#[test]
fn a_run_by_hand_is_recorded_and_shown_by_jobs_status() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let status = || run_ok(&["jobs", "status", "--database-url", &url]);
    assert!(status().contains("no job runs yet"));
    let printed = run_ok(&[
        "jobs",
        "run",
        "--date",
        "2026-12-01",
        "--database-url",
        &url,
    ]);
    let report: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(report["evaluation"], "2026-12-01");
    let shown = status();
    assert!(shown.starts_with("2026-12-01  started "), "{shown}");
    assert!(shown.contains(" cli:"), "{shown}");
    assert!(
        shown.contains("\"members_checked_for_expiry\":0"),
        "{shown}"
    );
}

#[test]
fn backup_and_restore_by_the_commands_as_the_operations_guide_shows() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    let (live, new) = (url("live.db"), url("new.db"));
    let admin = [
        "user",
        "create",
        "--role",
        "admin",
        "--phone",
        "13800000000",
    ];
    run_ok(&[&admin[..], &["--database-url", &live]].concat());
    let file = dir.path().join("nightly.backup");
    let file = file.to_str().unwrap();
    let said = run_ok(&["backup", "--to", file, "--database-url", &live]);
    assert!(said.starts_with("backup written to "), "{said}");
    let restored = run_ok(&["restore", "--from", file, "--database-url", &new]);
    let check: serde_json::Value = serde_json::from_str(&restored).unwrap();
    assert_eq!(check["members"], 1);
    assert_eq!(check["balance_mismatches"], serde_json::json!([]));
    let out = member_center()
        .args(["restore", "--from", file, "--database-url", &live])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a database in use is not replaced unasked"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replace"));
}

#[test]
fn keys_generate_prints_a_key_file_a_server_reads() {
    let text = run_ok(&["keys", "generate"]);
    let keys = member_center::vault::Keyring::parse(&text).unwrap();
    assert_eq!(keys.current_id(), "k1");
    assert_ne!(
        text,
        run_ok(&["keys", "generate"]),
        "fresh random keys each time"
    );
}

#[test]
fn serve_refuses_to_start_without_the_data_keys_and_a_demo_has_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    let out = member_center()
        .env_remove("MC_DATA_KEYS")
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("member-center keys generate") && err.contains("--data-keys-file"),
        "{err}"
    );

    // A key file named by the flag; one that is not a key file is refused with its name.
    let file = dir.path().join("keys");
    let create_with_file = || {
        member_center()
            .env_remove("MC_DATA_KEYS")
            .args([
                "user",
                "create",
                "--role",
                "member",
                "--phone",
                "13900000001",
            ])
            .args(["--database-url", &url, "--data-keys-file"])
            .arg(&file)
            .output()
            .unwrap()
    };
    std::fs::write(&file, "not a key file").unwrap();
    let out = create_with_file();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("keys: `not`"),
        "{err}"
    );
    std::fs::write(&file, run_ok(&["keys", "generate"])).unwrap();
    let out = create_with_file();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The tests' keys are not that file's: the database refuses them, saying why.
    let out = member_center()
        .args([
            "user",
            "create",
            "--role",
            "member",
            "--phone",
            "13900000002",
        ])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("`index` key"),
        "{err}"
    );

    // A demo without keys starts (on a database of its own).
    let demo_url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let server = crate::process::ServerProcess::start(
        dir.path(),
        &["--demo", "--database-url", &demo_url],
        &[("MC_DATA_KEYS", "")],
    );
    drop(server);
}
