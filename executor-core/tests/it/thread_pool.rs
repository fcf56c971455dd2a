//! `ThreadPoolExecutor` and `Executor::map`: submit, panics, shutdown, thread reuse and names,
//! initializers, and map's ordering, timeout and cancellation. Ported in the main from CPython's
//! `test_concurrent_futures/{executor,test_thread_pool,test_shutdown,test_init}.py`.
//!
//! Run with `cargo test -p executor-core --test it thread_pool::`.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::Duration;

use executor_core::{
    BuildError, Executor, FutureError, MapOptions, SubmitError, TaskError, ThreadPoolExecutor,
    default_max_workers,
};

use crate::support::{Gate, SOON, gated_task};

// Ported from ExecutorTest.test_submit.
#[test]
fn submit_returns_the_value() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let future = pool.submit(|| 2u32.pow(8)).unwrap();
    assert_eq!(future.result(Some(SOON)).ok(), Some(&256));
}

#[test]
fn default_pool_has_min_32_cores_plus_4_workers() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(default_max_workers(), (cores + 4).min(32));
    assert_eq!(
        ThreadPoolExecutor::default().max_workers(),
        default_max_workers()
    );
}

// Ported from ThreadPoolExecutorTest.test_max_workers_negative (Rust has no negatives).
#[test]
fn zero_max_workers_is_an_error() {
    assert!(matches!(
        ThreadPoolExecutor::new(0),
        Err(BuildError::ZeroWorkers)
    ));
}

#[test]
fn a_panicking_task_fails_its_future_and_the_worker_survives() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let boom = pool
        .submit(|| -> u32 { panic!("task fails on purpose") })
        .unwrap();
    match boom.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::Panicked { message, .. })) => {
            assert_eq!(&*message, "task fails on purpose");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    // The single worker is still alive and serves the next task.
    assert_eq!(pool.submit(|| 1).unwrap().result(Some(SOON)).ok(), Some(&1));
    assert_eq!(pool.num_threads(), 1);
}

#[test]
fn a_task_returning_err_finishes_normally_with_that_err() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let future = pool.submit(|| "x9".parse::<u8>()).unwrap();
    assert!(
        future.exception(Some(SOON)).unwrap().is_none(),
        "Err is a value, not a failure"
    );
    assert!(future.result(None).unwrap().is_err());
}

// Ported from ThreadPoolExecutorTest.test_idle_thread_reuse.
#[test]
fn idle_threads_are_reused_before_new_ones_start() {
    let pool = ThreadPoolExecutor::new(8).unwrap();
    for n in 0..20 {
        assert_eq!(pool.submit(move || n).unwrap().into_result().unwrap(), n);
    }
    // Each task finished before the next was submitted, so one thread did everything: the
    // worker counts itself idle *before* it completes the future (`thread_pool/job.rs`), so by
    // the time `into_result` returns, the next submit sees an idle thread.
    assert_eq!(pool.num_threads(), 1);
}

#[test]
fn threads_start_lazily_up_to_max_workers() {
    let pool = ThreadPoolExecutor::new(3).unwrap();
    assert_eq!(pool.num_threads(), 0);
    let all_started = Arc::new(Barrier::new(4));
    let futures: Vec<_> = (0..3)
        .map(|_| {
            let all_started = Arc::clone(&all_started);
            pool.submit(move || {
                all_started.wait();
            })
            .unwrap()
        })
        .collect();
    all_started.wait(); // three tasks run at once, so three threads exist
    for future in &futures {
        future.result(Some(SOON)).unwrap();
    }
    for _ in 0..10 {
        pool.submit(|| ()).unwrap();
    }
    assert_eq!(pool.num_threads(), 3, "never more than max_workers");
}

// Ported from ThreadPoolShutdownTest.test_thread_names_assigned / test_thread_names_default.
#[test]
fn threads_are_named_with_the_prefix_and_a_number() {
    let named = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("flags")
        .build()
        .unwrap();
    let name = named
        .submit(|| std::thread::current().name().map(String::from))
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(name.as_deref(), Some("flags_0"));

    let default = ThreadPoolExecutor::new(1).unwrap();
    let name = default
        .submit(|| std::thread::current().name().map(String::from))
        .unwrap()
        .into_result()
        .unwrap()
        .unwrap();
    let (prefix, number) = name.rsplit_once('_').unwrap();
    assert!(prefix.starts_with("ThreadPoolExecutor-"), "{name}");
    assert_eq!(number, "0");
}

