//! `wait` and `as_completed` over futures in every state, from one or several executors. Ported
//! in the main from CPython's `test_concurrent_futures/test_wait.py` and `test_as_completed.py`.
//!
//! Run with `cargo test -p executor-core --test it wait_and_as_completed::`.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::Duration;

use executor_core::implementer::{Completer, new_future};
use executor_core::{
    ALL_COMPLETED, AsCompletedTimeout, Executor, FIRST_COMPLETED, FIRST_EXCEPTION, Future,
    ThreadPoolExecutor, as_completed, wait,
};

use crate::support::{SOON, cancelled, failed, finished, gated_task};

fn set<'a>(futures: &[&'a Future<u32>]) -> HashSet<&'a Future<u32>> {
    futures.iter().copied().collect()
}

// Ported from WaitTests.test_first_completed.
#[test]
fn first_completed_returns_when_one_finishes() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let (gate, blocked) = gated_task();
    let slow = pool.submit(blocked).unwrap();
    let quick = pool.submit(|| 1).unwrap();
    let outcome = wait([&slow, &quick], Some(SOON), FIRST_COMPLETED);
    assert_eq!(outcome.done, set(&[&quick]));
    assert_eq!(outcome.not_done, set(&[&slow]));
    drop(gate);
}

// Ported from WaitTests.test_first_completed_some_already_completed.
#[test]
fn first_completed_returns_at_once_when_some_are_already_done() {
    let (pending, _c) = new_future::<u32>();
    let (done, cancel) = (finished(1), cancelled());
    let outcome = wait([&pending, &done, &cancel], Some(SOON), FIRST_COMPLETED);
    assert_eq!(outcome.done, set(&[&done, &cancel]));
    assert_eq!(outcome.not_done, set(&[&pending]));
}

// Ported from WaitTests.test_first_exception.
#[test]
fn first_exception_returns_when_a_task_panics() {
    let pool = ThreadPoolExecutor::new(3).unwrap();
    let (gate, blocked) = gated_task();
    let ok = pool.submit(|| 1).unwrap();
    let boom = pool
        .submit(|| -> u32 { panic!("task fails on purpose") })
        .unwrap();
    let slow = pool.submit(blocked).unwrap();
    let outcome = wait([&ok, &boom, &slow], Some(SOON), FIRST_EXCEPTION);
    assert!(outcome.done.contains(&boom));
    assert!(outcome.not_done.contains(&slow));
    drop(gate);
}

// Ported from WaitTests.test_first_exception_one_already_failed.
#[test]
fn first_exception_returns_at_once_if_one_already_failed() {
    let (pending, _c) = new_future::<u32>();
    let bad = failed("boom");
    let outcome = wait([&pending, &bad], Some(SOON), FIRST_EXCEPTION);
    assert_eq!(outcome.done, set(&[&bad]));
}

// Ported from WaitTests.test_first_exception_some_already_complete.
#[test]
fn first_exception_ignores_results_and_cancellations() {
    let (pending, completer) = new_future::<u32>();
    let (ok, cancel) = (finished(1), cancelled());
    let waiter = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| wait([&pending, &ok, &cancel], Some(SOON), FIRST_EXCEPTION));
        completer.set_result(2).unwrap();
        waiter.join().unwrap()
    });
    // No failure at all: FIRST_EXCEPTION degrades to ALL_COMPLETED.
    assert_eq!(waiter.done, set(&[&pending, &ok, &cancel]));
    assert!(waiter.not_done.is_empty());
}

// Ported from WaitTests.test_all_completed.
#[test]
fn all_completed_counts_finished_failed_and_cancelled() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let (ok, bad, cancel) = (finished(1), failed("boom"), cancelled());
    let running = pool.submit(|| 5).unwrap();
    let outcome = wait([&ok, &bad, &cancel, &running], None, ALL_COMPLETED);
    assert_eq!(outcome.done, set(&[&ok, &bad, &cancel, &running]));
    assert!(outcome.not_done.is_empty());
}

// Ported from WaitTests.test_timeout.
#[test]
fn timeout_is_not_an_error_it_leaves_futures_in_not_done() {
    let (pending, _c) = new_future::<u32>();
    let ok = finished(1);
    let outcome = wait(
        [&ok, &pending],
        Some(Duration::from_millis(20)),
        ALL_COMPLETED,
    );
    assert_eq!(outcome.done, set(&[&ok]));
    assert_eq!(outcome.not_done, set(&[&pending]));
}

/// Runs `f` on a thread of its own and fails (instead of hanging the test run) if it has not
/// returned within a minute.
fn returns_at_all<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("it never returned")
}

