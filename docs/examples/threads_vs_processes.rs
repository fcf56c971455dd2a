//! Threads vs processes on CPU-bound work, and the crash a process pool survives: the Rust side
//! of `proc_pool.py`, `threads.py` and `procs.py`.
//!
//! Run it from `docs/`: `cargo run --release --example threads_vs_processes`. (`proc_pool`, the
//! twin of `proc_pool.py` alone, is executor-core's example.)
//! The book's "Processes" page shows it. The process pool starts this same executable again as
//! its workers, which is why `main` begins with `run_worker_if_child`.

use std::time::Instant;

use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
use executor_core::{Executor, ProcessPoolExecutor, ThreadPoolExecutor};

/// Trial division: all CPU, no I/O.
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor <= n / divisor {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// Ends the process at once, as a segfault or an out-of-memory kill would: no unwinding, no
/// chance for anyone to catch it.
fn crash(_: ()) -> bool {
    std::process::abort()
}

// ANCHOR: functions
// A process pool runs *named* functions: a closure cannot travel to another process, but a
// name and serialized arguments can. Both sides look the name up in the same registry.
static IS_PRIME: Function<u64, bool> = Function::new("is_prime", is_prime);
static CRASH: Function<(), bool> = Function::new("crash", crash);
static REGISTRY: [&dyn RemoteFunction; 2] = [&IS_PRIME, &CRASH];
// ANCHOR_END: functions

/// Six primes near 10^14: about 5 million divisions each.
const NUMBERS: [u64; 6] = [
    100_000_000_000_031,
    100_000_000_000_067,
    100_000_000_000_097,
    100_000_000_000_099,
    100_000_000_000_133,
    100_000_000_000_139,
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: worker_hook
    // In a worker process this serves requests and never returns; in the parent it does nothing.
    run_worker_if_child(&REGISTRY);
    // ANCHOR_END: worker_hook

    // ANCHOR: race
    let start = Instant::now();
    let expected: Vec<bool> = NUMBERS.iter().map(|&n| is_prime(n)).collect();
    println!("sequential:            {:>7.2?}", start.elapsed());
    for workers in [1, 2, 4] {
        let threads = ThreadPoolExecutor::new(workers)?;
        let start = Instant::now();
        let found: Vec<bool> = threads
            .map(is_prime, NUMBERS, None)?
            .collect::<Result<_, _>>()?;
        let on_threads = start.elapsed();
        assert_eq!(found, expected);

        let processes = ProcessPoolExecutor::new(workers)?;
        let start = Instant::now();
        let found: Vec<bool> = processes
            .map(IS_PRIME, NUMBERS, None)?
            .collect::<Result<_, _>>()?;
        let on_processes = start.elapsed();
        assert_eq!(found, expected);
        println!("{workers} workers: threads {on_threads:>7.2?}, processes {on_processes:>7.2?}");
    }
    // ANCHOR_END: race

    // ANCHOR: crash
    let pool = ProcessPoolExecutor::new(2)?;
    let fine = pool.submit(IS_PRIME.call(97))?;
    println!("before the crash: is_prime(97) = {}", fine.result(None)?);
    let doomed = pool.submit(CRASH.call(()))?;
    match doomed.result(None) {
        Ok(_) => println!("the crash did not happen?"),
        Err(error) => println!("the crashing task: {error}"),
    }
    // Like CPython, a pool whose worker died refuses further work: nobody knows what state the
    // dead worker left things in. This process, though, is alive and well.
    match pool.submit(IS_PRIME.call(7)) {
        Ok(future) => println!("after the crash: {:?}", future.result(None).copied()),
        Err(error) => println!("after the crash, the pool says: {error}"),
    }
    let fresh = ProcessPoolExecutor::new(1)?;
    println!(
        "a fresh pool: is_prime(7) = {}",
        fresh.submit(IS_PRIME.call(7))?.into_result()?
    );
    // ANCHOR_END: crash
    Ok(())
}
