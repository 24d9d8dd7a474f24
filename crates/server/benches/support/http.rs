//! Load over real HTTP for the benches: `CLIENTS` clients with a keep-alive connection
//! each, and the figures of their latencies. (Included by each bench with `#[path]`.)

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{header, Method, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

pub const CLIENTS: usize = 16;
#[allow(dead_code)] // not every bench that includes this file writes
pub const REQUESTS_PER_CLIENT: usize = 250;
/// Reads are cheap: their measurements run longer (16,000 requests, a second or two), so
/// a moment of the machine's noise moves the figure less.
pub const READS_PER_CLIENT: usize = 1_000;

/// Method, URL, bearer token or API key, JSON body (its text: the clients share the
/// server's cores, so they do not build a `Value` to serialize it), `Idempotency-Key`.
pub type Request = (
    Method,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Throughput and latency of one measurement.
pub struct Figures {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: usize,
    /// CPU time per request of the server (the process but the clients' thread), and of
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
/// of 10 ms (`USER_HZ`, enough over a run of seconds), a thread's in nanoseconds (the
/// clients' thread runs for a tenth of a second or so of a run).
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

/// `CLIENTS` clients, each on a keep-alive connection of its own, send `per_client`
/// requests one after another (`make(client)` says which); every answer must be 2xx.
///
/// The clients are tasks on one thread of their own (`bench-clients`, hyper's HTTP/1.1
/// client), as load generators such as wrk run many connections on few threads: the
/// clients share the server's two cores, and sixteen blocking threads of ureq took a
/// fifth of them (about 60 µs of CPU per request) and a context switch or more each per
/// request, where these take a third of that.
pub fn measure(per_client: usize, make: &(dyn Fn(usize) -> Request + Sync)) -> Figures {
    let writer_cpu = || cpu_time(Cpu::Thread("order-writer"));
    let (cpu_before, writer_before) = (cpu_time(Cpu::Process), writer_cpu());
    let start = Instant::now();
    let (mut latencies, clients_cpu) = std::thread::scope(|scope| {
        let clients = std::thread::Builder::new()
            .name("bench-clients".into())
            .spawn_scoped(scope, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the clients' runtime");
                let cpu_before = cpu_time(Cpu::ThisThread);
                let clients = (0..CLIENTS).map(|client| run_client(client, per_client, make));
                let latencies = runtime.block_on(futures_util::future::join_all(clients));
                let cpu = cpu_before
                    .zip(cpu_time(Cpu::ThisThread))
                    .map(|(a, b)| b.saturating_sub(a));
                (latencies.concat(), cpu)
            })
            .expect("the clients' thread");
        clients.join().expect("the clients")
    });
    let elapsed = start.elapsed();
    let cpu = cpu_before
        .zip(cpu_time(Cpu::Process))
        .map(|(a, b)| b.saturating_sub(a));
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

/// One client: its connection (opened before the first request, not timed) and the
/// latency of each of its requests.
async fn run_client(
    client: usize,
    requests: usize,
    make: &(dyn Fn(usize) -> Request + Sync),
) -> Vec<Duration> {
    let mut connection = None;
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let (method, url, bearer, body, key) = make(client);
        let uri: Uri = url.parse().expect("a URL");
        let authority = uri.authority().expect("a URL with a host").clone();
        let sender = match &mut connection {
            Some(sender) => sender,
            None => connection.insert(connect(authority.as_str()).await),
        };
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(uri.path_and_query().map_or("/", |p| p.as_str()))
            .header(header::HOST, authority.as_str());
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let body = Full::new(Bytes::from(body.unwrap_or_default()));
        let request = request.body(body).expect("a request");
        let t = Instant::now();
        sender.ready().await.expect("the connection");
        let response = sender.send_request(request).await.expect("an answer");
        let status = response.status();
        response.into_body().collect().await.expect("its body");
        latencies.push(t.elapsed());
        assert!(status.is_success(), "{url}: {status}");
    }
    latencies
}

async fn connect(authority: &str) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .expect("the server");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("an HTTP/1.1 connection");
    tokio::spawn(connection);
    sender
}
