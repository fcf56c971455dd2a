//! Speed of the thread pool beside its peers: the `threadpool` crate, rayon's `scope` and tokio's
//! `spawn_blocking` (the reference figures in issue 2, and the table in README.md).
//!
//! * **throughput**: 1,000,000 no-op tasks submitted, then all awaited, on pools created once;
//! * **four submitters**: the same million tasks submitted from four threads at once (250,000
//!   each, each thread then awaiting its own), against `threadpool` fed the same way: what a
//!   shared lock on the submit path costs;
//! * **round trip**: submit one task, wait for its result, 100,000 times. Criterion reports the
//!   mean; the median and tail of single round trips, which matter more here (an idle core on a
//!   VM takes 60–90 µs to wake), are printed first, by `round_trip_distribution`, beside a
//!   *handoff floor* measured right after (two bare threads passing a token: two context
//!   switches per trip on one CPU, the least any pool can do there).
//!
//! ```text
//! cargo bench -p executor-core --bench throughput
//! taskset -c 0 cargo bench -p executor-core --bench throughput   # pinned to one CPU
//! ```

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use executor_core::{Executor, ThreadPoolExecutor, default_max_workers};

const TASKS: u64 = 1_000_000;
const TRIPS: usize = 100_000;

/// A group for runs of a million tasks: each iteration takes about half a second, so ten samples
/// in ten seconds instead of criterion's default hundred.
fn million_task_group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(TASKS));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.warm_up_time(Duration::from_secs(1));
    group
}

/// The measured work: submit `tasks` no-op tasks to `pool`, then await every one of them.
fn submit_then_await_noops(pool: &ThreadPoolExecutor, tasks: u64) {
    let futures = (0..tasks)
        .map(|_| pool.submit(|| ()))
        .collect::<Result<Vec<_>, _>>()
        .expect("pool is running");
    for future in futures {
        future.into_result().expect("no-op task");
    }
}

fn throughput(c: &mut Criterion) {
    let mut group = million_task_group(c, "throughput_1M_noop");

    let ours = ThreadPoolExecutor::default();
    group.bench_function("executor_core", |b| {
        b.iter(|| submit_then_await_noops(&ours, TASKS));
    });

    let peer = threadpool::ThreadPool::new(default_max_workers());
    group.bench_function("threadpool", |b| {
        b.iter(|| {
            for _ in 0..TASKS {
                peer.execute(|| ());
            }
            peer.join();
        });
    });

    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(default_max_workers())
        .build()
        .expect("rayon pool");
    group.bench_function("rayon_scope", |b| {
        b.iter(|| {
            rayon_pool.scope(|scope| {
                for _ in 0..TASKS {
                    scope.spawn(|_| ());
                }
            });
        });
    });

    // The same number of blocking threads as the other pools; tokio's default of 512 threads
    // contending for one queue on two cores ran about ten times slower.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(default_max_workers())
        .build()
        .expect("tokio runtime");
    group.bench_function("tokio_spawn_blocking", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| tokio::task::spawn_blocking(|| ()))
                    .collect();
                for handle in handles {
                    handle.await.expect("no-op task");
                }
            });
        });
    });
    group.finish();
}

fn four_submitters(c: &mut Criterion) {
    const SUBMITTERS: u64 = 4;
    let mut group = million_task_group(c, "throughput_1M_noop_4_submitters");

    let ours = ThreadPoolExecutor::default();
    group.bench_function("executor_core", |b| {
        b.iter(|| {
            std::thread::scope(|scope| {
                for _ in 0..SUBMITTERS {
                    scope.spawn(|| submit_then_await_noops(&ours, TASKS / SUBMITTERS));
                }
            });
        });
    });

    let peer = threadpool::ThreadPool::new(default_max_workers());
    group.bench_function("threadpool", |b| {
        b.iter(|| {
            std::thread::scope(|scope| {
                for _ in 0..SUBMITTERS {
                    let peer = peer.clone();
                    scope.spawn(move || {
                        for _ in 0..TASKS / SUBMITTERS {
                            peer.execute(|| ());
                        }
                    });
                }
            });
            peer.join();
        });
    });
    group.finish();
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("round_trip");
    group.throughput(Throughput::Elements(1));
    let ours = ThreadPoolExecutor::default();
    group.bench_function("executor_core", |b| {
        b.iter(|| {
            let future = ours.submit(|| black_box(1)).expect("pool is running");
            black_box(future.into_result().expect("task returns"));
        });
    });
    let peer = threadpool::ThreadPool::new(default_max_workers());
    group.bench_function("threadpool_with_channel", |b| {
        b.iter(|| {
            let (tx, rx) = mpsc::sync_channel(1);
            peer.execute(move || tx.send(black_box(1)).expect("receiver waits"));
            black_box(rx.recv().expect("task sends"));
        });
    });
    group.finish();
}

