//! Exercise 9 · A minimal future with a `Mutex` and a `Condvar` (the core of Python's
//! `concurrent.futures.Future`, and of `executor_core::Future` under its atomics).
//!
//! Fill in `MiniFuture`: `set_result` stores the value once and wakes *every* waiting thread;
//! `result` blocks until there is a value (or the timeout passes) and returns a clone;
//! `done` says whether a value is there. Condition variables may wake a thread for no reason
//! (a spurious wake-up), so always re-check the condition after waking.
//!
//! Test it: `cargo test --bin ex09_condvar_future` (in `docs/`). Run it:
//! `cargo run --bin ex09_condvar_future`. Hints: `docs/info.toml` or the book's exercise page.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The error of a second `set_result`.
#[derive(Debug, PartialEq, Eq)]
struct AlreadySet;

// ANCHOR: task
/// A value that one thread will set and any number of threads may wait for.
struct MiniFuture<T> {
    /// `None` until the value is set. Guarded by the mutex, so no waiter can miss the moment
    /// between checking it and going to sleep.
    slot: Mutex<Option<T>>,
    /// Signalled once, when the value is set.
    ready: Condvar,
}

impl<T: Clone> MiniFuture<T> {
    fn new() -> Self {
        MiniFuture {
            slot: Mutex::new(None),
            ready: Condvar::new(),
        }
    }

    /// The slot, even if a thread panicked while holding the lock: an `Option` cannot be left
    /// half-written, so the poison carries no risk here.
    fn lock(&self) -> MutexGuard<'_, Option<T>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the value and wakes every waiter; refuses a second value.
    fn set_result(&self, value: T) -> Result<(), AlreadySet> {
        let mut slot = self.lock();
        if slot.is_some() {
            return Err(AlreadySet);
        }
        *slot = Some(value);
        // Many threads may wait for one value: `notify_one` would leave all but one asleep.
        self.ready.notify_all();
        Ok(())
    }

    /// True once the value is set.
    fn done(&self) -> bool {
        self.lock().is_some()
    }

    /// Waits for the value (at most `timeout`, or forever with `None`) and returns a clone.
    fn result(&self, timeout: Option<Duration>) -> Option<T> {
        let slot = self.lock();
        // `wait_while` loops over spurious wake-ups for us, re-checking under the lock.
        let slot = match timeout {
            None => self
                .ready
                .wait_while(slot, |slot| slot.is_none())
                .unwrap_or_else(PoisonError::into_inner),
            Some(timeout) => {
                self.ready
                    .wait_timeout_while(slot, timeout, |slot| slot.is_none())
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        };
        slot.clone()
    }
}
// ANCHOR_END: task

fn main() {
    let future = std::sync::Arc::new(MiniFuture::new());
    let setter = std::sync::Arc::clone(&future);
    println!("done before the worker starts? {}", future.done());
    let worker = std::thread::spawn(move || setter.set_result(String::from("br.gif")));
    println!("waiting... got {:?}", future.result(None));
    println!("done now? {}", future.done());
    println!(
        "second set: {:?}",
        future.set_result(String::from("cn.gif"))
    );
    let _ = worker.join();
}

#[cfg(test)]
mod tests {
    use super::*;
    use flags_testkit::watch::returns_within;
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::sync::{Arc, Barrier};
    use std::thread;
    use std::time::Instant;

    /// How long the waiters in these tests are willing to wait. A thread woken by `set_result`
    /// returns within microseconds, so one that took this long was woken by its own timeout.
    const WAITER_TIMEOUT: Duration = Duration::from_secs(10);
    const LONG: Option<Duration> = Some(WAITER_TIMEOUT);

    /// How many times the spurious wake-up tests wake the waiter before setting the value, and
    /// how long they leave it between two wake-ups (half a second in all).
    const FALSE_ALARMS: u32 = 100;
    const BETWEEN_FALSE_ALARMS: Duration = Duration::from_millis(5);

    /// Wakes every thread waiting on `ready`, whether or not a value is there: with no value
    /// it is the spurious wake-up the `Condvar` documentation warns about, made to order.
    /// Notifying under the lock makes it land: a waiter is then either asleep in `wait` (and
    /// wakes) or has not looked at the slot yet (and needs no waking).
    fn notify_waiters<T: Clone>(future: &MiniFuture<T>) {
        let _slot = future.lock();
        future.ready.notify_all();
    }

    /// How long a test waits for a `result` call that should return at once (the value is
    /// there, or the timeout is 20 ms) before it calls it a hang.
    const PATIENCE: Duration = Duration::from_secs(5);

    /// Calls `future.result(timeout)` on a thread of its own, so that a call which never
    /// returns fails the test with `hang` instead of stopping it forever.
    fn result_or_fail<T: Clone + Send + 'static>(
        future: &Arc<MiniFuture<T>>,
        timeout: Option<Duration>,
        hang: &str,
    ) -> Option<T> {
        let future = Arc::clone(future);
        returns_within(PATIENCE, move || future.result(timeout))
            .unwrap_or_else(|| panic!("result({timeout:?}) never returned: {hang}"))
    }

    /// What went wrong if `result` does not return although the value is set.
    const SET_BEFORE: &str = "the value was set before the call. Look at the slot before \
        waiting: `set_result` notified before anybody waited, and a condition variable does not \
        remember a notification (wait in a loop while the slot is empty, or use `wait_while`)";

