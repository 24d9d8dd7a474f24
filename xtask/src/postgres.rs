//! A PostgreSQL for the server's test suite: `DATABASE_URL_PG` when set; otherwise the
//! machine's own cluster (Debian's `postgresql`, installed and started when missing), with
//! a role `mc` and a database `mc_test` created afresh for every run.

use std::path::Path;
use std::process::Command;

use crate::install::apt_install;
use crate::proc::{run, stdout_of};
use crate::Result;

const ROLE: &str = "mc";
const DATABASE: &str = "mc_test";

/// The URL of an empty database for the tests.
pub fn test_database() -> Result<String> {
    if let Ok(url) = std::env::var("DATABASE_URL_PG") {
        println!("PostgreSQL from DATABASE_URL_PG");
        return Ok(url);
    }
    if cluster().is_none() {
        apt_install(&["postgresql"])?;
    }
    let (version, name, port, status) =
        cluster().ok_or("no PostgreSQL cluster after installing postgresql")?;
    if status != "online" {
        // No service manager here: start the cluster directly.
        run(Command::new("pg_ctlcluster").args([
            "--skip-systemctl-redirect",
            &version,
            &name,
            "start",
        ]))?;
    }
    let psql = |sql: &str| {
        run(Command::new("su").args([
            "postgres",
            "-c",
            &format!("psql -q -p {port} -v ON_ERROR_STOP=1 -c \"{sql}\""),
        ]))
    };
    let create_role = format!(
        "DO \\$\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN \
         CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE}'; END IF; END \\$\\$"
    );
    psql(&create_role)?;
    psql(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))?;
    psql(&format!("CREATE DATABASE {DATABASE} OWNER {ROLE}"))?;
    Ok(format!(
        "postgres://{ROLE}:{ROLE}@127.0.0.1:{port}/{DATABASE}"
    ))
}

/// The first cluster `pg_lsclusters` lists: (version, name, port, status).
fn cluster() -> Option<(String, String, String, String)> {
    if !Path::new("/usr/bin/pg_lsclusters").exists() {
        return None;
    }
    let out = stdout_of(Command::new("pg_lsclusters").arg("--no-header"))?;
    let line = out.lines().next()?;
    let cols: Vec<&str> = line.split_whitespace().collect();
    match cols.as_slice() {
        [version, name, port, status, ..] => Some((
            version.to_string(),
            name.to_string(),
            port.to_string(),
            status.to_string(),
        )),
        _ => None,
    }
}
