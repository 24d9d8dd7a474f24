//! Load over real HTTP for the benches: `CLIENTS` threads with a keep-alive connection
//! each, and the figures of their latencies. (Included by each bench with `#[path]`.)

use std::time::{Duration, Instant};

use serde_json::Value;

pub const CLIENTS: usize = 16;
#[allow(dead_code)] // not every bench that includes this file writes
pub const REQUESTS_PER_CLIENT: usize = 250;
/// Reads are cheap: their measurements run longer (16,000 requests, a second or two), so
/// a moment of the machine's noise moves the figure less.
pub const READS_PER_CLIENT: usize = 1_000;

/// Method, URL, bearer token or API key, JSON body, `Idempotency-Key`.
pub type Request = (
    ureq::http::Method,
    String,
    Option<String>,
    Option<Value>,
    Option<String>,
);

/// Throughput and latency of one measurement.
pub struct Figures {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: usize,
    /// CPU time per request of the server (the process but the clients' threads), and of
    /// the clients: they share the machine's cores, so the clients' cost is no server's.
    pub cpu_per_request: Option<(Duration, Duration)>,
    /// The share of the run the order writer's thread was on a CPU, when it ran.
    pub writer_busy: Option<f64>,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} requests from {CLIENTS} clients",
            self.per_second,
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.requests,
        )?;
        // The CPU figures tell a change in what a request costs from the machine's noise,
        // which moves the throughput of the same binary by a tenth from run to run.
        if let Some((server, clients)) = self.cpu_per_request {
            let micros = |d: Duration| d.as_secs_f64() * 1e6;
            write!(
                f,
                ", CPU {:.0} µs/request (server {:.0}, clients {:.0})",
                micros(server + clients),
                micros(server),
                micros(clients)
            )?;
        }
        if let Some(busy) = self.writer_busy {
            write!(f, ", order writer busy {:.0}%", busy * 100.0)?;
        }
        Ok(())
    }
}

/// Which CPU time [`cpu_time`] reads.
enum Cpu<'a> {
    Process,
    /// The thread asking.
    ThisThread,
    /// The process's thread of this name.
    Thread(&'a str),
}

/// CPU time so far, from Linux's `/proc` (`None` elsewhere): a process's in clock ticks
/// of 10 ms (`USER_HZ`, enough over a run of seconds), a thread's in nanoseconds (a client
/// thread runs for a few dozen milliseconds of a run).
fn cpu_time(of: Cpu) -> Option<Duration> {
    let task = match of {
        Cpu::Process => {
            let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
            // After the command's closing parenthesis: state, …; utime and stime are the
            // 12th and 13th fields from there.
            let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
            let ticks =
                fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
            return Some(Duration::from_millis(ticks * 10));
        }
        Cpu::ThisThread => std::path::PathBuf::from("/proc/thread-self"),
        Cpu::Thread(name) => std::fs::read_dir("/proc/self/task")
            .ok()?
            .filter_map(|task| task.ok().map(|t| t.path()))
            .find(|task| {
                std::fs::read_to_string(task.join("comm")).is_ok_and(|comm| comm.trim() == name)
            })?,
    };
    // The time on a CPU, in nanoseconds, is the first field.
    let schedstat = std::fs::read_to_string(task.join("schedstat")).ok()?;
    let ns = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// `CLIENTS` threads, each with a keep-alive connection, send `per_client` requests one
/// after another (`make(client)` says which); every answer must be 2xx.
pub fn measure(per_client: usize, make: &(dyn Fn(usize) -> Request + Sync)) -> Figures {
    let writer_cpu = || cpu_time(Cpu::Thread("order-writer"));
    let (cpu_before, writer_before) = (cpu_time(Cpu::Process), writer_cpu());
    let start = Instant::now();
    let (mut latencies, clients_cpu): (Vec<Duration>, Vec<Option<Duration>>) =
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..CLIENTS)
                .map(|client| {
                    let make = &make;
                    scope.spawn(move || {
                        let agent: ureq::Agent = ureq::Agent::config_builder()
                            .http_status_as_error(false)
                            .build()
                            .into();
                        let cpu_before = cpu_time(Cpu::ThisThread);
                        let latencies = (0..per_client)
                            .map(|_| {
                                let (method, url, bearer, body, key) = make(client);
                                let t = Instant::now();
                                let status = send(&agent, method, &url, bearer, body, key);
                                assert!((200..300).contains(&status), "{url}: {status}");
                                t.elapsed()
                            })
                            .collect::<Vec<_>>();
                        let cpu = cpu_before
                            .zip(cpu_time(Cpu::ThisThread))
                            .map(|(a, b)| b.saturating_sub(a));
                        (latencies, cpu)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("client")).fold(
                (Vec::new(), Vec::new()),
                |(mut all, mut cpus), (l, cpu)| {
                    all.extend(l);
                    cpus.push(cpu);
                    (all, cpus)
                },
            )
        });
    let elapsed = start.elapsed();
    let cpu = cpu_before
        .zip(cpu_time(Cpu::Process))
        .map(|(a, b)| b.saturating_sub(a));
    let clients_cpu: Option<Duration> = clients_cpu.into_iter().sum();
    let writer = writer_cpu().map(|b| b.saturating_sub(writer_before.unwrap_or_default()));
    latencies.sort_unstable();
    let n = latencies.len();
    Figures {
        per_second: n as f64 / elapsed.as_secs_f64(),
        p50: latencies[n / 2],
        p99: latencies[n * 99 / 100],
        requests: n,
        cpu_per_request: cpu.zip(clients_cpu).map(|(all, clients)| {
            let server = all.saturating_sub(clients);
            (server / n as u32, clients / n as u32)
        }),
        writer_busy: writer
            .filter(|w| !w.is_zero())
            .map(|w| w.as_secs_f64() / elapsed.as_secs_f64()),
    }
}

pub fn send(
    agent: &ureq::Agent,
    method: ureq::http::Method,
    url: &str,
    bearer: Option<String>,
    body: Option<Value>,
    key: Option<String>,
) -> u16 {
    let auth = bearer.map(|t| format!("Bearer {t}"));
    let result = match (method, body) {
        (ureq::http::Method::POST, Some(body)) => {
            let mut req = agent.post(url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            if let Some(k) = &key {
                req = req.header("Idempotency-Key", k);
            }
            req.send_json(&body)
        }
        _ => {
            let mut req = agent.get(url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.call()
        }
    };
    let mut res = result.expect("request");
    let _ = res.body_mut().read_to_string();
    res.status().as_u16()
}
