//! loom models of the `Future` state machine: every interleaving (up to a preemption bound) of
//! completion racing with `cancel`, with `add_done_callback`, with a blocked `result`, with
//! `into_result` and with `wait`, both for completion from PENDING (the locked path) and from
//! RUNNING (the thread pool's lock-free path). loom fails a model on a lost wake-up (a deadlock), on a data
//! race on the outcome cell, and on any failed assertion.
//!
//! Switched on by the crate's own cfg, which also swaps the synchronisation types in
//! `src/sync.rs` for loom's:
//!
//! ```text
//! RUSTFLAGS="--cfg executor_core_loom" cargo test -p executor-core --release --test loom
//! ```
//!
//! `LOOM_MAX_PREEMPTIONS` overrides the default bound of 2 (3 takes minutes, not seconds).
#![cfg(executor_core_loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use executor_core::implementer::{Completer, new_future};
use executor_core::{ALL_COMPLETED, FutureError, wait};

/// Runs `model` under loom with a preemption bound, so the whole file finishes in seconds on
/// two cores. Bugs in a state machine this small need at most two preemptions to show.
fn check(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(model);
}

#[test]
fn completion_racing_with_cancel_has_one_winner_and_callbacks_run_once() {
    check(|| {
        let (future, mut completer) = new_future::<u32>();
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        future.add_done_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let worker = thread::spawn(move || match completer.set_running_or_notify_cancel() {
            Ok(true) => completer.set_result(7).is_ok(),
            _ => false,
        });
        let cancelled = future.cancel();
        let completed = worker.join().unwrap();
        assert!(
            cancelled != completed,
            "exactly one of cancel and completion wins"
        );
        assert_eq!(future.cancelled(), cancelled);
        match future.result(None) {
            Ok(value) => assert!(completed && *value == 7),
            Err(FutureError::Cancelled) => assert!(cancelled),
            Err(other) => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            runs.load(Ordering::Relaxed),
            1,
            "the callback ran exactly once"
        );
    });
}

#[test]
fn set_result_racing_with_cancel_of_a_pending_future() {
    check(|| {
        let (future, completer) = new_future::<u32>();
        // An executor that skips RUNNING (Python allows `set_result` on a pending future).
        let worker = thread::spawn(move || completer.set_result(1).is_ok());
        let cancelled = future.cancel();
        let completed = worker.join().unwrap();
        assert!(cancelled != completed);
        assert!(future.done());
    });
}

/// How an executor finishes a future. The thread pool goes through RUNNING: from there the
/// future finishes with one compare-and-swap and takes its lock only if someone is watching.
/// Python also allows `set_result` on a pending future, which always takes the lock. The races
/// below are modelled on both paths.
#[derive(Clone, Copy)]
enum Path {
    FromPending,
    FromRunning,
}

fn complete<T>(path: Path, mut completer: Completer<T>, value: T) {
    if let Path::FromRunning = path {
        assert_eq!(completer.set_running_or_notify_cancel(), Ok(true));
    }
    completer.set_result(value).unwrap();
}

fn a_callback_added_during_completion_runs_exactly_once(path: Path) {
    check(move || {
        let (future, completer) = new_future::<u32>();
        let runs = Arc::new(AtomicUsize::new(0));
        let worker = thread::spawn(move || complete(path, completer, 3));
        let counter = Arc::clone(&runs);
        future.add_done_callback(move |f| {
            assert_eq!(f.result(None).ok(), Some(&3));
            counter.fetch_add(1, Ordering::Relaxed);
        });
        worker.join().unwrap();
        assert_eq!(runs.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn a_callback_added_while_a_pending_future_completes_runs_exactly_once() {
    a_callback_added_during_completion_runs_exactly_once(Path::FromPending);
}

#[test]
fn a_callback_added_while_a_running_future_completes_runs_exactly_once() {
    a_callback_added_during_completion_runs_exactly_once(Path::FromRunning);
}

#[test]
fn into_result_gets_the_value_of_a_running_future_that_completes() {
    check(|| {
        let (future, completer) = new_future::<String>();
        let worker = thread::spawn(move || complete(Path::FromRunning, completer, "BR".into()));
        assert_eq!(future.into_result().unwrap(), "BR");
        worker.join().unwrap();
    });
}

fn wait_all_completed_sees_every_completion(path: Path) {
    check(move || {
        let (first, c1) = new_future::<u8>();
        let (second, c2) = new_future::<u8>();
        let w1 = thread::spawn(move || complete(path, c1, 1));
        let w2 = thread::spawn(move || complete(path, c2, 2));
        let outcome = wait([&first, &second], None, ALL_COMPLETED);
        assert_eq!(outcome.done.len(), 2);
        w1.join().unwrap();
        w2.join().unwrap();
    });
}

#[test]
fn wait_all_completed_sees_every_completion_from_pending() {
    wait_all_completed_sees_every_completion(Path::FromPending);
}

#[test]
fn wait_all_completed_sees_every_completion_from_running() {
    wait_all_completed_sees_every_completion(Path::FromRunning);
}

#[test]
fn a_blocked_result_is_always_woken_by_completion() {
    check(|| {
        let (future, completer) = new_future::<u32>();
        let worker = thread::spawn(move || complete(Path::FromRunning, completer, 42));
        // A lost wake-up would leave this blocked forever, which loom reports as a deadlock.
        assert_eq!(future.result(None).ok(), Some(&42));
        worker.join().unwrap();
    });
}

#[test]
fn a_blocked_result_is_always_woken_by_cancel() {
    check(|| {
        let (future, _completer) = new_future::<u32>();
        let future = Arc::new(future);
        let canceller = {
            let future = Arc::clone(&future);
            thread::spawn(move || assert!(future.cancel()))
        };
        assert!(matches!(future.result(None), Err(FutureError::Cancelled)));
        canceller.join().unwrap();
    });
}

#[test]
fn into_result_never_overlaps_a_callback_reading_the_value() {
    check(|| {
        let (future, completer) = new_future::<String>();
        // This callback borrows the value in the completing thread; loom's UnsafeCell tracking
        // fails the model if `into_result` could move the value out meanwhile.
        future.add_done_callback(|f| {
            assert_eq!(f.result(None).map(String::len).ok(), Some(2));
        });
        let worker = thread::spawn(move || completer.set_result("BR".into()).unwrap());
        assert_eq!(future.into_result().unwrap(), "BR");
        worker.join().unwrap();
    });
}
