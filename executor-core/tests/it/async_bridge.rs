//! `.await` on an executor `Future` under tokio: the twin of `asyncio.wrap_future` and of
//! `await loop.run_in_executor(executor, fn)`.
//!
//! Run with `cargo test -p executor-core --test it async_bridge::`.

use std::future::IntoFuture;
use std::sync::mpsc;
use std::time::Duration;

use executor_core::implementer::new_future;
use executor_core::{Executor, FutureError, TaskError, ThreadPoolExecutor};

#[tokio::test]
async fn awaiting_a_pool_future_yields_its_value() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let future = pool.submit(|| String::from("flag bytes")).unwrap();
    assert_eq!(future.await.unwrap(), "flag bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_awaits_run_concurrently_on_the_runtime() {
    let pool = ThreadPoolExecutor::new(4).unwrap();
    let handles: Vec<_> = (0..50u64)
        .map(|n| tokio::spawn(pool.submit(move || n * 2).unwrap().into_future()))
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.unwrap().unwrap();
    }
    assert_eq!(total, (0..50).map(|n| n * 2).sum::<u64>());
}

#[tokio::test]
async fn a_future_completed_later_by_another_thread_wakes_the_task() {
    let (future, completer) = new_future::<u32>();
    let (go, wait_for_go) = mpsc::channel::<()>();
    let setter = std::thread::spawn(move || {
        wait_for_go.recv().unwrap();
        completer.set_result(99).unwrap();
    });
    let awaiting = tokio::spawn(future.into_future());
    tokio::task::yield_now().await; // let the task register its waker (not required)
    go.send(()).unwrap();
    assert_eq!(awaiting.await.unwrap().unwrap(), 99);
    setter.join().unwrap();
}

#[tokio::test]
async fn awaiting_reports_panics_and_cancellation() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let boom = pool
        .submit(|| -> u8 { panic!("task fails on purpose") })
        .unwrap();
    assert!(matches!(
        boom.await,
        Err(FutureError::Failed(TaskError::Panicked { .. }))
    ));

    let (cancelled, _completer) = new_future::<u8>();
    cancelled.cancel();
    assert!(matches!(cancelled.await, Err(FutureError::Cancelled)));
}

/// Waiting through `&mut` gives up on the wait, not on the task: nothing is dropped.
#[tokio::test]
async fn a_timed_out_await_through_a_reference_can_be_resumed() {
    let (future, completer) = new_future::<u8>();
    let awaiting = future.into_future();
    tokio::pin!(awaiting);
    let timed_out = tokio::time::timeout(Duration::from_millis(10), &mut awaiting).await;
    assert!(timed_out.is_err());
    completer.set_result(1).unwrap();
    assert_eq!(
        awaiting.await.unwrap(),
        1,
        "the same await can be resumed later"
    );
}

/// Polls the `.await` of `future` once, with a waker that does nothing, then drops it: an await
/// abandoned before its task finished, as when a timeout fires or `select!` takes another branch.
fn await_once_then_abandon<T>(future: executor_core::Future<T>) {
    use std::future::Future as _;
    use std::task::{Context, Waker};

    let mut awaiting = Box::pin(future.into_future());
    let polled = awaiting
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    assert!(polled.is_pending(), "the task was meant to be unfinished");
}

/// A pool of one thread, busy until the returned sender sends (or is dropped).
fn a_busy_pool_of_one() -> (ThreadPoolExecutor, mpsc::Sender<()>) {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (release, gate) = mpsc::channel::<()>();
    pool.submit(move || {
        let _ = gate.recv();
    })
    .unwrap();
    (pool, release)
}

// CPython: test_asyncio/test_futures.py, test_wrap_future_cancel.
#[test]
fn abandoning_an_await_cancels_a_task_still_queued() {
    let (pool, release) = a_busy_pool_of_one();
    let (ran_tx, ran) = mpsc::channel();
    let queued = pool.submit(move || ran_tx.send(()).unwrap()).unwrap();
    let (cancelled_tx, cancelled) = mpsc::channel();
    queued.add_done_callback(move |future| cancelled_tx.send(future.cancelled()).unwrap());

    await_once_then_abandon(queued);
    assert_eq!(
        cancelled.try_recv(),
        Ok(true),
        "cancelled, callbacks run, at the drop"
    );

    drop(release);
    pool.shutdown(true, false);
    assert!(ran.try_recv().is_err(), "a cancelled task never runs");
}

#[test]
fn abandoning_an_await_lets_a_running_task_finish() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (started_tx, started) = mpsc::channel();
    let (release, gate) = mpsc::channel::<()>();
    let running = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            gate.recv().unwrap();
        })
        .unwrap();
    let (cancelled_tx, cancelled) = mpsc::channel();
    running.add_done_callback(move |future| cancelled_tx.send(future.cancelled()).unwrap());
    started.recv().unwrap();

    await_once_then_abandon(running);
    release.send(()).unwrap();
    assert_eq!(
        cancelled.recv(),
        Ok(false),
        "a running task cannot be stopped: it finishes"
    );
}

#[tokio::test]
async fn a_timeout_that_fires_cancels_the_queued_task() {
    let (pool, release) = a_busy_pool_of_one();
    let queued = pool.submit(|| 1u8).unwrap();
    let (cancelled_tx, cancelled) = mpsc::channel();
    queued.add_done_callback(move |future| cancelled_tx.send(future.cancelled()).unwrap());
    // Nothing can finish in zero time while the only thread is busy: the timeout fires.
    let outcome = tokio::time::timeout(Duration::ZERO, queued).await;
    assert!(outcome.is_err());
    assert_eq!(cancelled.try_recv(), Ok(true));
    drop(release);
}

/// A waker from some misbehaving runtime: it panics when woken.
struct PanickingWaker;

impl std::task::Wake for PanickingWaker {
    fn wake(self: std::sync::Arc<Self>) {
        panic!("this waker panics");
    }
}

#[test]
fn a_panicking_waker_does_not_keep_callbacks_or_other_waiters_from_the_result() {
    use std::future::Future as _;
    use std::task::{Context, Poll, Waker};

    let (future, completer) = new_future::<u32>();
    let (ran_tx, ran) = mpsc::channel();
    future.add_done_callback(move |_| ran_tx.send(()).unwrap());
    let mut awaiting = std::pin::pin!(future.into_future());
    let waker = Waker::from(std::sync::Arc::new(PanickingWaker));
    assert!(
        awaiting
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    // Completing wakes the panicking waker, then runs the callback: the panic is reported,
    // not propagated into `set_result`'s caller, and the callback still runs.
    completer.set_result(7).unwrap();
    assert!(ran.try_recv().is_ok(), "the callback never ran");
    let ready = awaiting
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    assert!(matches!(ready, Poll::Ready(Ok(7))), "{ready:?}");
}
