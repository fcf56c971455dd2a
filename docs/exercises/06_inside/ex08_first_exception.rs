//! Exercise 8 · Build `wait(FIRST_EXCEPTION)` yourself from `add_done_callback` (Python's
//! `concurrent.futures.wait` works the same way inside: it hangs a waiter on every future).
//!
//! `wait_first_exception` must return as soon as one future has failed (its task panicked, or
//! its executor broke), or when all are done if none fails. A cancelled future is done but has
//! not failed. Return the same `DoneAndNotDone` that `executor_core::wait` returns, but do not
//! call `wait` or `as_completed`: register a done-callback on each future that sends its index
//! down a channel, and decide each time an index arrives. In between, sleep in `recv`: no loop
//! that keeps looking at the futures or the channel.
//!
//! Test it: `cargo test --bin ex08_first_exception` (in `docs/`). Run it:
//! `cargo run --bin ex08_first_exception`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // Receive indices with `recv` (it sleeps until one arrives) until one belongs to a failed
    // future, or all have arrived.
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
    use flags_testkit::watch::returns_within;
    use std::sync::Arc;
    use std::thread;

    /// How long a test waits for `wait_first_exception` to return. A right answer returns
    /// within microseconds of the news it waits for; only one that waits for something that
    /// will never happen (a future nobody completes) reaches this limit.
    const PATIENCE: Duration = Duration::from_secs(5);

    fn futures(n: usize) -> (Arc<Vec<Future<u8>>>, Vec<Completer<u8>>) {
        let (futures, completers) = (0..n).map(|_| new_future()).unzip();
        (Arc::new(futures), completers)
    }

    fn boom() -> TaskError {
        TaskError::from_panic(&"boom")
    }

    /// Which futures `wait_first_exception` put in `done` and in `not_done`, by index.
    #[derive(Debug, PartialEq, Eq)]
    struct Sorted {
        done: Vec<usize>,
        not_done: Vec<usize>,
    }

    /// Runs `wait_first_exception` on a thread of its own and sorts its answer by index; fails
    /// the test with `hang` if it has not returned after `PATIENCE`.
    fn wait_or_fail(futures: &Arc<Vec<Future<u8>>>, hang: &str) -> Sorted {
        let futures = Arc::clone(futures);
        returns_within(PATIENCE, move || {
            sort(&futures, &wait_first_exception(&futures))
        })
        .unwrap_or_else(|| panic!("wait_first_exception never returned: {hang}"))
    }

    /// An answer as the indices of its futures in `futures`.
    fn sort(futures: &[Future<u8>], outcome: &DoneAndNotDone<'_, u8>) -> Sorted {
        let indices = |set: &HashSet<&Future<u8>>| -> Vec<usize> {
            (0..futures.len())
                .filter(|&i| set.contains(&futures[i]))
                .collect()
        };
        Sorted {
            done: indices(&outcome.done),
            not_done: indices(&outcome.not_done),
        }
    }

    #[test]
    fn all_finished_means_all_done() {
        let (fs, cs) = futures(3);
        for (i, c) in cs.into_iter().enumerate() {
            c.set_result(i as u8).unwrap();
        }
        let sorted = wait_or_fail(
            &fs,
            "all three futures had finished before the call. Count the indices that arrive \
             and stop at the last one, or drop your own sender so that `recv` ends",
        );
        assert_eq!(
            sorted,
            Sorted {
                done: vec![0, 1, 2],
                not_done: vec![]
            },
            "every future had finished: all are done"
        );
    }

    #[test]
    fn an_early_failure_returns_at_once() {
        let (fs, mut cs) = futures(3);
        cs.remove(1).set_exception(boom()).unwrap();
        // fs[0] and fs[2] stay pending: their completers are alive in `cs` until the end.
        let sorted = wait_or_fail(
            &fs,
            "future 1 had failed before the call, and futures 0 and 2 never finish: return \
             at the first failure instead of waiting for every future",
        );
        assert_eq!(
            sorted,
            Sorted {
                done: vec![1],
                not_done: vec![0, 2]
            },
            "only future 1 (the failed one) is done; 0 and 2 are still pending"
        );
        let reference = wait(fs.iter(), None, FIRST_EXCEPTION);
        assert_eq!(reference.done.len(), 1, "executor_core::wait agrees");
        drop(cs);
    }

    #[test]
    fn a_later_failure_in_another_thread_ends_the_wait() {
        let (fs, mut cs) = futures(3);
        let last = cs.pop().unwrap(); // fs[2] stays pending until after the wait
        let driver = thread::spawn(move || {
            let mut cs = cs.into_iter();
            cs.next().unwrap().set_result(0).unwrap();
            // Not for correctness: a pause that gives an answer which stops at the first
            // future done (failed or not) the time to return before future 1 fails. A right
            // answer waits for as long as it takes.
            thread::sleep(Duration::from_millis(100));
            cs.next().unwrap().set_exception(boom()).unwrap();
        });
        let sorted = wait_or_fail(
            &fs,
            "future 0 finished and future 1 failed while you waited, and future 2 never \
             finishes: decide each time an index arrives, and stop at the first failure",
        );
        driver.join().unwrap();
        assert_eq!(
            sorted,
            Sorted {
                done: vec![0, 1],
                not_done: vec![2]
            },
            "futures 0 and 1 are done, 2 is still pending: the wait ends at the first future that \
             fails (1), not at the first one done (0, which succeeded)"
        );
        drop(last);
    }

    #[test]
    fn a_cancelled_future_is_not_a_failure() {
        let (fs, mut cs) = futures(2);
        assert!(fs[0].cancel());
        let second = cs.remove(1);
        let driver = thread::spawn(move || {
            // A pause, as above: time for an answer that takes the cancelled future for a
            // failure to return before future 1 is done.
            thread::sleep(Duration::from_millis(100));
            second.set_result(7).unwrap();
        });
        let sorted = wait_or_fail(
            &fs,
            "future 0 was cancelled and future 1 finished: both are done, so stop there",
        );
        driver.join().unwrap();
        assert_eq!(
            sorted,
            Sorted {
                done: vec![0, 1],
                not_done: vec![]
            },
            "a cancelled future is done but has not failed: the wait must go on until future 1 \
             is done too (look at `exception`, not at `done` or `cancelled`)"
        );
        drop(cs);
    }

    #[test]
    fn failed_looks_without_waiting() {
        // `failed` must answer for a future in any state, at once: a future that has not
        // finished has not failed (yet). Each case runs on a thread of its own, so that a
        // `failed` which waits for a pending future fails here instead of hanging.
        let (pending, pending_completer) = new_future::<u8>();
        let (running, mut running_completer) = new_future::<u8>();
        assert_eq!(running_completer.set_running_or_notify_cancel(), Ok(true));
        let (returned, completer) = new_future::<u8>();
        completer.set_result(1).unwrap();
        let (raised, completer) = new_future::<u8>();
        completer.set_exception(boom()).unwrap();
        let (cancelled, _completer) = new_future::<u8>();
        assert!(cancelled.cancel());
        let (abandoned, completer) = new_future::<u8>();
        drop(completer); // an executor that lost the task: the future fails with `Abandoned`
        let cases = [
            ("pending", pending, false),
            ("running", running, false),
            ("finished with a value", returned, false),
            ("finished with an error", raised, true),
            ("cancelled", cancelled, false),
            ("abandoned by its executor", abandoned, true),
        ];
        for (state, future, expected) in cases {
            let answer = returns_within(PATIENCE, move || failed(&future)).unwrap_or_else(|| {
                panic!(
                    "failed() never returned for a {state} future: it waited for the future to \
                     finish. Look without waiting: `exception(Some(Duration::ZERO))`, not \
                     `exception(None)` or `result(None)`"
                )
            });
            assert_eq!(
                answer, expected,
                "failed() on a {state} future: a future has failed only once it is finished \
                 and holds an error (a cancelled one has not failed)"
            );
        }
        // Only now: a `failed` still blocked on them above would have returned at once.
        drop((pending_completer, running_completer));
    }

    /// What Linux says the calling thread has done so far: how many times it went to sleep
    /// (its voluntary context switches) and how much CPU it used, in ticks of 10 ms. `None` on
    /// other systems, which have no `/proc`.
    fn thread_usage() -> Option<(u64, u64)> {
        let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
        let sleeps = status
            .lines()
            .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))?
            .trim()
            .parse()
            .ok()?;
        // `stat` is one line; the fields after the command name (in parentheses, and it may
        // hold spaces) start with the third, the state. utime and stime are fields 14 and 15.
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some((sleeps, utime + stime))
    }

    #[test]
    fn the_wait_sleeps_until_a_callback_brings_news() {
        // A right answer registers its callbacks and blocks in `recv`: its thread goes to sleep
        // once and wakes when future 1 fails, 0.4 s later, having used almost no CPU. An answer
        // that polls (looks at the futures, or `try_recv`s, in a loop with or without a short
        // sleep) wakes hundreds of times or keeps a CPU busy meanwhile. Linux counts both for
        // each thread; the limits below are many times what a right answer needs, and far below
        // what polling every few milliseconds costs, on a loaded machine too.
        const MOST_SLEEPS: u64 = 20;
        const MOST_CPU_TICKS: u64 = 3;
        let (fs, mut cs) = futures(3);
        let second = cs.remove(1); // fs[0] and fs[2] stay pending: their completers live in `cs`
        let driver = thread::spawn(move || {
            thread::sleep(Duration::from_millis(400));
            second.set_exception(boom()).unwrap();
        });
        let watched = Arc::clone(&fs);
        let (sorted, usage, waited) = returns_within(PATIENCE, move || {
            let (before, started) = (thread_usage(), std::time::Instant::now());
            let outcome = wait_first_exception(&watched);
            let (after, waited) = (thread_usage(), started.elapsed());
            let usage = before.zip(after).map(|(b, a)| (a.0 - b.0, a.1 - b.1));
            (sort(&watched, &outcome), usage, waited)
        })
        .unwrap_or_else(|| {
            panic!(
                "wait_first_exception never returned: future 1 failed after 0.4 s, and futures \
                 0 and 2 never finish"
            )
        });
        driver.join().unwrap();
        assert_eq!(
            sorted,
            Sorted {
                done: vec![1],
                not_done: vec![0, 2]
            },
            "future 1 failed while you waited; 0 and 2 are still pending"
        );
        let Some((sleeps, cpu_ticks)) = usage else {
            eprintln!("no /proc/thread-self here (not Linux): how the wait waited is not checked");
            return;
        };
        let waited = waited.as_millis();
        assert!(
            sleeps <= MOST_SLEEPS,
            "your thread went to sleep and woke up {sleeps} times in the {waited} ms it waited for \
             future 1 to fail: it polls (a loop that sleeps, `try_recv`s or `recv_timeout`s, then \
             looks again). Block in `recv()`: a done-callback sends an index when, and only when, \
             there is news"
        );
        assert!(
            cpu_ticks < MOST_CPU_TICKS,
            "your thread used about {} ms of CPU in the {waited} ms it waited for future 1 to \
             fail: it spins, looking again and again. Block in `recv()`: a done-callback sends an \
             index when, and only when, there is news",
            cpu_ticks * 10
        );
        drop(cs);
    }

    #[test]
    fn no_futures_returns_at_once() {
        let sorted = wait_or_fail(&futures(0).0, "there was nothing to wait for");
        assert_eq!(
            sorted,
            Sorted {
                done: vec![],
                not_done: vec![]
            },
            "no futures: nothing done, nothing pending"
        );
    }
}
