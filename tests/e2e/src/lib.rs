//! Harness for the end-to-end tests: starts the real `member-center` binary on a free
//! port with a fresh SQLite file and the built app, starts chromedriver, and opens a
//! headless Chromium the size of a phone.
//!
//! The tests need a built app and the server binary; `cargo xtask test` provides both
//! through `E2E_DIST` and `E2E_SERVER_BIN`, and runs them with `--ignored`.

pub mod cdp;
pub mod host_site;
pub mod pages;
pub mod sms_receiver;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

/// The phone the screenshots are taken at.
pub const VIEWPORT: (u32, u32) = (375, 667);

/// A child process started in a process group of its own, which is ended whole when
/// dropped: chromedriver's Chromium and all of Chromium's helpers (renderers, the GPU
/// and network services, the zygote) are in it, so a test, passing or failing, leaves
/// nothing running for the next one. The drop returns once no process of the group is
/// left (zombies aside: they run nothing).
pub struct KillOnDrop(pub Child);

impl KillOnDrop {
    /// Spawns `command` as the leader of a new process group.
    pub fn spawn(command: &mut Command) -> std::io::Result<KillOnDrop> {
        use std::os::unix::process::CommandExt;
        command.process_group(0).spawn().map(KillOnDrop)
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let group = self.0.id() as i32;
        // First asked to stop (Chromium then ends its helpers itself), then killed.
        for (signal, patience) in [
            ("-TERM", Duration::from_secs(5)),
            ("-KILL", Duration::from_secs(10)),
        ] {
            // kill(1) with a negative pid signals the whole group (no unsafe libc call).
            let _ = Command::new("kill")
                .args([signal, "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
            let _ = self.0.try_wait();
            let deadline = Instant::now() + patience;
            while !processes_in_group(group).is_empty() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
                let _ = self.0.try_wait();
            }
            if processes_in_group(group).is_empty() {
                break;
            }
        }
        let _ = self.0.wait();
        let left = processes_in_group(group);
        assert!(
            left.is_empty() || std::thread::panicking(),
            "processes of group {group} still running: {left:?}"
        );
    }
}

/// The processes of a process group that are still running (not zombies), by pid, from
/// `/proc/PID/stat`.
pub fn processes_in_group(group: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|entry| {
            let pid: i32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses.
            let mut after = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
            let (state, _ppid, pgrp) = (after.next()?, after.next()?, after.next()?);
            (state != "Z" && pgrp.parse() == Ok(group)).then_some(pid)
        })
        .collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn env_path(name: &str) -> PathBuf {
    let value = std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end tests with `cargo xtask test`")
    });
    let path = PathBuf::from(value);
    assert!(path.exists(), "{name}={} does not exist", path.display());
    path
}

/// Waits until a TCP port accepts connections, or panics naming what did not start.
fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The server under test.
pub struct Server {
    /// `http://127.0.0.1:PORT`: the origin.
    pub base_url: String,
    /// Its `--base-path` (`/member`), empty at the root.
    pub prefix: String,
    database_url: String,
    _process: KillOnDrop,
    _data: TempDir,
}

/// The servers' key file (`member-center keys generate`'s shape), given as
/// `MC_DATA_KEYS` to the server and to the command line run beside it.
const DATA_KEYS: &str = "index:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n\
                         k1:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=\n";

impl Server {
    pub fn start_demo() -> Server {
        Server::start_demo_with(&[])
    }

    /// The demo server with more `serve` flags (`--frame-ancestors …`).
    pub fn start_demo_with(flags: &[&str]) -> Server {
        Server::start_with(&[&["--demo"], flags].concat())
    }

