//! What Rust has instead of a GIL: shared data must say, in its type, how it may be shared.
//! Four pool tasks count to a million each into one total, three ways that compile, and the
//! comments show the ways that do not.
//!
//! Run it from `docs/`: `cargo run --example no_gil`. The book's "GIL" page shows it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use executor_core::{Executor, ThreadPoolExecutor};

const TASKS: u64 = 4;
const PER_TASK: u64 = 1_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = ThreadPoolExecutor::new(4)?;

    // ANCHOR: atomic
    // An atomic integer: `Sync`, so an `Arc` of it may be shared by every task.
    let total = Arc::new(AtomicU64::new(0));
    let futures: Vec<_> = (0..TASKS)
        .map(|_| {
            let total = Arc::clone(&total);
            pool.submit(move || {
                for _ in 0..PER_TASK {
                    total.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect::<Result<_, _>>()?;
    for future in futures {
        future.into_result()?;
    }
    println!("atomic total: {}", total.load(Ordering::Relaxed));
    // ANCHOR_END: atomic

    // ANCHOR: mutex
    // A mutex: the lock is part of the data's type, so the data cannot be reached without it.
    let total = Arc::new(Mutex::new(0u64));
    let futures: Vec<_> = (0..TASKS)
        .map(|_| {
            let total = Arc::clone(&total);
            pool.submit(move || {
                for _ in 0..PER_TASK {
                    // A poisoned lock means another task panicked mid-update; a count is
                    // still a count, so take the value anyway.
                    *total.lock().unwrap_or_else(|poison| poison.into_inner()) += 1;
                }
            })
        })
        .collect::<Result<_, _>>()?;
    for future in futures {
        future.into_result()?;
    }
    println!(
        "mutex total: {}",
        total.lock().unwrap_or_else(|p| p.into_inner())
    );
    // ANCHOR_END: mutex

    // ANCHOR: results
    // Best of all, share nothing: each task returns its part, the caller adds them up.
    let parts = pool.map(|_| (0..PER_TASK).count() as u64, 0..TASKS, None)?;
    let total: u64 = parts.collect::<Result<Vec<_>, _>>()?.into_iter().sum();
    println!("sum of results: {total}");
    // ANCHOR_END: results

    // ANCHOR: refused
    // These do not compile (uncomment one to see the error):
    //
    // let mut total = 0u64;
    // pool.submit(|| total += 1)?;            // borrows a local: the task must be 'static
    //
    // let total = std::rc::Rc::new(std::cell::Cell::new(0u64));
    // pool.submit(move || total.set(1))?;      // Rc is not Send: its count is not atomic
    //
    // let total = Arc::new(std::cell::Cell::new(0u64));
    // pool.submit(move || total.set(1))?;      // Cell is not Sync: Arc<Cell> is not Send
    // ANCHOR_END: refused
    Ok(())
}
