//! Exercise 8 · Build `wait(FIRST_EXCEPTION)` yourself from `add_done_callback` (Python's
//! `concurrent.futures.wait` works the same way inside: it hangs a waiter on every future).
//!
//! `wait_first_exception` must return as soon as one future has failed (its task panicked, or
//! its executor broke), or when all are done if none fails. A cancelled future is done but has
//! not failed. Return the same `DoneAndNotDone` that `executor_core::wait` returns, but do not
//! call `wait` or `as_completed`: register a done-callback on each future that sends its index
//! down a channel, and decide each time an index arrives.
//!
//! Test it: `cargo test --bin ex08_first_exception` (in `docs/`). Run it:
//! `cargo run --bin ex08_first_exception`. Hints: `docs/info.toml` or the book's exercise page.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::Duration;

use executor_core::{DoneAndNotDone, Future};

// ANCHOR: task
/// True if the future is finished and holds a failure (a cancelled one has not failed).
fn failed<T>(future: &Future<T>) -> bool {
    matches!(future.exception(Some(Duration::ZERO)), Ok(Some(_)))
}

/// Waits until one future fails or all are done.
fn wait_first_exception<T>(futures: &[Future<T>]) -> DoneAndNotDone<'_, T>
where
    T: Send + Sync + 'static,
{
    let (done_tx, done_rx) = mpsc::channel();
    for (index, future) in futures.iter().enumerate() {
        let done_tx = done_tx.clone();
        // Runs at once if the future is already done, else in the thread that finishes it.
        // A send error only means we already returned: nobody needs the news any more.
        future.add_done_callback(move |_| {
            let _ = done_tx.send(index);
        });
    }
    // Keep no sender of our own, or `recv` below could never report that all have hung up.
    drop(done_tx);
    let mut remaining = futures.len();
    while remaining > 0 {
        let Ok(index) = done_rx.recv() else { break };
        remaining -= 1;
        if failed(&futures[index]) {
            break;
        }
    }
    // Sort by the futures' own state: one may have finished after the last index we read.
    let (done, not_done): (HashSet<_>, HashSet<_>) = futures.iter().partition(|f| f.done());
    DoneAndNotDone { done, not_done }
}
// ANCHOR_END: task

fn main() -> anyhow::Result<()> {
    use executor_core::{Executor, ThreadPoolExecutor};

    let executor = ThreadPoolExecutor::new(4)?;
    let (release, gate) = mpsc::channel::<()>();
    let gate = std::sync::Mutex::new(gate);
    let mut futures = vec![
        executor.submit(|| 1)?,
        executor.submit(|| -> i32 { panic!("418") })?,
    ];
    // This one waits until we release it, so it is still running when `wait_first_exception`
    // returns.
    futures.push(executor.submit(move || {
        let _ = gate.lock().map(|gate| gate.recv());
        3
    })?);
    let outcome = wait_first_exception(&futures);
    println!(
        "done: {}, not done: {}",
        outcome.done.len(),
        outcome.not_done.len()
    );
    drop(release);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use executor_core::implementer::{Completer, new_future};
    use executor_core::{FIRST_EXCEPTION, TaskError, wait};
    use std::thread;

    fn futures(n: usize) -> (Vec<Future<u8>>, Vec<Completer<u8>>) {
        (0..n).map(|_| new_future()).unzip()
    }

    fn boom() -> TaskError {
        TaskError::from_panic(&"boom")
    }

    #[test]
    fn all_finished_means_all_done() {
        let (fs, cs) = futures(3);
        for (i, c) in cs.into_iter().enumerate() {
            c.set_result(i as u8).unwrap();
        }
        let outcome = wait_first_exception(&fs);
        assert_eq!(outcome.done.len(), 3);
        assert!(outcome.not_done.is_empty());
    }

    #[test]
    fn an_early_failure_returns_at_once() {
        let (fs, mut cs) = futures(3);
        cs.remove(1).set_exception(boom()).unwrap();
        // fs[0] and fs[2] stay pending: their completers are alive in `cs` until the end.
        let outcome = wait_first_exception(&fs);
        assert!(outcome.done.contains(&fs[1]));
        assert!(outcome.not_done.contains(&fs[0]) && outcome.not_done.contains(&fs[2]));
        let reference = wait(&fs, None, FIRST_EXCEPTION);
        assert_eq!(outcome.done, reference.done);
        drop(cs);
    }

    #[test]
    fn a_later_failure_in_another_thread_ends_the_wait() {
        let (fs, mut cs) = futures(3);
        let last = cs.pop().unwrap(); // fs[2] stays pending until after the wait
        let driver = thread::spawn(move || {
            let mut cs = cs.into_iter();
            cs.next().unwrap().set_result(0).unwrap();
            cs.next().unwrap().set_exception(boom()).unwrap();
        });
        let outcome = wait_first_exception(&fs);
        driver.join().unwrap();
        assert_eq!(outcome.done.len(), 2);
        assert!(outcome.done.contains(&fs[1]));
        assert_eq!(outcome.not_done.len(), 1);
        assert!(outcome.not_done.contains(&fs[2]));
        drop(last);
    }

    #[test]
    fn a_cancelled_future_is_not_a_failure() {
        let (fs, mut cs) = futures(2);
        assert!(fs[0].cancel());
        let second = cs.remove(1);
        let driver = thread::spawn(move || second.set_result(7).unwrap());
        let outcome = wait_first_exception(&fs);
        driver.join().unwrap();
        assert_eq!(outcome.done.len(), 2, "it must wait for the second future");
        assert!(outcome.not_done.is_empty());
        drop(cs);
    }

    #[test]
    fn no_futures_returns_at_once() {
        let outcome = wait_first_exception::<u8>(&[]);
        assert!(outcome.done.is_empty() && outcome.not_done.is_empty());
    }
}