    /// A server as a shop runs it (no `--demo`: no personas, no codes on screen), with
    /// `flags` for `serve`.
    pub fn start_with(flags: &[&str]) -> Server {
        let bin = env_path("E2E_SERVER_BIN");
        let dist = env_path("E2E_DIST");
        let data = TempDir::new("e2e-db");
        let database_url = format!("sqlite://{}", data.0.join("e2e.db").display());
        let port = free_port();
        let process = KillOnDrop::spawn(
            Command::new(bin)
                .env("MC_DATA_KEYS", DATA_KEYS)
                .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
                .arg("--dist")
                .arg(dist)
                .arg("--database-url")
                .arg(&database_url)
                .args(flags)
                .stdout(Stdio::null())
                .stderr(Stdio::inherit()),
        )
        .expect("the server starts");
        wait_for_port(port, "member-center");
        let prefix = flags
            .iter()
            .position(|flag| *flag == "--base-path")
            .and_then(|at| flags.get(at + 1))
            .map(|base| base.trim_end_matches('/').to_owned())
            .unwrap_or_default();
        Server {
            base_url: format!("http://127.0.0.1:{port}"),
            prefix,
            database_url,
            _process: process,
            _data: data,
        }
    }

    /// Where the app is: the origin and the `--base-path`, no trailing slash.
    /// Every byte the server's SQLite database holds on disk now: the file and its
    /// write-ahead log (what a thief copying the folder gets).
    pub fn database_bytes(&self) -> Vec<u8> {
        let path = self
            .database_url
            .strip_prefix("sqlite://")
            .expect("an SQLite database");
        let mut bytes = std::fs::read(path).expect("the database file");
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        bytes
    }

    pub fn site_url(&self) -> String {
        format!("{}{}", self.base_url, self.prefix)
    }

    /// Places `order` (an `/api/v1/orders` body without `paid_at`) through the shop's API
    /// with a new API key, paid at the server's now (as `GET /api/me` tells `token`), and
    /// returns the answer, checked to be the order's.
    pub fn place_order(&self, token: &str, mut order: serde_json::Value) -> serde_json::Value {
        let printed = self.cli(&["api-key", "create", "--name", "shop"]);
        let key = printed.lines().last().expect("the key").trim().to_owned();
        order["paid_at"] = self.get_json_as("/api/me", token)["now"].clone();
        let placed = self.post_json_as("/api/v1/orders", &key, &order);
        assert_eq!(placed["order_id"], order["order_id"], "{placed}");
        placed
    }

    /// Runs the server's command line on its database (`store create …`, `user create …`)
    /// while it serves, as an operator would.
    /// Returns what it printed.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(env_path("E2E_SERVER_BIN"))
            .env("MC_DATA_KEYS", DATA_KEYS)
            .args(args)
            .arg("--database-url")
            .arg(&self.database_url)
            .output()
            .expect("the command line runs");
        assert!(out.status.success(), "member-center {}", args.join(" "));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A host's login link for a member by phone, opening `return_to`, as a shop's
    /// backend mints it with an API key of its own (issue 15): the URL and its code.
    pub fn login_link(&self, phone: &str, return_to: &str) -> (String, String) {
        let printed = self.cli(&["api-key", "create", "--name", "host"]);
        let key = printed.lines().last().expect("the key").trim().to_owned();
        let link = self.post_json_as(
            "/api/v1/members/login-links",
            &key,
            &serde_json::json!({ "phone": phone, "return_to": return_to }),
        );
        let url = format!("{}{}", self.base_url, link["url"].as_str().expect("url"));
        (url, link["code"].as_str().expect("code").to_owned())
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        ureq::get(&format!("{}{path}", self.site_url()))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .body_mut()
            .read_json()
            .expect("JSON")
    }

    /// `GET` as a logged-in member: the session token as `Authorization: Bearer`.
    pub fn get_json_as(&self, path: &str, token: &str) -> serde_json::Value {
        ureq::get(&format!("{}{path}", self.site_url()))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .body_mut()
            .read_json()
            .expect("JSON")
    }

    /// The status of a `GET` with a session token (e.g. 401 once it has ended).
    pub fn status_as(&self, path: &str, token: &str) -> u16 {
        ureq::get(&format!("{}{path}", self.site_url()))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .map(|r| r.status().as_u16())
            .unwrap_or_else(|e| match e {
                ureq::Error::StatusCode(code) => code,
                other => panic!("GET {path}: {other}"),
            })
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        self.post_json_as(path, "", body)
    }