#[test]
fn initializer_runs_once_in_every_worker() {
    let initialized = Arc::new(Mutex::new(HashSet::new()));
    let record = Arc::clone(&initialized);
    let pool = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("init")
        .initializer(move || {
            let name = std::thread::current().name().map(String::from);
            record.lock().unwrap().insert(name);
            Ok::<(), String>(())
        })
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(3));
    for _ in 0..2 {
        let barrier = Arc::clone(&barrier);
        pool.submit(move || {
            barrier.wait();
        })
        .unwrap();
    }
    barrier.wait();
    drop(pool);
    assert_eq!(initialized.lock().unwrap().len(), 2);
}

// Ported from FailingInitializerMixin.test_initializer (test_init.py).
#[test]
fn a_failing_initializer_breaks_the_pool() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(|| Err("initializer fails on purpose"))
        .build()
        .unwrap();
    let future = pool.submit(|| 1).unwrap();
    match future.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::BrokenThreadPool { reason })) => {
            assert!(reason.contains("initializer fails on purpose"), "{reason}");
        }
        other => panic!("expected BrokenThreadPool, got {other:?}"),
    }
    assert!(matches!(
        pool.submit(|| 2),
        Err(SubmitError::BrokenThreadPool { .. })
    ));
}

#[test]
fn a_panicking_initializer_breaks_the_pool_too() {
    let pool = ThreadPoolExecutor::builder()
        .max_workers(1)
        .initializer(|| -> Result<(), String> { panic!("initializer panics on purpose") })
        .build()
        .unwrap();
    let future = pool.submit(|| 1).unwrap();
    assert!(matches!(
        future.result(Some(SOON)),
        Err(FutureError::Failed(TaskError::BrokenThreadPool { .. }))
    ));
}

// Ported from ThreadPoolShutdownTest.test_run_after_shutdown.
#[test]
fn submit_after_shutdown_is_an_error_not_a_panic() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    pool.shutdown(true, false);
    assert!(matches!(pool.submit(|| 1), Err(SubmitError::Shutdown)));
    assert!(pool.map(|n: u8| n, [1], None).is_err());
    pool.shutdown(true, false); // a second shutdown is harmless
}

#[test]
fn shutdown_with_wait_runs_every_queued_task_first() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let futures: Vec<_> = (0..50).map(|n| pool.submit(move || n).unwrap()).collect();
    pool.shutdown(true, false);
    assert!(
        futures
            .iter()
            .all(|f| f.result(Some(Duration::ZERO)).is_ok())
    );
}

// Ported from ThreadPoolShutdownTest.test_cancel_futures.
#[test]
fn shutdown_with_cancel_futures_cancels_only_the_queued_tasks() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let running = pool.submit(task).unwrap();
    gate.started.recv().unwrap();
    let queued: Vec<_> = (0..10).map(|n| pool.submit(move || n).unwrap()).collect();
    pool.shutdown(false, true);
    assert!(queued.iter().all(|f| f.cancelled()));
    assert!(running.running());
    gate.release.send(()).unwrap();
    assert_eq!(running.result(Some(SOON)).ok(), Some(&7));
}

/// A pool of `workers` threads that each wait, before their first job, until the test calls
/// `wait` on the returned barrier: so every job submitted before that is queued when the first
/// worker looks, and the workers take them in batches (`thread_pool/local.rs`).
fn pool_held_at_start(workers: usize) -> (ThreadPoolExecutor, Arc<Barrier>) {
    let go = Arc::new(Barrier::new(workers + 1));
    let held = Arc::clone(&go);
    let pool = ThreadPoolExecutor::builder()
        .max_workers(workers)
        .initializer(move || {
            held.wait();
            Ok::<(), String>(())
        })
        .build()
        .unwrap();
    (pool, go)
}

/// A pool of `workers` threads held at their start while a gated task and ten quick ones
/// (returning 0 to 9) are queued, then let go: the workers' first look finds eleven jobs.
fn a_gated_task_then_ten_quick_ones(
    workers: usize,
) -> (
    ThreadPoolExecutor,
    Gate,
    executor_core::Future<u32>,
    Vec<executor_core::Future<usize>>,
) {
    let (pool, go) = pool_held_at_start(workers);
    let (gate, task) = gated_task();
    let gated = pool.submit(task).unwrap();
    let quick = (0..10).map(|n| pool.submit(move || n).unwrap()).collect();
    go.wait();
    (pool, gate, gated, quick)
}

