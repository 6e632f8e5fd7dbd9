//! The cost of the allocator through the crate (C ABI + safe wrapper), to compare with the same
//! work on the C++ library directly (`bench/allocator_bench.cpp`: `BM_FillHighRange`,
//! `BM_AllocateIdempotent`). `scripts/bench_rust.sh` runs both and prints the ratios.
//!
//!     cargo bench --offline --bench ffi [FILTER]
//!
//! One line per measure, stable for scripts:
//!
//!     rust/<measure> median_ns=<ns per call> min_ns=<..> max_ns=<..> runs=<n> calls_per_run=<m>
//!
//! Measures (wall time, `std::time::Instant`; building and dropping the allocator untimed):
//! - `fill-1024-65535`: 64,512 distinct names `svc-000000`, `svc-000001`, ... allocated on a
//!   fresh `PortAllocator::new(1024, 65535)` with `allow_registered` until the range is full.
//! - `allocate-idempotent`: `allocate` of a name a 1,000-entry allocator over 20000-29999
//!   already holds (the names cycle), i.e. the cheapest call: mostly FFI and locking.
//!
//! Environment: `HARMONY_PORTS_BENCH_RUNS` (runs per measure, default 9).

use std::hint::black_box;
use std::time::{Duration, Instant};

use harmony_ports::network::{AllocateOptions, PortAllocator};

const FIRST: u16 = 1024;
const LAST: u16 = 65535;
const IDEMPOTENT_CALLS: usize = 1_000_000;

/// `svc-000000`, `svc-000001`, ...: the names bench/allocator_bench.cpp makes.
fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("svc-{i:06}")).collect()
}

fn fail(what: &str, error: &dyn std::fmt::Display) -> ! {
    eprintln!("ffi bench: {what}: {error}");
    std::process::exit(1)
}

fn fill_once(names: &[String], options: &AllocateOptions) -> Duration {
    let allocator = PortAllocator::new(FIRST, LAST);
    let start = Instant::now();
    for name in names {
        match allocator.allocate_with(black_box(name), options) {
            Ok(ports) => {
                black_box(ports);
            }
            Err(error) => fail(name, &error),
        }
    }
    let elapsed = start.elapsed();
    drop(allocator);
    elapsed
}

fn idempotent_once(allocator: &PortAllocator, names: &[String]) -> Duration {
    let start = Instant::now();
    for i in 0..IDEMPOTENT_CALLS {
        let name = &names[i % names.len()];
        match allocator.allocate(black_box(name)) {
            Ok(ports) => {
                black_box(ports);
            }
            Err(error) => fail(name, &error),
        }
    }
    start.elapsed()
}

/// Prints the measure's line: per-call nanoseconds of each run, median, min and max.
fn report(measure: &str, runs: &[Duration], calls: usize) {
    let mut per_call: Vec<f64> = runs
        .iter()
        .map(|run| run.as_nanos() as f64 / calls as f64)
        .collect();
    per_call.sort_by(f64::total_cmp);
    let n = per_call.len();
    let median = if n % 2 == 1 {
        per_call[n / 2]
    } else {
        (per_call[n / 2 - 1] + per_call[n / 2]) / 2.0
    };
    println!(
        "rust/{measure} median_ns={median:.1} min_ns={:.1} max_ns={:.1} runs={n} calls_per_run={calls}",
        per_call[0],
        per_call[n - 1]
    );
}

fn main() {
    // `cargo bench` passes --bench; a plain argument filters the measures by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("HARMONY_PORTS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(9);
    let wanted = |measure: &str| filter.as_deref().map_or(true, |f| measure.contains(f));

    if wanted("fill-1024-65535") {
        let names = names(usize::from(LAST - FIRST) + 1);
        let options = AllocateOptions::new().allow_registered(true);
        fill_once(&names, &options); // warm-up
        let times: Vec<Duration> = (0..runs).map(|_| fill_once(&names, &options)).collect();
        report("fill-1024-65535", &times, names.len());
    }

    if wanted("allocate-idempotent") {
        let names = names(1000);
        let allocator = PortAllocator::new(20000, 29999);
        for name in &names {
            if let Err(error) = allocator.allocate(name) {
                fail(name, &error);
            }
        }
        idempotent_once(&allocator, &names); // warm-up
        let times: Vec<Duration> = (0..runs)
            .map(|_| idempotent_once(&allocator, &names))
            .collect();
        report("allocate-idempotent", &times, IDEMPOTENT_CALLS);
    }
}
