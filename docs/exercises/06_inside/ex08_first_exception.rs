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
    // TODO: A failed future is finished and holds an exception; look without waiting.
    todo!()
}

/// Waits until one future fails or all are done.
fn wait_first_exception<T>(futures: &[Future<T>]) -> DoneAndNotDone<'_, T>
where
    T: Send + Sync + 'static,
{
    // TODO: Give every future a done-callback that sends its index down an `mpsc` channel.
    // Receive indices until one belongs to a failed future, or all have arrived.
    // Then split the futures into `done` and `not_done`.
    todo!()
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