// CPython's `wait` returns at once when every future is done, which an empty list is, in every
// mode; with no future to signal, waiting for one would never end.
#[test]
fn wait_and_as_completed_on_no_futures_return_at_once() {
    for mode in [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED] {
        let outcome = returns_at_all(move || {
            let outcome = wait(&[] as &[Future<u32>], None, mode);
            (outcome.done.len(), outcome.not_done.len())
        });
        assert_eq!(outcome, (0, 0), "{mode:?}");
    }
    let yielded = returns_at_all(|| as_completed(&[] as &[Future<u32>], None).count());
    assert_eq!(yielded, 0);
}

#[test]
fn wait_counts_duplicates_once() {
    let ok = finished(1);
    let outcome = wait([&ok, &ok, &ok], None, ALL_COMPLETED);
    assert_eq!(outcome.done.len(), 1);
}

#[test]
fn shutdown_with_cancel_futures_does_not_hang_wait_or_as_completed() {
    // CPython can hang here (futures cancelled by shutdown never become CANCELLED_AND_NOTIFIED).
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, blocked) = gated_task();
    let (started_tx, started) = mpsc::channel();
    let busy = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            blocked()
        })
        .unwrap();
    started.recv().unwrap(); // `busy` is running, so shutdown cannot cancel it
    let queued: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
    let waiter = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| wait(&queued, None, ALL_COMPLETED));
        pool.shutdown(false, true);
        waiter.join().unwrap()
    });
    assert_eq!(waiter.done.len(), 5);
    assert!(queued.iter().all(Future::cancelled));
    assert_eq!(as_completed(&queued, None).filter(Result::is_ok).count(), 5);
    drop(gate);
    assert_eq!(busy.result(Some(SOON)).ok(), Some(&7));
}

// Ported from AsCompletedTests.test_no_timeout.
#[test]
fn as_completed_yields_done_futures_first_then_each_as_it_finishes() {
    let (later, completer) = new_future::<u32>();
    let (ok, bad, cancel) = (finished(1), failed("boom"), cancelled());
    let mut seen = Vec::new();
    std::thread::scope(|scope| {
        let mut completer = Some(completer);
        for future in as_completed([&later, &ok, &bad, &cancel], Some(SOON)) {
            seen.push(future.unwrap());
            if seen.len() == 3 {
                // All the already-done futures came out; only now does `later` finish.
                let completer = completer.take().unwrap();
                scope.spawn(move || completer.set_result(9).unwrap());
            }
        }
    });
    assert_eq!(seen, [&ok, &bad, &cancel, &later]);
}

// Ported from AsCompletedTests.test_zero_timeout.
#[test]
fn as_completed_with_zero_timeout_yields_the_done_then_a_timeout() {
    let (p1, _c1) = new_future::<u32>();
    let (p2, _c2) = new_future::<u32>();
    let ok = finished(1);
    let items: Vec<_> = as_completed([&p1, &ok, &p2], Some(Duration::ZERO)).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0], Ok(&ok));
    assert_eq!(
        items[1],
        Err(AsCompletedTimeout {
            unfinished: 2,
            total: 3
        })
    );
}

// Ported from AsCompletedTests.test_correct_timeout_exception_msg.
#[test]
fn as_completed_timeout_message_counts_unfinished_futures() {
    let (p1, _c1) = new_future::<u32>();
    let ok = finished(1);
    let error = as_completed([&p1, &ok], Some(Duration::from_millis(10)))
        .find_map(Result::err)
        .unwrap();
    assert_eq!(error.to_string(), "1 (of 2) futures unfinished");
}

// Ported from AsCompletedTests.test_duplicate_futures.
#[test]
fn as_completed_yields_each_future_once_even_if_passed_twice() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let future = pool.submit(|| 1).unwrap();
    let other = finished(2);
    let yielded: Vec<_> = as_completed([&future, &other, &future, &other], Some(SOON))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(yielded.len(), 2);
}

#[test]
fn as_completed_and_wait_accept_futures_from_different_executors() {
    let first = ThreadPoolExecutor::new(1).unwrap();
    let second = ThreadPoolExecutor::new(1).unwrap();
    let (own, completer): (Future<u32>, Completer<u32>) = new_future();
    let futures = [first.submit(|| 1).unwrap(), second.submit(|| 2).unwrap()];
    completer.set_result(3).unwrap();
    let mut values: Vec<u32> = as_completed(futures.iter().chain([&own]), Some(SOON))
        .map(|f| *f.unwrap().result(None).unwrap())
        .collect();
    values.sort_unstable();
    assert_eq!(values, [1, 2, 3]);
    let outcome = wait(futures.iter().chain([&own]), Some(SOON), ALL_COMPLETED);
    assert_eq!(outcome.done.len(), 3);
}

#[test]
fn dropping_as_completed_early_leaves_the_futures_usable() {
    let (pending, completer) = new_future::<u32>();
    let ok = finished(1);
    {
        let mut iter = as_completed([&ok, &pending], None);
        assert_eq!(iter.next(), Some(Ok(&ok)));
    } // dropped while still listening on `pending`
    completer.set_result(5).unwrap();
    assert_eq!(pending.result(Some(SOON)).ok(), Some(&5));
}
