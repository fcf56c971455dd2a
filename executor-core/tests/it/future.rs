//! Behaviour of a single `Future`: states, cancel, result/exception, callbacks, repr, and the
//! implementer's transitions. Mostly ported from CPython's `Lib/test/test_concurrent_futures/
//! test_future.py` (`FutureTests`); each ported test names its source.
//!
//! Run with `cargo test -p executor-core --test it future::`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use executor_core::implementer::{Completer, new_future};
use executor_core::{Future, FutureError, TaskError};

use crate::support::{SOON, cancelled, failed, finished};

fn pending<T>() -> (Future<T>, Completer<T>) {
    new_future()
}

fn running<T>() -> (Future<T>, Completer<T>) {
    let (future, mut completer) = new_future();
    assert_eq!(completer.set_running_or_notify_cancel(), Ok(true));
    (future, completer)
}

// Ported from FutureTests.test_done / test_running / test_cancelled.
#[test]
fn state_queries_match_each_state() {
    let (p, _c1) = pending::<u8>();
    let (r, _c2) = running::<u8>();
    let table = [
        (&p, false, false, false),
        (&r, false, true, false),
        (&finished(1), true, false, false),
        (&failed("x"), true, false, false),
        (&cancelled(), true, false, true),
    ];
    for (future, done, running, is_cancelled) in table {
        assert_eq!(future.done(), done, "{future}");
        assert_eq!(future.running(), running, "{future}");
        assert_eq!(future.cancelled(), is_cancelled, "{future}");
    }
}

// Ported from FutureTests.test_cancel.
#[test]
fn cancel_succeeds_only_while_pending_and_stays_true_once_cancelled() {
    let (p, _c1) = pending::<u8>();
    assert!(p.cancel());
    assert!(p.cancel(), "a cancelled future reports success again");
    assert!(p.cancelled());

    let (r, _c2) = running::<u8>();
    assert!(!r.cancel());
    assert!(r.running(), "a failed cancel leaves the state alone");

    let f = finished(5u8);
    assert!(!f.cancel());
    assert_eq!(f.result(None).ok(), Some(&5));

    let e = failed::<u8>("boom");
    assert!(!e.cancel());
}

#[test]
fn cancelled_future_makes_the_executor_skip_the_task() {
    let (future, mut completer) = pending::<u8>();
    assert!(future.cancel());
    assert_eq!(completer.set_running_or_notify_cancel(), Ok(false));
    assert!(matches!(future.result(None), Err(FutureError::Cancelled)));
}

// Ported from FutureTests.test_result_with_timeout.
#[test]
fn result_with_zero_timeout_polls_every_state() {
    let (p, _c1) = pending::<u8>();
    let (r, _c2) = running::<u8>();
    assert!(matches!(
        p.result(Some(Duration::ZERO)),
        Err(FutureError::TimedOut { .. })
    ));
    assert!(matches!(
        r.result(Some(Duration::ZERO)),
        Err(FutureError::TimedOut { .. })
    ));
    assert!(matches!(
        cancelled::<u8>().result(Some(Duration::ZERO)),
        Err(FutureError::Cancelled)
    ));
    assert!(matches!(
        failed::<u8>("bad").result(Some(Duration::ZERO)),
        Err(FutureError::Failed(TaskError::Panicked { .. }))
    ));
    assert_eq!(finished(42).result(Some(Duration::ZERO)).ok(), Some(&42));
}

#[test]
fn result_times_out_with_a_real_timeout_and_the_future_is_unaffected() {
    let (future, completer) = running::<u8>();
    let error = future.result(Some(Duration::from_millis(20))).unwrap_err();
    assert!(
        matches!(error, FutureError::TimedOut { timeout } if timeout == Duration::from_millis(20))
    );
    assert!(future.running());
    completer.set_result(3).unwrap();
    assert_eq!(future.result(Some(Duration::ZERO)).ok(), Some(&3));
}

// Ported from FutureTests.test_result_with_success (a barrier instead of `time.sleep(1)`).
#[test]
fn result_blocks_until_another_thread_sets_it() {
    let (future, completer) = running::<u32>();
    let both_ready = Arc::new(Barrier::new(2));
    let setter = {
        let both_ready = Arc::clone(&both_ready);
        thread::spawn(move || {
            both_ready.wait();
            completer.set_result(42)
        })
    };
    both_ready.wait();
    assert_eq!(future.result(Some(SOON)).ok(), Some(&42));
    assert_eq!(setter.join().unwrap(), Ok(()));
}

// Ported from FutureTests.test_result_with_cancel.
#[test]
fn result_wakes_with_cancelled_when_another_thread_cancels() {
    let (future, _completer) = pending::<u32>();
    let future = Arc::new(future);
    let waiter = {
        let future = Arc::clone(&future);
        thread::spawn(move || future.result(Some(SOON)).copied())
    };
    // Whether the waiter is already blocked or not, it must see the cancellation.
    assert!(future.cancel());
    assert!(matches!(
        waiter.join().unwrap(),
        Err(FutureError::Cancelled)
    ));
}

