//! The `proc_pool` example on a `ThreadPoolExecutor`: the same 20 primality checks on threads,
//! to compare with processes. In Python this version is no faster than sequential code (the GIL
//! lets one thread compute at a time); in Rust threads run in parallel, so it keeps pace with
//! the process pool.
//!
//! Run with `cargo run --release -p executor-core --example thread_pool_primes [WORKERS]`
//! (default: one thread per CPU, like the process pool, not the thread pool's I/O default).
//!
//! ```text
//! $ cargo run --release -p executor-core --example thread_pool_primes 2
//! Checking 20 numbers with 2 threads:
//! 9999999999999999     0.000000s
//! 9999999999999917  P  0.228366s
//! 7777777777777777     0.000001s
//! 7777777777777753  P  0.227589s
//! 7777777536340681     0.200196s
//! 6666667141414921     0.176153s
//! 6666666666666719  P  0.167999s
//! 6666666666666666     0.000000s
//! 5555555555555555     0.000000s
//! 5555555555555503  P  0.162080s
//! 5555553133149889     0.145687s
//! 4444444488888889     0.140483s
//! 4444444444444444     0.000000s
//! 4444444444444423  P  0.133267s
//! 3333335652092209     0.125967s
//! 3333333333333333     0.000001s
//! 3333333333333301  P  0.122458s
//!  299593572317531  P  0.038368s
//!  142702110479723  P  0.025313s
//!                2  P  0.000000s
//! Total time: 0.97s
//! ```
//!
//! (With 1 thread: 1.79–1.88 s; on processes, the same. README.md, "Processes", compares
//! threads and processes.)

#[path = "common/primes.rs"]
mod primes;

use std::time::Instant;

use executor_core::{Executor, ThreadPoolExecutor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let default = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = primes::workers_from_args(default);
    let executor = ThreadPoolExecutor::new(workers)?;
    let numbers = primes::largest_first();
    println!("Checking {} numbers with {workers} threads:", numbers.len());
    let start = Instant::now();
    // Changed from proc_pool: a closure instead of a registered function, nothing serialised.
    for result in executor.map(primes::check, numbers, None)? {
        let (n, prime, elapsed) = result?;
        println!("{}", primes::report_line(n, prime, elapsed));
    }
    println!("Total time: {:.2}s", start.elapsed().as_secs_f64());
    Ok(())
}