#[test]
fn a_job_taken_in_a_batch_never_waits_behind_a_long_task_while_a_worker_is_free() {
    // Eleven jobs queued before two workers look: the first batch holds the blocking task and
    // quick jobs behind it. The other worker must steal those quick jobs; if it could not, they
    // would wait for the release, which only comes after they are all done.
    let (_pool, gate, blocked, quick) = a_gated_task_then_ten_quick_ones(2);
    for (n, future) in quick.iter().enumerate() {
        assert_eq!(future.result(Some(SOON)).ok(), Some(&n));
    }
    assert!(!blocked.done());
    gate.release.send(()).unwrap();
    assert_eq!(blocked.result(Some(SOON)).ok(), Some(&7));
}

#[test]
fn shutdown_with_cancel_futures_also_cancels_jobs_a_worker_took_in_a_batch() {
    // The one worker takes the blocking task and a batch of the jobs behind it before it starts
    // the task; those jobs sit in its own queue, not the shared one, and are pending all the
    // same: `cancel_futures` must reach them.
    let (pool, gate, running, queued) = a_gated_task_then_ten_quick_ones(1);
    gate.started.recv().unwrap();
    pool.shutdown(false, true);
    assert!(queued.iter().all(|f| f.cancelled()));
    gate.release.send(()).unwrap();
    assert_eq!(running.result(Some(SOON)).ok(), Some(&7));
}

// Ported from ThreadPoolShutdownTest.test_cancel_futures_wait_false.
#[test]
fn shutdown_without_wait_returns_while_a_task_still_runs() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let running = pool.submit(task).unwrap();
    gate.started.recv().unwrap();
    pool.shutdown(false, false); // would deadlock here if it waited
    assert!(!running.done());
    gate.release.send(()).unwrap();
    drop(pool); // dropping still joins the worker
    assert!(running.done());
}

#[test]
fn dropping_the_pool_waits_for_submitted_tasks_like_leaving_a_with_block() {
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let pool = ThreadPoolExecutor::new(3).unwrap();
        for _ in 0..30 {
            let finished = Arc::clone(&finished);
            pool.submit(move || finished.fetch_add(1, Ordering::SeqCst))
                .unwrap();
        }
    }
    assert_eq!(finished.load(Ordering::SeqCst), 30);
}

#[test]
fn a_task_may_shut_down_its_own_pool_without_deadlock() {
    let pool = Arc::new(ThreadPoolExecutor::new(1).unwrap());
    let inner = Arc::clone(&pool);
    let future = pool
        .submit(move || {
            inner.shutdown(true, false);
        })
        .unwrap();
    future.result(Some(SOON)).unwrap();
    assert!(pool.submit(|| ()).is_err());
}

/// How long a test leaves a buggy `shutdown` to return too early before releasing a task. A
/// correct `shutdown` waits whatever this is, so no timing can make the tests below fail then.
const EARLY: Duration = Duration::from_millis(200);

#[test]
fn dropping_the_pool_waits_even_for_a_task_that_shut_it_down() {
    let pool = Arc::new(ThreadPoolExecutor::new(2).unwrap());
    let weak = Arc::downgrade(&pool);
    let (shut_down_tx, shut_down) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicUsize::new(0));
    let finished_in_task = Arc::clone(&finished);
    pool.submit(move || {
        // Shut down from inside (this waits for the pool's other thread, never for its own),
        // then keep running: the owner's drop must still wait for this task.
        if let Some(pool) = weak.upgrade() {
            pool.shutdown(true, false);
        }
        shut_down_tx.send(()).unwrap();
        let _ = released.recv();
        finished_in_task.store(1, Ordering::SeqCst);
    })
    .unwrap();
    shut_down.recv().unwrap();
    let dropper = std::thread::spawn(move || {
        drop(pool);
        finished.load(Ordering::SeqCst)
    });
    std::thread::sleep(EARLY);
    release.send(()).unwrap();
    assert_eq!(
        dropper.join().unwrap(),
        1,
        "the pool was dropped while a task still ran"
    );
}

