//! The real binary serving on a free port, its log captured: for what only the process
//! shows (its log, its command line).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary, given the tests' data keys (as `MC_DATA_KEYS`).
pub fn member_center() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_member-center"));
    command
        .env("MC_DATA_KEYS", crate::helpers::DATA_KEYS)
        .env_remove("MC_DATA_KEYS_FILE");
    command
}

/// Runs `member-center ARGS` to its end, asserts it succeeded, and returns what it
/// printed.
pub fn run_ok(args: &[&str]) -> String {
    run_ok_with(&[], args)
}

/// [`run_ok`] with environment variables of its own (another key file's text).
pub fn run_ok_with(envs: &[(&str, &str)], args: &[&str]) -> String {
    let out = member_center()
        .envs(envs.iter().copied())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "member-center {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub struct ServerProcess {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    child: Child,
    logs: [PathBuf; 2],
}

impl ServerProcess {
    /// `member-center serve` on a free port with `args` and `envs`, its database and its
    /// log in `dir`; returns once `/healthz` answers.
    pub fn start(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let logs = [dir.join("server.out"), dir.join("server.err")];
        let mut command = member_center();
        command
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(args)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("server.db").display()),
            )
            .envs(envs.iter().copied())
            .stdout(Stdio::from(std::fs::File::create(&logs[0]).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&logs[1]).unwrap()));
        let child = command.spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{base}/healthz")).call().is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        ServerProcess { base, child, logs }
    }

    /// Stops the process (after a moment for its last lines) and returns its whole log.
    pub fn stop_and_read_log(mut self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.logs
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// POSTs JSON (blocking) and returns the status, whatever it is.
    pub fn post_status(&self, path: &str, body: &serde_json::Value) -> u16 {
        ureq::post(&format!("{}{path}", self.base))
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(body)
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
