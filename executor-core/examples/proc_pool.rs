//! `proc_pool.py` in Rust: check the 20 numbers of `primes.py` for primality on a
//! `ProcessPoolExecutor`, largest first, printing each result in input order with its time.
//!
//! Run with `cargo run --release -p executor-core --example proc_pool [WORKERS]` (default: one
//! worker per CPU). Compare with `--example thread_pool_primes`, the same work on threads.
//!
//! ```text
//! $ cargo run --release -p executor-core --example proc_pool 2
//! Checking 20 numbers with 2 processes:
//! 9999999999999999     0.000000s
//! 9999999999999917  P  0.225900s
//! 7777777777777777     0.000000s
//! 7777777777777753  P  0.229247s
//! 7777777536340681     0.258363s
//! 6666667141414921     0.223788s
//! 6666666666666719  P  0.184628s
//! 6666666666666666     0.000000s
//! 5555555555555555     0.000000s
//! 5555555555555503  P  0.194115s
//! 5555553133149889     0.165064s
//! 4444444488888889     0.163225s
//! 4444444444444444     0.000000s
//! 4444444444444423  P  0.159103s
//! 3333335652092209     0.136974s
//! 3333333333333333     0.000000s
//! 3333333333333301  P  0.141339s
//!  299593572317531  P  0.038594s
//!  142702110479723  P  0.029551s
//!                2  P  0.000000s
//! Total time: 1.11s
//! ```
//!
//! (With 1 worker: 1.79–1.98 s; on threads, the same. README.md, "Processes", compares
//! threads and processes.)

#[path = "common/primes.rs"]
mod primes;

use std::time::{Duration, Instant};

use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
use executor_core::{Executor, ProcessPoolExecutor};

/// `check`, as the worker processes know it. `Duration` is a serde type, so it travels as is.
static CHECK: Function<u64, (u64, bool, Duration)> = Function::new("check", primes::check);
static FUNCTIONS: &[&dyn RemoteFunction] = &[&CHECK];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // First line of main: in a worker process this serves `CHECK` calls and never returns.
    run_worker_if_child(FUNCTIONS);

    let default = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = primes::workers_from_args(default);
    let executor = ProcessPoolExecutor::new(workers)?;
    let numbers = primes::largest_first();
    println!(
        "Checking {} numbers with {workers} processes:",
        numbers.len()
    );
    let start = Instant::now();
    for result in executor.map(CHECK, numbers, None)? {
        let (n, prime, elapsed) = result?;
        println!("{}", primes::report_line(n, prime, elapsed));
    }
    println!("Total time: {:.2}s", start.elapsed().as_secs_f64());
    Ok(())
}
