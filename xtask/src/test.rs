//! `cargo xtask test`: everything CI runs, in order, stopping at the first failure, and
//! a closing verdict line (`xtask: N passed, M failed`) for whoever reads the log.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
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
        // The same integration tests as above, each in a fresh schema of this database:
        // the very binary the native step built. (`cargo test --test api` would resolve
        // the dev-dependencies' features differently and rebuild everything: 6 minutes.)
        for binary in test_binaries(ws, |src| src.ends_with("crates/server/tests/api/main.rs"))? {
            run(binary.command().env("MC_TEST_POSTGRES_URL", &url))?;
        }
        Ok(())
    });
    suite.step("rules in headless Chromium (wasm)", || {
        let mut cmd = rules_wasm_test(ws);
        cmd.args(RULES_WASM_TESTS);
        run(&mut cmd)
    });

    // Every part exists now: a missing one is a failure, never a skip. The first
    // screen's profile and the end-to-end tests run the binaries the native tests built.
    let built = crate::profile::Profiler::from_tests(ws);
    suite.step("app build (Trunk page + split wasm, release)", || {
        build(ws, &built)
    });
    suite.step("end-to-end (server + app in Chromium)", || {
        let e2e = ws.root.join("tests/e2e/tests");
        let binaries = test_binaries(ws, |src| src.starts_with(&e2e))?;
        if binaries.is_empty() {
            return Err(format!("{} has no tests", e2e.display()));
        }
        for binary in binaries {
            let mut cmd = binary.command();
            cmd.args(["--ignored", "--test-threads=1"])
                .env("E2E_DIST", ws.dist())
                .env("E2E_SERVER_BIN", &built.server)
                .env("E2E_AXE_JS", ws.axe_js())
                .env("CHROMEDRIVER", "/usr/bin/chromedriver");
            run(&mut cmd)?;
        }
        Ok(())
    });

    suite.summary(start.elapsed())
}

/// One test executable of the workspace's `cargo test` build.
struct TestBinary {
    exe: PathBuf,
    /// Its package's folder: `cargo test` runs a test there, and so do we.
    package_dir: PathBuf,
}

impl TestBinary {
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.current_dir(&self.package_dir);
        cmd
    }
}

/// The executables of `cargo test --workspace` (built if needed, the same artifacts as
/// the native step's) whose source file passes `wanted`. Running them directly keeps
/// the workspace-wide feature resolution, so nothing is compiled twice.
fn test_binaries(ws: &Workspace, wanted: impl Fn(&Path) -> bool) -> Result<Vec<TestBinary>> {
    let mut cmd = ws.cargo();
    cmd.args([
        "test",
        "--workspace",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
    let shown = crate::proc::show(&cmd);
    println!("$ {shown}");
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    let mut found = vec![];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let (Some(exe), Some(src), Some(manifest)) = (
            json_string(line, "executable"),
            json_string(line, "src_path"),
            json_string(line, "manifest_path"),
        ) else {
            continue;
        };
        if wanted(Path::new(&src)) {
            let package_dir = Path::new(&manifest).parent().unwrap_or(&ws.root);
            found.push(TestBinary {
                exe: exe.into(),
                package_dir: package_dir.to_path_buf(),
            });
        }
    }
    Ok(found)
}

/// The string value of `"key":"…"` in one line of cargo's JSON messages. Paths are the
/// only values read, and cargo escapes nothing in them but `\\` and `"`, which a
/// workspace path does not contain.
fn json_string(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let len = line[start..].find('"')?;
    Some(line[start..start + len].to_string())
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