    #[test]
    fn set_then_read() {
        let future = Arc::new(MiniFuture::new());
        assert!(!future.done(), "done() before any value");
        future.set_result(42).unwrap();
        assert!(future.done(), "done() once the value is set");
        assert_eq!(result_or_fail(&future, None, SET_BEFORE), Some(42));
        assert_eq!(
            result_or_fail(&future, None, SET_BEFORE),
            Some(42),
            "reading twice gives the value twice"
        );
    }

    #[test]
    fn a_pending_future_times_out_with_none() {
        let future = Arc::new(MiniFuture::<u8>::new());
        let outcome = result_or_fail(
            &future,
            Some(Duration::from_millis(20)),
            "with no value, it must give up after the timeout (20 ms here): wait with \
             `wait_timeout` or `wait_timeout_while`, not `wait`",
        );
        assert_eq!(
            outcome, None,
            "no value was set, so the timeout ends the wait"
        );
        assert!(!future.done(), "still no value");
    }

    #[test]
    fn a_second_value_is_refused() {
        let future = Arc::new(MiniFuture::new());
        future.set_result("first").unwrap();
        assert_eq!(
            future.set_result("second"),
            Err(AlreadySet),
            "a future is set once: the second value must be refused"
        );
        assert_eq!(
            result_or_fail(&future, None, SET_BEFORE),
            Some("first"),
            "the first value stays"
        );
    }

    #[test]
    fn a_waiting_thread_is_woken() {
        let future = Arc::new(MiniFuture::new());
        let barrier = Arc::new(Barrier::new(2));
        let waiter = thread::spawn({
            let (future, barrier) = (Arc::clone(&future), Arc::clone(&barrier));
            move || {
                barrier.wait();
                future.result(LONG)
            }
        });
        barrier.wait();
        future.set_result(String::from("BR")).unwrap();
        assert_eq!(
            waiter.join().unwrap().as_deref(),
            Some("BR"),
            "the thread waiting in result() must get the value another thread set"
        );
    }

    #[test]
    fn every_waiter_is_woken_by_set_result() {
        let future = Arc::new(MiniFuture::new());
        let barrier = Arc::new(Barrier::new(5));
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let (future, barrier) = (Arc::clone(&future), Arc::clone(&barrier));
                thread::spawn(move || {
                    barrier.wait();
                    let started = Instant::now();
                    let value = future.result(LONG);
                    (value, started.elapsed())
                })
            })
            .collect();
        barrier.wait();
        // Nothing can tell this thread that the waiters are asleep inside `wait`, so give
        // them a moment to get there. A waiter that is late simply finds the value (no harm
        // done); the test needs only two of the four asleep to expose a `notify_one`.
        thread::sleep(Duration::from_millis(100));
        future.set_result(7u32).unwrap();
        let mut overslept = 0;
        for waiter in waiters {
            let (value, waited) = waiter.join().unwrap();
            assert_eq!(value, Some(7), "a waiter returned without the value");
            // `wait_timeout_while` re-checks the slot when the timeout ends, so a waiter that
            // `set_result` left asleep still gets the value, 10 s late: only the time shows it.
            if waited >= WAITER_TIMEOUT {
                overslept += 1;
            }
        }
        assert_eq!(
            overslept, 0,
            "{overslept} of the 4 waiting threads slept through set_result and found the value \
             only when their own timeout ran out: set_result must wake every waiter, once the \
             value is in the slot (`notify_all` after storing it; `notify_one` wakes just one)"
        );
    }

    /// Wakes a thread waiting in `result(timeout)` again and again with no value set, then sets
    /// one: `result` must sleep through the false alarms and return the value.
    fn sleeps_through_wake_ups_without_a_value(timeout: Option<Duration>) {
        let future = Arc::new(MiniFuture::new());
        let barrier = Arc::new(Barrier::new(2));
        let (returned, has_returned) = mpsc::channel();
        let waiter = thread::spawn({
            let (future, barrier) = (Arc::clone(&future), Arc::clone(&barrier));
            move || {
                barrier.wait();
                let value = future.result(timeout);
                let _ = returned.send(());
                value
            }
        });
        barrier.wait();
        for _ in 0..FALSE_ALARMS {
            notify_waiters(&future);
            // Anything but a timeout means the waiter is gone: returned (or panicked) early.
            if has_returned.recv_timeout(BETWEEN_FALSE_ALARMS) != Err(RecvTimeoutError::Timeout) {
                let early = waiter.join().unwrap();
                panic!(
                    "result({timeout:?}) returned {early:?} before any value was set, after a \
                     wake-up with nothing in the slot: a condition variable can wake a thread \
                     for no reason, so check the slot again after every wake-up (a loop, or \
                     wait_while)"
                );
            }
        }
        future.set_result("BR").unwrap();
        // `set_result` should have woken the waiter already. This extra wake-up keeps a
        // `set_result` that forgets to notify from hanging here; the test above catches it.
        notify_waiters(&future);
        assert_eq!(waiter.join().unwrap(), Some("BR"));
    }

    #[test]
    fn result_without_timeout_sleeps_through_spurious_wake_ups() {
        sleeps_through_wake_ups_without_a_value(None);
    }

    #[test]
    fn result_with_timeout_sleeps_through_spurious_wake_ups() {
        sleeps_through_wake_ups_without_a_value(LONG);
    }
}
