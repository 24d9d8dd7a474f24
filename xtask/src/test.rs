//! `cargo xtask test`: everything CI runs, in order, stopping at the first failure, and
//! a closing verdict line (`xtask: N passed, M failed`) for whoever reads the log.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::proc::{run, took};
use crate::{build, install, Result, Workspace};

/// The wasm tests of the rules crate. Only these targets: the property tests use
/// proptest, which is native only.
const RULES_WASM_TESTS: [&str; 4] = ["--test", "wasm", "--test", "wasm_bench"];

enum Outcome {
    Passed(Duration),
    Failed(Duration, String),
}

struct Suite {
    steps: Vec<(&'static str, Outcome)>,
}

impl Suite {
    /// Runs one step unless an earlier one failed.
    fn step(&mut self, name: &'static str, f: impl FnOnce() -> Result) {
        if self.failed() {
            return;
        }
        println!("\n== xtask test: {name} ==");
        let start = Instant::now();
        let outcome = match f() {
            Ok(()) => Outcome::Passed(start.elapsed()),
            Err(e) => Outcome::Failed(start.elapsed(), e),
        };
        self.steps.push((name, outcome));
    }

    fn failed(&self) -> bool {
        self.steps
            .iter()
            .any(|(_, o)| matches!(o, Outcome::Failed(..)))
    }

    fn summary(&self, total: Duration) -> ExitCode {
        let (mut passed, mut failed) = (0, 0);
        println!("\n== xtask test: summary ({}) ==", took(total));
        for (name, outcome) in &self.steps {
            match outcome {
                Outcome::Passed(d) => {
                    passed += 1;
                    println!("  ok       {name} ({})", took(*d));
                }
                Outcome::Failed(d, e) => {
                    failed += 1;
                    println!("  FAILED   {name} ({}): {e}", took(*d));
                }
            }
        }
        if failed > 0 {
            println!("  (stopped at the first failure; later steps did not run)");
        }
        // Alone on its line, one word and a colon before it: the log reader's verdict.
        println!("xtask: {passed} passed, {failed} failed");
        if failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

pub fn all(ws: &Workspace) -> ExitCode {
    let start = Instant::now();
    let mut suite = Suite { steps: vec![] };
    let cargo = |args: &[&str]| {
        let mut cmd = ws.cargo();
        cmd.args(args);
        cmd
    };

    suite.step("install", || install::all(ws));
    suite.step("fmt", || run(&mut cargo(&["fmt", "--all", "--check"])));
    suite.step("clippy (native)", || {
        run(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    suite.step("clippy (wasm32: the app, the rules' browser tests)", || {
        let wasm = ["--target", "wasm32-unknown-unknown"];
        let deny = ["--", "-D", "warnings"];
        run(cargo(&["clippy", "-p", "member-center-app"])
            .args(wasm)
            .args(deny))?;
        // These files are compiled for wasm32 only, so the native clippy never sees them.
        run(cargo(&["clippy", "-p", "member-rules"])
            .args(RULES_WASM_TESTS)
            .args(wasm)
            .args(deny))
    });
    suite.step("tests (native)", || {
        run(&mut cargo(&["test", "--workspace"]))
    });
    suite.step("server API tests on PostgreSQL", || {
        let url = crate::postgres::test_database()?;
        // The same integration tests as above, each in a fresh schema of this database.
        run(cargo(&["test", "--workspace", "--test", "api"]).env("MC_TEST_POSTGRES_URL", url))
    });
    suite.step("rules in headless Chromium (wasm)", || {
        let mut cmd = rules_wasm_test(ws);
        cmd.args(RULES_WASM_TESTS);
        run(&mut cmd)
    });

    // Every part exists now: a missing one is a failure, never a skip.
    suite.step("app build (Trunk page + split wasm, release)", || build(ws));
    suite.step("end-to-end (server + app in Chromium)", || {
        // Everything with `--workspace`, as in the native tests: `-p` would resolve
        // other features and rebuild the whole dependency tree (3+ minutes).
        run(&mut cargo(&["test", "--workspace", "--no-run"]))?;
        let server_bin = ws.target_dir.join("debug").join("member-center");
        let mut cmd = cargo(&["test", "--workspace"]);
        for target in e2e_test_targets(ws)? {
            cmd.args(["--test", &target]);
        }
        cmd.args(["--", "--ignored", "--test-threads=1"])
            .env("E2E_DIST", ws.dist())
            .env("E2E_SERVER_BIN", server_bin)
            .env("E2E_AXE_JS", ws.axe_js())
            .env("CHROMEDRIVER", "/usr/bin/chromedriver");
        run(&mut cmd)
    });

    suite.summary(start.elapsed())
}

/// The test targets of tests/e2e (its `tests/*.rs`), selected by name so that the run
/// can keep `--workspace`.
fn e2e_test_targets(ws: &Workspace) -> Result<Vec<String>> {
    let dir = ws.root.join("tests/e2e/tests");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let is_rs = path.extension().is_some_and(|ext| ext == "rs");
            is_rs.then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("{} has no tests", dir.display()));
    }
    Ok(names)
}

/// `cargo test -p member-rules --target wasm32-unknown-unknown`, run by
/// wasm-bindgen-test-runner in headless Chromium (crates/rules/webdriver.json).
pub fn rules_wasm_test(ws: &Workspace) -> Command {
    let mut cmd = ws.cargo();
    cmd.args([
        "test",
        "-p",
        "member-rules",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", "/usr/bin/chromedriver");
    cmd
}
