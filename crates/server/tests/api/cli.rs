//! The binary itself: configuration errors exit non-zero with a useful message.

use std::process::Command;

fn member_center() -> Command {
    Command::new(env!("CARGO_BIN_EXE_member-center"))
}

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
    assert!(!ok && text.contains("--code"), "{text}");
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
}
