//! The quote's time natively (`cargo xtask bench`, or `cargo bench -p member-rules
//! --profile server`): each call timed on its own with `Instant` after a warm-up,
//! then the median and the 99th percentile. Target: median ≤ 20 µs.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "support/input.rs"]
mod input;

const WARM_UP: usize = 2_000;
const SAMPLES: usize = 20_000;
const TARGET: Duration = Duration::from_micros(20);

fn main() {
    let (program, input) = input::bench_input();
    for _ in 0..WARM_UP {
        black_box(member_rules::quote(black_box(&program), black_box(&input)).ok());
    }
    let mut times: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            black_box(member_rules::quote(black_box(&program), black_box(&input)).ok());
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    let median = times[SAMPLES / 2];
    let p99 = times[SAMPLES * 99 / 100];
    let verdict = if median <= TARGET { "within" } else { "OVER" };
    println!(
        "quote native (5 lines, 20 coupons): median {:.2} µs, p99 {:.2} µs, min {:.2} µs \
         over {SAMPLES} calls; {verdict} the {} µs target",
        micros(median),
        micros(p99),
        micros(times[0]),
        TARGET.as_micros()
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