    /// `POST` as a logged-in member with an `Idempotency-Key` (a redemption, say): the
    /// status and the answer, refusals included.
    pub fn post_json_keyed(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut answer = ureq::post(&format!("{}{path}", self.site_url()))
            .config()
            .http_status_as_error(false)
            .build()
            .header("Authorization", &format!("Bearer {token}"))
            .header("Idempotency-Key", key)
            .send_json(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = answer.status().as_u16();
        (status, answer.body_mut().read_json().expect("JSON"))
    }

    /// `POST` with `Authorization: Bearer {token}` (a shop's API key); none when empty.
    pub fn post_json_as(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> serde_json::Value {
        let mut request = ureq::post(&format!("{}{path}", self.site_url()));
        if !token.is_empty() {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        request
            .send_json(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
            .body_mut()
            .read_json()
            .expect("JSON")
    }
}

/// A demo server and a phone-sized browser logged in there as `phone` (a demo member, or
/// a new one registered by the login): the session token, once home shows the member.
pub async fn demo_member(phone: &str) -> (Server, Browser, String) {
    let server = Server::start_demo();
    let browser = Browser::start().await;
    let token = pages::LoginPage(&browser.client)
        .log_in(&server.base_url, phone)
        .await;
    (server, browser, token)
}

/// A headless Chromium behind its own chromedriver.
pub struct Browser {
    pub client: Client,
    /// The emulated phone's screen, CSS pixels.
    pub viewport: (u32, u32),
    driver: KillOnDrop,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_at(VIEWPORT).await
    }

    /// A browser emulating a phone of this screen size (CSS pixels).
    pub async fn start_at(viewport: (u32, u32)) -> Browser {
        Browser::start_with(viewport, serde_json::json!({})).await
    }

    /// A browser that refuses every cookie (and with them storage), like a web-view
    /// configured to: the app must keep its session as a token.
    pub async fn start_without_cookies() -> Browser {
        let prefs = serde_json::json!({ "profile.default_content_setting_values.cookies": 2 });
        Browser::start_with(VIEWPORT, prefs).await
    }

    async fn start_with(viewport: (u32, u32), prefs: serde_json::Value) -> Browser {
        let port = free_port();
        let driver = KillOnDrop::spawn(
            Command::new(
                std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
            )
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        )
        .expect("chromedriver starts (apt-get install chromium-driver)");
        wait_for_port(port, "chromedriver");
        let profile = TempDir::new("e2e-chromium");
        let (w, h) = viewport;
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--lang=zh-CN",
                    // No crash handler: it starts in a session of its own, outside the
                    // process group the test ends.
                    "--disable-crash-reporter", "--disable-breakpad",
                    format!("--user-data-dir={}", profile.0.display()),
                ],
                "mobileEmulation": { "deviceMetrics": { "width": w, "height": h, "pixelRatio": 2.0 } },
                "prefs": prefs
            }
        });
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        Browser {
            client,
            viewport,
            driver,
            _profile: profile,
        }
    }

    /// The process group of chromedriver and its Chromium, ended whole on drop.
    pub fn process_group(&self) -> i32 {
        self.driver.0.id() as i32
    }

    /// Ends the WebDriver session (the browser and its driver stop when dropped).
    pub async fn close(self) {
        self.client
            .clone()
            .close()
            .await
            .expect("close the browser");
    }

    /// Saves a screenshot under `tests/artifacts/` (kept by CI as a test artifact), after
    /// checking that every sum of money on the screen is written the one way
    /// ([`money_format_problems`]): each screen the tests look at is checked. A coupon's
    /// face (`data-money="face"`: `¥30`, `满100可用`, `rules::money::coupon_face`) is the
    /// one exception, as on every printed coupon.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let read = self
            .client
            .execute(
                "return [document.body.innerText,
                         [...document.querySelectorAll('[data-money=face]')].map((e) => e.innerText)];",
                vec![],
            )
            .await
            .expect("the page's text");
        let (text, faces): (String, Vec<String>) =
            serde_json::from_value(read).expect("the text and the faces");
        let problems: Vec<String> = money_format_problems(&text)
            .into_iter()
            .filter(|p| !faces.iter().any(|face| face.contains(p.as_str())))
            .collect();
        assert!(
            problems.is_empty(),
            "{name}: money not written as ¥1,234.56: {problems:?}"
        );
        // Nothing wider than the screen: no sideways scrolling on a phone.
        let overflow = self
            .client
            .execute(
                "const d = document.documentElement; return d.scrollWidth - d.clientWidth;",
                vec![],
            )
            .await
            .expect("the page's width");
        assert_eq!(
            overflow.as_i64(),
            Some(0),
            "{name}: the page is wider than the {}px screen",
            self.viewport.0
        );
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let path = dir.join(format!(
            "{name}-{}x{}.png",
            self.viewport.0, self.viewport.1
        ));
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