#[test]
fn every_concurrent_shutdown_with_wait_waits_for_the_running_task() {
    let pool = Arc::new(ThreadPoolExecutor::new(1).unwrap());
    let (gate, task) = gated_task();
    let running = Arc::new(pool.submit(task).unwrap());
    gate.started.recv().unwrap();
    let callers: Vec<_> = (0..3)
        .map(|_| {
            let (pool, running) = (Arc::clone(&pool), Arc::clone(&running));
            std::thread::spawn(move || {
                pool.shutdown(true, false);
                running.done()
            })
        })
        .collect();
    std::thread::sleep(EARLY);
    gate.release.send(()).unwrap();
    for caller in callers {
        assert!(
            caller.join().unwrap(),
            "a shutdown(wait) returned before the task ended"
        );
    }
}

/// A value whose `Drop` panics: user code that runs outside the task itself.
struct PanicsWhenDropped;

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("dropped");
    }
}

/// A pool of one worker, busy with a gated task, and queued behind it a task that captured a
/// [`PanicsWhenDropped`].
fn a_doomed_task_queued_behind_a_running_one() -> (
    ThreadPoolExecutor,
    Gate,
    executor_core::Future<u32>,
    executor_core::Future<()>,
) {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let running = pool.submit(task).unwrap();
    gate.started.recv().unwrap();
    let doomed = PanicsWhenDropped;
    let queued = pool
        .submit(move || {
            let _keep = &doomed;
        })
        .unwrap();
    (pool, gate, running, queued)
}

#[test]
fn a_panicking_drop_of_a_cancelled_task_leaves_the_worker_alive() {
    let (pool, gate, running, queued) = a_doomed_task_queued_behind_a_running_one();
    assert!(queued.cancel());
    gate.release.send(()).unwrap();
    running.result(Some(SOON)).unwrap();
    // The only worker drops the cancelled task (and its panicking capture) on its way to this
    // one: it must still be there to run it.
    assert_eq!(pool.submit(|| 5).unwrap().result(Some(SOON)).unwrap(), &5);
    assert_eq!(pool.num_threads(), 1);
}

#[test]
fn a_panicking_drop_does_not_stop_shutdown_from_cancelling_the_rest() {
    let (pool, gate, running, first) = a_doomed_task_queued_behind_a_running_one();
    let rest: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
    // Release the running task once the last queued one is cancelled, so the worker cannot
    // take any of them first; `shutdown` then waits for it.
    let (last_cancelled_tx, last_cancelled) = mpsc::channel();
    rest[4].add_done_callback(move |_| {
        let _ = last_cancelled_tx.send(());
    });
    let releaser = std::thread::spawn(move || {
        // Bounded, so that a `shutdown` that stopped cancelling fails this test, not hangs it.
        let _ = last_cancelled.recv_timeout(SOON);
        gate.release.send(()).unwrap();
    });
    pool.shutdown(true, true);
    releaser.join().unwrap();
    assert!(running.done() && !running.cancelled());
    assert!(first.cancelled());
    assert!(rest.iter().all(executor_core::Future::cancelled));
}

// Ported from ExecutorTest.test_map.
#[test]
fn map_yields_results_in_input_order() {
    let pool = ThreadPoolExecutor::new(4).unwrap();
    let results: Vec<u64> = pool
        .map(|n: u64| n.pow(2), 0..100, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(results, (0..100u64).map(|n| n.pow(2)).collect::<Vec<_>>());
}

#[test]
fn map_waits_for_the_first_item_even_when_later_ones_are_done() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(Mutex::new(released));
    let mut results = pool
        .map(
            move |n: u32| {
                if n == 0 {
                    released.lock().unwrap().recv().unwrap();
                }
                n
            },
            0..3,
            None,
        )
        .unwrap();
    release.send(()).unwrap();
    assert_eq!(results.next().unwrap().unwrap(), 0);
    assert_eq!(results.next().unwrap().unwrap(), 1);
}

// Ported from ExecutorTest.test_map_exception. CPython's generator raises at the failing item
// and is finished; here that item is an `Err` and the iteration goes on.
#[test]
fn map_reports_a_panicking_item_and_keeps_going() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let results: Vec<_> = pool
        .map(|n: i32| 10 / n, [5, 0, 2], None)
        .unwrap()
        .collect();
    assert_eq!(results[0].as_ref().ok(), Some(&2));
    assert!(matches!(
        results[1],
        Err(FutureError::Failed(TaskError::Panicked { .. }))
    ));
    assert_eq!(results[2].as_ref().ok(), Some(&5));
}