// Ported from FutureTests.test_exception_with_timeout / test_exception_with_success.
#[test]
fn exception_reports_the_error_none_or_timeout() {
    let (p, _c) = pending::<u8>();
    assert!(matches!(
        p.exception(Some(Duration::ZERO)),
        Err(FutureError::TimedOut { .. })
    ));
    assert!(matches!(
        cancelled::<u8>().exception(None),
        Err(FutureError::Cancelled)
    ));
    assert!(finished(1).exception(None).unwrap().is_none());
    let f = failed::<u8>("broken");
    let error = f.exception(None).unwrap().expect("the task failed");
    assert_eq!(error.to_string(), "the task panicked: broken");
}

#[test]
fn exception_blocks_until_another_thread_sets_one() {
    let (future, completer) = running::<u8>();
    let setter = thread::spawn(move || completer.set_exception(TaskError::raised(std::fmt::Error)));
    let error = future
        .exception(Some(SOON))
        .unwrap()
        .expect("an error was set");
    assert_eq!(error.kind(), "Error");
    setter.join().unwrap().unwrap();
}

#[test]
fn result_can_be_read_many_times_and_lends_the_same_value() {
    let future = finished(String::from("flag"));
    let first: *const String = future.result(None).unwrap();
    let second: *const String = future.result(None).unwrap();
    assert_eq!(first, second, "both calls lend the one stored value");
    assert_eq!(future.into_result().unwrap(), "flag");
}

#[test]
fn value_is_dropped_exactly_once_whether_read_or_moved_out() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let read = finished(Counted(Arc::clone(&drops)));
    read.result(None).unwrap();
    drop(read);
    let moved = finished(Counted(Arc::clone(&drops))).into_result().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(moved);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

// Ported from FutureTests.test_repr.
#[test]
fn display_shows_the_state_like_python_repr() {
    let (p, _c1) = pending::<u8>();
    let (r, _c2) = running::<u8>();
    let cases = [
        (p.to_string(), "state=pending>"),
        (r.to_string(), "state=running>"),
        (cancelled::<u8>().to_string(), "state=cancelled>"),
        (finished(4u32).to_string(), "state=finished returned u32>"),
        (
            finished(String::new()).to_string(),
            "state=finished returned String>",
        ),
        (
            failed::<u8>("x").to_string(),
            "state=finished raised Panic>",
        ),
    ];
    for (repr, ending) in cases {
        assert!(repr.starts_with("<Future at 0x"), "{repr}");
        assert!(repr.ends_with(ending), "{repr} should end with {ending}");
    }
    assert_eq!(
        format!("{p:?}"),
        p.to_string(),
        "Debug shows the same, without T: Debug"
    );
}

#[test]
fn futures_compare_and_hash_by_identity() {
    let a = finished(1);
    let b = finished(1);
    assert_eq!(a, a);
    assert_ne!(a, b, "equal values, different futures");
    let set: std::collections::HashSet<&Future<i32>> = [&a, &b, &a].into_iter().collect();
    assert_eq!(set.len(), 2);
}

// Ported from FutureTests.test_done_callback_with_result / _with_exception / _with_cancel.
#[test]
fn callback_added_before_completion_runs_once_in_the_completing_thread() {
    for outcome in ["result", "exception", "cancel"] {
        let (future, completer) = pending::<u8>();
        let (tx, rx) = mpsc::channel();
        future.add_done_callback(move |f| {
            tx.send((thread::current().id(), f.done(), f.cancelled()))
                .unwrap();
        });
        assert!(rx.try_recv().is_err(), "nothing runs before completion");
        let completing_thread = thread::spawn(move || {
            match outcome {
                "result" => completer.set_result(1).unwrap(),
                "exception" => completer.set_exception(TaskError::Abandoned).unwrap(),
                _ => {
                    assert!(future.cancel());
                }
            }
            thread::current().id()
        })
        .join()
        .unwrap();
        let (ran_in, done, was_cancelled) = rx.recv().unwrap();
        assert_eq!(ran_in, completing_thread, "{outcome}");
        assert!(done);
        assert_eq!(was_cancelled, outcome == "cancel");
        assert!(rx.try_recv().is_err(), "exactly once");
    }
}

// Ported from FutureTests.test_done_callback_already_successful / _already_failed /
// _already_cancelled.
#[test]
fn callback_added_after_completion_runs_at_once_in_the_caller() {
    for future in [finished(1u8), failed("x"), cancelled()] {
        let ran_in = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&ran_in);
        future.add_done_callback(move |_| {
            *slot.lock().unwrap() = Some(thread::current().id());
        });
        assert_eq!(*ran_in.lock().unwrap(), Some(thread::current().id()));
    }
}