impl Browser {
    /// A screenshot named `name` (its path printed for the log), and axe-core's findings
    /// on the page as it is, each line starting with `what` and the viewport.
    pub async fn look(&self, name: &str, what: &str) -> Vec<String> {
        let shot = self.screenshot(name).await;
        println!("screenshot: {}", shot.display());
        let (w, h) = self.viewport;
        self.accessibility_violations()
            .await
            .into_iter()
            .map(|v| format!("{what} {w}x{h}: {v}"))
            .collect()
    }

    /// The serious and critical accessibility violations axe-core finds on the page as it
    /// is now (contrast, names, labels, ARIA, targets…), one line each: rule, impact, the
    /// first elements. axe-core comes from `E2E_AXE_JS` (`cargo xtask install` puts it in
    /// `.tools/`) and is injected into the page here, never shipped with the app.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let loaded: serde_json::Value = self
            .client
            .execute("return typeof window.axe !== 'undefined';", vec![])
            .await
            .expect("look for axe");
        if loaded != serde_json::Value::Bool(true) {
            let path = std::env::var("E2E_AXE_JS")
                .expect("E2E_AXE_JS: axe.min.js of npm axe-core (run through `cargo xtask test`)");
            let axe = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {path}: {e} (run `cargo xtask install`)"));
            self.client
                .execute(&format!("{axe}\nreturn true;"), vec![])
                .await
                .expect("inject axe-core");
        }
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { resultTypes: ['violations'] }).then(r => done(
                     r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                         v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
                   ), e => done([`axe failed: ${e}`]));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A temporary directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sums of money in `text` that break the app's one format (`rules::money::format_yuan`:
/// `¥`, yuan grouped by thousands, two decimals): `¥3,200`, `¥1234.50`, `10元`. A `¥` not
/// followed by a digit (`¥X` in a hint) is no amount.
pub fn money_format_problems(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut problems = vec![];
    for (i, c) in chars.iter().enumerate() {
        let number = |from: usize| -> String {
            chars[from..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == ',' || **c == '.')
                .collect::<String>()
                .trim_end_matches(['.', ','])
                .to_owned()
        };
        match c {
            '¥' | '￥' => {
                let amount = number(i + 1);
                if !amount.is_empty() && !is_formatted_yuan(&amount) {
                    problems.push(format!("¥{amount}"));
                }
            }
            '元' if i > 0 && chars[i - 1].is_ascii_digit() => {
                let start = (0..i)
                    .rev()
                    .take_while(|&j| chars[j].is_ascii_digit() || chars[j] == '.')
                    .last()
                    .unwrap_or(i);
                problems.push(chars[start..=i].iter().collect());
            }
            _ => {}
        }
    }
    problems
}

/// `1,234.56`, `0.05`: digits grouped by three with commas, and exactly two decimals.
fn is_formatted_yuan(amount: &str) -> bool {
    let Some((whole, cents)) = amount.split_once('.') else {
        return false;
    };
    let groups: Vec<&str> = whole.split(',').collect();
    cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
        && (groups[0] != "0" || groups.len() == 1)
}

#[cfg(test)]
mod tests {
    use super::money_format_problems;

    #[test]
    fn money_in_one_format() {
        assert!(money_format_problems("还差¥123.45，已消费 ¥1,876.55 共 -¥3.20 ¥X").is_empty());
        assert_eq!(
            money_format_problems("¥3,200 和 ¥1234.50，满¥100减¥15.0，10元券，¥0.5"),
            ["¥3,200", "¥1234.50", "¥100", "¥15.0", "10元", "¥0.5"]
        );
    }
}