// Ported from ExecutorTest.test_map_timeout.
#[test]
fn map_timeout_ends_the_iteration_and_cancels_the_rest() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let task = Mutex::new(Some(task));
    let started = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&started);
    let mut results = pool
        .map(
            move |n: u32| {
                counter.fetch_add(1, Ordering::SeqCst);
                match task.lock().unwrap().take() {
                    Some(blocks_until_released) if n == 0 => blocks_until_released(),
                    _ => n,
                }
            },
            0..10,
            Some(Duration::from_millis(100)),
        )
        .unwrap();
    // Item 0 occupies the only worker until released, so its result cannot arrive in time,
    // however slow the machine: no timing assumption beyond "100 ms do pass".
    gate.started.recv().unwrap();
    assert!(matches!(
        results.next(),
        Some(Err(FutureError::TimedOut { .. }))
    ));
    assert!(
        results.next().is_none(),
        "the iteration ends after a timeout"
    );
    gate.release.send(()).unwrap();
    drop(results);
    drop(pool);
    assert_eq!(
        started.load(Ordering::SeqCst),
        1,
        "items after the timeout were cancelled"
    );
}

// Ported from ThreadPoolExecutorTest.test_map_submits_without_iteration: in Python,
// `executor.map(record_finished, range(10))` as a statement runs all ten tasks, because a
// generator that was never started never runs its `finally` (which cancels). The only worker is
// held first, so all ten are still queued when the `Map` is dropped.
#[test]
fn a_map_dropped_before_its_first_next_still_runs_every_task() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let blocker = pool.submit(task).unwrap();
    gate.started.recv().unwrap();
    let finished = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&finished);
    let _ = pool
        .map(move |n: u8| record.lock().unwrap().push(n), 0..10, None)
        .unwrap();
    gate.release.send(()).unwrap();
    blocker.result(Some(SOON)).unwrap();
    pool.shutdown(true, false);
    assert_eq!(*finished.lock().unwrap(), (0..10).collect::<Vec<_>>());
}

// Python's generator, once started, cancels the futures left in its `finally` when it is
// closed: a `for` loop that breaks, or a `?` that returns early.
#[test]
fn a_map_dropped_after_its_first_next_cancels_the_tasks_not_started() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let task = Mutex::new(Some(task));
    let ran = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&ran);
    let mut results = pool
        .map(
            move |n: u32| {
                record.lock().unwrap().push(n);
                let blocks_until_released = if n == 1 {
                    task.lock().unwrap().take()
                } else {
                    None
                };
                blocks_until_released.map_or(n, |task| task())
            },
            0..10,
            None,
        )
        .unwrap();
    assert_eq!(results.next().unwrap().unwrap(), 0);
    // Item 1 holds the only worker: items 2 to 9 have not started (some may sit in the worker's
    // batch, which cancelling reaches too).
    gate.started.recv().unwrap();
    drop(results);
    gate.release.send(()).unwrap();
    pool.shutdown(true, false);
    assert_eq!(*ran.lock().unwrap(), [0, 1]);
}

// The look-ahead mode reads its input lazily: dropped unstarted, its first `buffersize` tasks
// run (nothing is cancelled) and no more input is read.
#[test]
fn a_lazy_map_dropped_before_its_first_next_runs_its_first_batch_only() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let (gate, task) = gated_task();
    let blocker = pool.submit(task).unwrap();
    gate.started.recv().unwrap();
    let (read, ran) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (reads, runs) = (Arc::clone(&read), Arc::clone(&ran));
    let items = (0u64..).inspect(move |_| {
        reads.fetch_add(1, Ordering::SeqCst);
    });
    let options = MapOptions::new().buffersize(NonZeroUsize::new(3).unwrap());
    let _ = pool
        .map_with(move |_| runs.fetch_add(1, Ordering::SeqCst), items, options)
        .unwrap();
    gate.release.send(()).unwrap();
    blocker.result(Some(SOON)).unwrap();
    pool.shutdown(true, false);
    assert_eq!(read.load(Ordering::SeqCst), 3);
    assert_eq!(ran.load(Ordering::SeqCst), 3);
}