#[test]
fn callbacks_run_in_the_order_added() {
    let (future, completer) = pending::<u8>();
    let order = Arc::new(Mutex::new(Vec::new()));
    for n in 0..5 {
        let order = Arc::clone(&order);
        future.add_done_callback(move |_| order.lock().unwrap().push(n));
    }
    completer.set_result(0).unwrap();
    assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
}

// Ported from FutureTests.test_done_callback_raises (and _raises_already_succeeded).
#[test]
fn a_panicking_callback_does_not_stop_the_others() {
    let (future, completer) = pending::<u8>();
    let ran = Arc::new(AtomicUsize::new(0));
    let r1 = Arc::clone(&ran);
    future.add_done_callback(move |_| {
        r1.fetch_add(1, Ordering::SeqCst);
    });
    future.add_done_callback(|_| panic!("doh! (a test callback panics on purpose)"));
    let r2 = Arc::clone(&ran);
    future.add_done_callback(move |_| {
        r2.fetch_add(1, Ordering::SeqCst);
    });
    completer.set_result(1).unwrap();
    assert_eq!(ran.load(Ordering::SeqCst), 2);
    assert_eq!(future.result(None).ok(), Some(&1), "the future is unharmed");

    future.add_done_callback(|_| panic!("doh again (on purpose)"));
    let r3 = Arc::clone(&ran);
    future.add_done_callback(move |_| {
        r3.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(ran.load(Ordering::SeqCst), 3);
}

#[test]
fn a_callback_can_read_the_result_of_its_future() {
    let (future, completer) = pending::<String>();
    let (tx, rx) = mpsc::channel();
    future.add_done_callback(move |f| tx.send(f.result(None).cloned()).unwrap());
    completer.set_result("IN".into()).unwrap();
    assert_eq!(rx.recv().unwrap().unwrap(), "IN");
    // The owner can still take the value: the callback is over.
    assert_eq!(future.into_result().unwrap(), "IN");
}

#[test]
fn into_result_waits_for_running_callbacks_before_moving_the_value_out() {
    let (future, completer) = pending::<String>();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    future.add_done_callback(move |f| {
        let borrowed: &String = f.result(None).unwrap();
        entered_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        assert_eq!(borrowed, "still here");
    });
    let completing = thread::spawn(move || completer.set_result("still here".into()));
    entered_rx.recv().unwrap();
    assert!(future.done(), "done while callbacks run, as in Python");
    let taker = thread::spawn(move || future.into_result());
    release_tx.send(()).unwrap();
    assert_eq!(taker.join().unwrap().unwrap(), "still here");
    completing.join().unwrap().unwrap();
}

// Ported from FutureTests.test_multiple_set_result / test_multiple_set_exception (in Rust a
// second `set_result` does not compile; what remains is completing a cancelled future).
#[test]
fn completing_a_cancelled_future_is_an_invalid_state() {
    let (future, completer) = pending::<u8>();
    future.cancel();
    let error = completer.set_result(1).unwrap_err();
    assert_eq!(error.state, "cancelled");
    // Python's message names the future: `CANCELLED: <Future at 0x… state=cancelled>`.
    assert_eq!(&*error.future, future.to_string());
    assert!(error.to_string().contains(&future.to_string()), "{error}");
    let (future, completer) = pending::<u8>();
    future.cancel();
    let error = completer.set_exception(TaskError::Abandoned).unwrap_err();
    assert_eq!(error.state, "cancelled");
    assert_eq!(&*error.future, future.to_string());
}

#[test]
fn set_running_twice_is_an_invalid_state() {
    let (future, mut completer) = running::<u8>();
    let error = completer.set_running_or_notify_cancel().unwrap_err();
    assert_eq!(error.state, "running");
    assert_eq!(&*error.future, future.to_string());
    // The message names the future by its repr, as CPython's `RUNNING: <Future at 0x… ...>`.
    assert!(error.future.starts_with("<Future at 0x"), "{error}");
    assert!(
        error
            .to_string()
            .ends_with(&format!("already running: {future}")),
        "{error}"
    );
}

#[test]
fn dropping_the_completer_fails_the_future_instead_of_hanging() {
    let (future, completer) = running::<u8>();
    drop(completer);
    assert!(matches!(
        future.result(Some(SOON)),
        Err(FutureError::Failed(TaskError::Abandoned))
    ));
}

#[test]
fn errors_work_with_the_question_mark_into_box_dyn_error()
-> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let value = finished(7).into_result()?;
    assert_eq!(value, 7);
    let error: Box<dyn std::error::Error + Send + Sync> =
        failed::<u8>("x").into_result().unwrap_err().into();
    assert_eq!(error.to_string(), "the task failed: the task panicked: x");
    Ok(())
}
