//! Speed of `ProcessPoolExecutor`: round trip of a no-op task, throughput of 10,000 no-op
//! tasks, `map` with and without a chunksize, and pool start-up (the figures asked for in
//! issue 5, with Python's beside them in README.md).
//!
//! The workers are this binary started again, so it has its own `main` (`harness = false`) with
//! the worker hook first, and drives criterion from there. Before criterion's figures (means
//! of batches), it prints a quick summary: medians of single round trips and the range of each
//! figure over a few rounds, which say more here (an idle core takes 60–90 µs to wake on the
//! reference VM).
//!
//! ```text
//! cargo bench -p executor-core --bench process_pool
//! taskset -c 0 cargo bench -p executor-core --bench process_pool   # pinned to one CPU
//! ```

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
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

/// Set in a child copy of this binary: echo stdin to stdout, byte by byte (the floor below).
const ECHO: &str = "PROCESS_POOL_BENCH_ECHO";

fn main() {
    run_worker_if_child(FUNCTIONS);
    if std::env::var_os(ECHO).is_some() {
        echo();
    }
    let mut criterion = Criterion::default().configure_from_args();
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let pool = ProcessPoolExecutor::new(workers).expect("workers > 0");
    // Start every worker before measuring.
    let warm: Vec<_> = (0..workers * 4)
        .map(|_| pool.submit(NO_OP.call(())).expect("running"))
        .collect();
    warm.into_iter()
        .for_each(|f| f.into_result().expect("no-op"));

    summary(&pool, workers);
    measured_by_criterion(&mut criterion, &pool);
    drop(pool);
    criterion.final_summary();
}

/// The same work as the summary, timed by criterion.
fn measured_by_criterion(criterion: &mut Criterion, pool: &ProcessPoolExecutor) {
    let mut group = criterion.benchmark_group("process_pool");
    group.sample_size(20);
    group.bench_function("round_trip", |b| {
        b.iter(|| {
            pool.submit(NO_OP.call(()))
                .expect("running")
                .into_result()
                .expect("no-op");
        });
    });
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("10k_no_op_tasks", |b| {
        b.iter(|| no_op_tasks(pool, 10_000));
    });
    for (chunksize, items) in [(1, 10_000), (100, 100_000)] {
        group.throughput(Throughput::Elements(items));
        group.bench_function(format!("map_chunksize_{chunksize}"), |b| {
            b.iter(|| map_identity(pool, items, chunksize));
        });
    }
    group.throughput(Throughput::Elements(1));
    group.bench_function("start_up_first_result_shut_down", |b| {
        b.iter(start_first_result_shut_down);
    });
    group.finish();
}

/// Submits `tasks` no-op tasks, then waits for them all.
fn no_op_tasks(pool: &ProcessPoolExecutor, tasks: usize) {
    let futures: Vec<_> = (0..tasks)
        .map(|_| pool.submit(NO_OP.call(())).expect("running"))
        .collect();
    futures
        .into_iter()
        .for_each(|f| f.into_result().expect("no-op"));
}

/// `map` of the identity over `0..items`, checked by its sum.
fn map_identity(pool: &ProcessPoolExecutor, items: u64, chunksize: usize) {
    let options = MapOptions::new().chunksize(NonZeroUsize::new(chunksize).expect("> 0"));
    let sum: u64 = pool
        .map_with(IDENTITY, 0..items, options)
        .expect("running")
        .map(|n| n.expect("identity"))
        .sum();
    assert_eq!(sum, items * (items - 1) / 2);
}

/// A pool of one, its first result, and its shutdown: what a short program pays.
fn start_first_result_shut_down() {
    let pool = ProcessPoolExecutor::new(1).expect("1 > 0");
    pool.submit(NO_OP.call(()))
        .expect("running")
        .into_result()
        .expect("no-op");
    pool.shutdown(true, false);
}

/// Medians and ranges over a few rounds, printed before criterion runs.
fn summary(pool: &ProcessPoolExecutor, workers: usize) {
    println!("ProcessPoolExecutor({workers}), {ROUNDS} rounds each; min .. max over rounds");
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
    let mut echo = EchoChild::start();
    report("floor: one byte to a child and back (µs)", || {
        let mut trips: Vec<Duration> = (0..2_000).map(|_| echo.round_trip()).collect();
        trips.sort();
        trips[trips.len() / 2].as_secs_f64() * 1e6
    });
    drop(echo);
    report("10,000 no-op submit + wait (tasks/s)", || {
        let start = Instant::now();
        no_op_tasks(pool, 10_000);
        10_000.0 / start.elapsed().as_secs_f64()
    });
    for (chunksize, items) in [(1, 10_000), (100, 1_000_000)] {
        report(&format!("map, chunksize {chunksize} (items/s)"), || {
            let start = Instant::now();
            map_identity(pool, items, chunksize);
            items as f64 / start.elapsed().as_secs_f64()
        });
    }
    report("start-up: create, first result, shutdown (ms)", || {
        let mut times: Vec<Duration> = (0..20)
            .map(|_| {
                let start = Instant::now();
                start_first_result_shut_down();
                start.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e3
    });
}

/// The least any process pool's round trip can cost on this system: a byte through a pipe to
/// another process, which writes it back (two wake-ups, two pipe writes, no work). Under Wine
/// this is where most of a round trip goes.
struct EchoChild {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: std::process::ChildStdout,
}

impl EchoChild {
    fn start() -> EchoChild {
        use std::process::{Command, Stdio};
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env(ECHO, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the echo child");
        let to = child.stdin.take().expect("piped");
        let from = child.stdout.take().expect("piped");
        EchoChild { child, to, from }
    }

    fn round_trip(&mut self) -> Duration {
        use std::io::{Read, Write};
        let start = Instant::now();
        self.to.write_all(&[1]).expect("echo child alive");
        let mut byte = [0];
        self.from.read_exact(&mut byte).expect("echo child alive");
        start.elapsed()
    }
}

impl Drop for EchoChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn echo() -> ! {
    use std::io::{Read, Write};
    let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
    let mut byte = [0];
    while input.read_exact(&mut byte).is_ok() {
        if output
            .write_all(&byte)
            .and_then(|()| output.flush())
            .is_err()
        {
            break;
        }
    }
    std::process::exit(0)
}

fn report(what: &str, mut measure: impl FnMut() -> f64) {
    let values: Vec<f64> = (0..ROUNDS).map(|_| measure()).collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    println!("{what:48} {min:>12.1} .. {max:.1}");
}