// Ported from ThreadPoolShutdownTest.test_del_shutdown: `res = executor.map(abs, range(-5, 5))`,
// then `del executor`, then every result is there. `map` returns a `Map<'static, _>`: it does not
// borrow the pool, and dropping the pool waits for the tasks (leaving a `with` block).
#[test]
fn a_map_outlives_its_pool_and_yields_every_result() {
    let (pool, go) = pool_held_at_start(2);
    let results = pool.map(i32::abs, -5..5, None).unwrap();
    // The workers wait at their start until `go`. Another thread lets them go; it takes a while
    // to start, so the pool is dropped while the tasks are still queued (the test passes in any
    // order; the order makes it catch a drop that would cancel them).
    let release = std::thread::spawn(move || {
        go.wait();
    });
    drop(pool);
    release.join().unwrap();
    let values: Vec<i32> = results.collect::<Result<_, _>>().unwrap();
    assert_eq!(values, (-5..5).map(i32::abs).collect::<Vec<_>>());
}

#[test]
fn a_map_may_be_read_on_another_thread_after_its_pool_is_gone() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let results = pool.map(|n: u64| n * 3, 0..50, None).unwrap();
    drop(pool);
    let values = std::thread::spawn(move || results.collect::<Result<Vec<u64>, _>>())
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(values, (0..50).map(|n| n * 3).collect::<Vec<_>>());
}

// Ported from ExecutorTest.test_map_buffersize_on_infinite_iterable (Python 3.14).
#[test]
fn map_with_buffersize_works_on_an_endless_input() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let submitted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&submitted);
    let options = MapOptions::new().buffersize(NonZeroUsize::new(3).unwrap());
    let items = (0u64..).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let first: Vec<u64> = pool
        .map_with(|n| n + 1, items, options)
        .unwrap()
        .take(5)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(first, [1, 2, 3, 4, 5]);
    // 3 up front, then one more before each of the 5 results.
    assert_eq!(submitted.load(Ordering::SeqCst), 8);
}

#[test]
fn map_with_buffersize_reports_a_refused_submission_in_order() {
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let options = MapOptions::new().buffersize(NonZeroUsize::new(1).unwrap());
    let mut results = pool.map_with(|n: u8| n, 0..5, options).unwrap();
    pool.shutdown(true, false);
    // Item 0 was submitted before shutdown; item 1's submission is refused.
    assert_eq!(results.next().unwrap().unwrap(), 0);
    assert!(matches!(
        results.next(),
        Some(Err(FutureError::Failed(TaskError::Rejected(
            SubmitError::Shutdown
        ))))
    ));
    assert!(results.next().is_none());
}

#[test]
fn executor_errors_convert_with_question_mark()
-> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let pool = ThreadPoolExecutor::new(1)?;
    let value = pool.submit(|| 5)?.into_result()?;
    assert_eq!(value, 5);
    Ok(())
}

/// CPU time (user + system, in clock ticks) used so far by this process's threads whose name
/// starts with `prefix`, read from `/proc/self/task/*/stat` (Linux only).
#[cfg(target_os = "linux")]
fn cpu_ticks_of_threads(prefix: &str) -> u64 {
    let mut ticks = 0;
    for task in std::fs::read_dir("/proc/self/task").expect("procfs") {
        let dir = task.expect("task entry").path();
        let Ok(name) = std::fs::read_to_string(dir.join("comm")) else {
            continue;
        };
        if !name.starts_with(prefix) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(dir.join("stat")) else {
            continue;
        };
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        let after_name = &stat[stat.rfind(')').expect("stat format") + 2..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        ticks += fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    }
    ticks
}

#[cfg(target_os = "linux")]
#[test]
fn idle_workers_sleep_instead_of_spinning() {
    // An I/O-bound pool is idle most of the time; an idle worker that keeps polling for work
    // would hold a CPU busy all along. Half a second idle must cost (almost) no CPU: allow 10
    // ticks (100 ms at the usual 100 Hz), where a spinning worker would use about 50.
    let pool = ThreadPoolExecutor::builder()
        .max_workers(4)
        .thread_name_prefix("idle-check")
        .build()
        .unwrap();
    let futures: Vec<_> = (0..8)
        .map(|n| pool.submit(move || n * 2).unwrap())
        .collect();
    for future in &futures {
        future.result(None).unwrap();
    }
    let before = cpu_ticks_of_threads("idle-check");
    std::thread::sleep(Duration::from_millis(500));
    let used = cpu_ticks_of_threads("idle-check") - before;
    assert!(used <= 10, "idle workers used {used} ticks of CPU in 0.5 s");
}
