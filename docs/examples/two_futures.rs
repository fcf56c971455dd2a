//! Two kinds of future side by side: `executor_core::Future`, an eager handle to work that is
//! already scheduled (Python's `concurrent.futures.Future`), and `std::future::Future`, a lazy
//! computation that does nothing until something polls it (closer to a Python coroutine object
//! than to `asyncio.Future`).
//!
//! Run it from `docs/`: `cargo run --example two_futures`. The book's "Futures" page shows it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use executor_core::{Executor, ThreadPoolExecutor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = ThreadPoolExecutor::new(1)?;

    // ANCHOR: eager
    let (started_tx, started) = mpsc::channel();
    let handle = pool.submit(move || {
        let _ = started_tx.send(());
        "the eager task's value"
    })?;
    // Nobody has asked for the result, yet the task runs: `submit` scheduled it.
    started.recv()?;
    println!("1. the submitted task started before anyone asked for its result");
    println!("2. the handle: {handle}");
    println!("3. result(): {}", handle.result(None)?);
    // ANCHOR_END: eager

    // ANCHOR: lazy
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let lazy = async move {
        flag.store(true, Ordering::SeqCst);
        "the lazy future's value"
    };
    println!(
        "4. an async block exists; has it run? {}",
        ran.load(Ordering::SeqCst)
    );
    // Polling it to completion, here on this thread, is what makes it run.
    let value = futures::executor::block_on(lazy);
    println!(
        "5. after block_on: has it run? {} -> {value}",
        ran.load(Ordering::SeqCst)
    );
    // ANCHOR_END: lazy

    // ANCHOR: bridge
    // The two meet: an executor future can be `.await`ed inside async code.
    let on_the_pool = pool.submit(|| 6 * 7)?;
    let answer = futures::executor::block_on(async { on_the_pool.await })?;
    println!("6. awaited a pool task from async code: {answer}");
    // ANCHOR_END: bridge
    Ok(())
}