/// Times `TRIPS` single round trips one by one and prints their median, mean, p99 and max,
/// then the same for the handoff floor ([`handoff_floor`]), taken right after, and the ratio of
/// the medians.
fn round_trip_distribution() {
    let pool = ThreadPoolExecutor::default();
    for _ in 0..1_000 {
        let _ = pool.submit(|| ()).map(executor_core::Future::into_result);
    }
    let ours = time_trips(|| {
        let future = pool.submit(|| black_box(1)).expect("pool is running");
        black_box(future.into_result().expect("task returns"));
    });
    let floor = handoff_floor();
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    println!("round_trip_distribution ({TRIPS} trips, {cpus} CPU(s) available):");
    print_distribution("executor-core", &ours);
    print_distribution("handoff floor", &floor);
    println!(
        "  executor-core median / floor median = {:.2}",
        median(&ours) as f64 / median(&floor) as f64
    );
}

/// The least any round trip through another thread costs here: two threads pass a token back
/// and forth through one atomic, each yielding its CPU while it waits for the token.
///
/// With one CPU (`taskset -c 0`) each trip is then two context switches and nothing else: the
/// waiting thread must step aside for the other to run, twice. No pool whose tasks run on
/// threads of their own can do with less, so this is the floor for the pinned round trip, on
/// this machine, in these minutes. With several CPUs the two threads mostly find the token
/// without yielding, so the floor is far lower than a pool whose workers sleep when idle.
fn handoff_floor() -> Vec<u64> {
    use std::sync::atomic::{AtomicU64, Ordering};

    // Odd: the peer's turn; even: ours. Trip `k` hands over `2k + 1` and waits for `2k + 2`.
    let token = AtomicU64::new(0);
    let wait_for = |value: u64| {
        while token.load(Ordering::Acquire) != value {
            std::thread::yield_now();
        }
    };
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for trip in 0..(TRIPS + 1_000) as u64 {
                wait_for(2 * trip + 1);
                token.store(2 * trip + 2, Ordering::Release);
            }
        });
        let mut trip = 0;
        let mut hand_over = || {
            token.store(2 * trip + 1, Ordering::Release);
            wait_for(2 * trip + 2);
            trip += 1;
        };
        for _ in 0..1_000 {
            hand_over();
        }
        time_trips(hand_over)
    })
}

/// Runs `trip` `TRIPS` times, timing each run; returns the times in nanoseconds, sorted.
fn time_trips(mut trip: impl FnMut()) -> Vec<u64> {
    let mut nanos: Vec<u64> = Vec::with_capacity(TRIPS);
    for _ in 0..TRIPS {
        let start = Instant::now();
        trip();
        nanos.push(u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX));
    }
    nanos.sort_unstable();
    nanos
}

fn median(sorted_nanos: &[u64]) -> u64 {
    sorted_nanos[sorted_nanos.len() / 2]
}

fn print_distribution(name: &str, sorted_nanos: &[u64]) {
    let mean = sorted_nanos.iter().sum::<u64>() / sorted_nanos.len() as u64;
    let at = |q: f64| sorted_nanos[((sorted_nanos.len() - 1) as f64 * q) as usize];
    println!(
        "  {name}: median {:.2} µs, mean {:.2} µs, p99 {:.2} µs, max {:.0} µs",
        median(sorted_nanos) as f64 / 1e3,
        mean as f64 / 1e3,
        at(0.99) as f64 / 1e3,
        at(1.0) as f64 / 1e3,
    );
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    round_trip_distribution();
    throughput(&mut criterion);
    four_submitters(&mut criterion);
    round_trip(&mut criterion);
    criterion.final_summary();
}
