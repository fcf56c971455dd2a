//! Speed of `ProcessPoolExecutor`: round trip of a no-op task, throughput of 10,000 no-op
//! tasks, `map` with and without a chunksize, and pool start-up (the figures asked for in
//! issue 5, with Python's beside them in README.md).
//!
//! A plain bench binary rather than criterion: the workers are this binary started again, so it
//! needs its own `main` with the worker hook first, and medians of single round trips say more
//! than criterion's means here. Each figure is measured several times; the range is printed.
//!
//! ```text
//! cargo bench -p executor-core --bench process_pool
//! taskset -c 0 cargo bench -p executor-core --bench process_pool   # pinned to one CPU
//! ```

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
use executor_core::{Executor, MapOptions, ProcessPoolExecutor};

fn no_op(_: ()) {}
fn identity(n: u64) -> u64 {
    n
}
static NO_OP: Function<(), ()> = Function::new("no_op", no_op);
static IDENTITY: Function<u64, u64> = Function::new("identity", identity);
static FUNCTIONS: &[&dyn RemoteFunction] = &[&NO_OP, &IDENTITY];

const ROUNDS: usize = 5;

fn main() {
    run_worker_if_child(FUNCTIONS);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    println!("ProcessPoolExecutor({workers}), {ROUNDS} rounds each; min .. max over rounds");
    let pool = ProcessPoolExecutor::new(workers).expect("workers > 0");
    // Start every worker before measuring.
    let warm: Vec<_> = (0..workers * 4)
        .map(|_| pool.submit(NO_OP.call(())).expect("running"))
        .collect();
    warm.into_iter()
        .for_each(|f| f.into_result().expect("no-op"));

    report("round trip, median (µs)", || {
        let mut trips: Vec<Duration> = (0..2_000)
            .map(|_| {
                let start = Instant::now();
                pool.submit(NO_OP.call(()))
                    .expect("running")
                    .into_result()
                    .expect("no-op");
                start.elapsed()
            })
            .collect();
        trips.sort();
        trips[trips.len() / 2].as_secs_f64() * 1e6
    });
    report("10,000 no-op submit + wait (tasks/s)", || {
        let start = Instant::now();
        let futures: Vec<_> = (0..10_000)
            .map(|_| pool.submit(NO_OP.call(())).expect("running"))
            .collect();
        futures
            .into_iter()
            .for_each(|f| f.into_result().expect("no-op"));
        10_000.0 / start.elapsed().as_secs_f64()
    });
    for (chunksize, items) in [(1, 10_000), (100, 1_000_000)] {
        let options = MapOptions::new().chunksize(NonZeroUsize::new(chunksize).expect("> 0"));
        report(&format!("map, chunksize {chunksize} (items/s)"), || {
            let start = Instant::now();
            let sum: u64 = pool
                .map_with(IDENTITY, 0..items, options)
                .expect("running")
                .map(|n| n.expect("identity"))
                .sum();
            assert_eq!(sum, items * (items - 1) / 2);
            items as f64 / start.elapsed().as_secs_f64()
        });
    }
    drop(pool);
    report("start-up: create, first result, shutdown (ms)", || {
        let mut times: Vec<Duration> = (0..20)
            .map(|_| {
                let start = Instant::now();
                let pool = ProcessPoolExecutor::new(1).expect("1 > 0");
                pool.submit(NO_OP.call(()))
                    .expect("running")
                    .into_result()
                    .expect("no-op");
                pool.shutdown(true, false);
                start.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e3
    });
}

fn report(what: &str, mut measure: impl FnMut() -> f64) {
    let values: Vec<f64> = (0..ROUNDS).map(|_| measure()).collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    println!("{what:48} {min:>12.1} .. {max:.1}");
}
