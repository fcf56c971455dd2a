//! `Executor::map` in slow motion: the twin of the chapter's `demo_executor_map.py`.
//!
//! Five `loiter(n)` tasks (sleep `n` seconds) go to a pool of 3 threads. The timestamps show the
//! tasks starting three at a time, while the main thread, consuming `map`'s results, gets them
//! strictly in input order: it waits for `loiter(0)`, then `loiter(1)`, ... even when a later
//! one finished first. Each task's lines are indented by `n` steps (the Python script uses tabs).
//!
//! Run with `cargo run -p executor-core --example demo_executor_map`. Times are local, as the
//! Python script's are (`TZ=Asia/Tokyo` shows Tokyo's clock); std has no time zones, so the
//! `jiff` crate reads the system's. A real run:
//!
//! ```text
//! [01:51:31] Script starting.
//! [01:51:31] results: Map { submitted_not_yielded: 5, reads_input_lazily: false, timeout: None, .. }
//! [01:51:31] Waiting for individual results:
//! [01:51:31] loiter(0): doing nothing for 0s...
//! [01:51:31] loiter(0): done.
//! [01:51:31]     loiter(1): doing nothing for 1s...
//! [01:51:31]         loiter(2): doing nothing for 2s...
//! [01:51:31]             loiter(3): doing nothing for 3s...
//! [01:51:31] result 0: 0
//! [01:51:32]     loiter(1): done.
//! [01:51:32]                 loiter(4): doing nothing for 4s...
//! [01:51:32] result 1: 10
//! [01:51:33]         loiter(2): done.
//! [01:51:33] result 2: 20
//! [01:51:34]             loiter(3): done.
//! [01:51:34] result 3: 30
//! [01:51:36]                 loiter(4): done.
//! [01:51:36] result 4: 40
//! ```
//!
//! `loiter(4)` must wait for a free thread: it starts when `loiter(1)` ends, so it is done 5 s
//! after the start, not 4. (`loiter(1)` ran on the thread `loiter(0)` had just left idle: the
//! pool reuses an idle thread before starting a new one.)

use std::io::Write;
use std::thread::sleep;
use std::time::Duration;

use executor_core::{Executor, ThreadPoolExecutor};

/// Prints `message` after a `[HH:MM:SS]` timestamp in local time, like the Python script's
/// `display` (`time.strftime('[%H:%M:%S]')`).
fn display(message: &str) {
    let now = jiff::Zoned::now();
    // One `writeln!` per line: the stdout lock it takes keeps lines from different threads
    // whole. Its error is ignored (`println!` would panic in every thread once a reader such as
    // `head` has closed the pipe).
    let _ = writeln!(
        std::io::stdout(),
        "[{}] {message}",
        now.strftime("%H:%M:%S")
    );
}

/// Does nothing for `n` seconds, announcing start and end, and returns `n * 10`.
fn loiter(n: u64) -> u64 {
    let indent = "    ".repeat(usize::try_from(n).unwrap_or(0));
    display(&format!("{indent}loiter({n}): doing nothing for {n}s..."));
    sleep(Duration::from_secs(n));
    display(&format!("{indent}loiter({n}): done."));
    n * 10
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    display("Script starting.");
    let executor = ThreadPoolExecutor::new(3)?;
    // Submits all five tasks now and returns at once; the results come out lazily, in order.
    let results = executor.map(loiter, 0..5, None)?;
    display(&format!("results: {results:?}"));
    display("Waiting for individual results:");
    for (i, result) in results.enumerate() {
        // `?` would end the loop on the first failed task; here none fails.
        display(&format!("result {i}: {}", result?));
    }
    Ok(())
}
