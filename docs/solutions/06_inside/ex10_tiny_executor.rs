//! Exercise 10 · Your own executor, through the implementer API (what `ThreadPoolExecutor`
//! does, with one thread and no cleverness; in Python you would subclass `Executor`).
//!
//! `OneThreadExecutor` runs tasks one after another on a single worker thread fed by a
//! channel. Implement `ClosureExecutor::submit_closure` and `Executor::shutdown` with
//! `executor_core::implementer`: create the future and its `Completer`, and in the worker
//! call `set_running_or_notify_cancel` before running a task (a cancelled task must not run),
//! catch a panic and report it with `set_exception`, or report the value with `set_result`.
//! Once you have `submit_closure`, the traits give you `submit(closure)` and `map` for free,
//! and `wait`, `as_completed` and `.await` work on your futures unchanged.
//!
//! Test it: `cargo test --bin ex10_tiny_executor` (in `docs/`). Run it:
//! `cargo run --bin ex10_tiny_executor`. Hints: `docs/info.toml` or the book's exercise page.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread::{self, JoinHandle};

use executor_core::implementer::new_future;
use executor_core::{ClosureExecutor, Executor, Future, SubmitError, TaskError};

/// A task with its completer, ready for the worker: all it needs is to be called.
type Job = Box<dyn FnOnce() + Send>;

/// Runs tasks in submission order on one worker thread.
struct OneThreadExecutor {
    /// `None` once shut down. Dropping the sender ends the worker's loop after the queue empties.
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    /// Joined by `shutdown(wait = true)`.
    worker: Mutex<Option<JoinHandle<()>>>,
    /// Set by `shutdown(cancel_futures = true)`: queued jobs cancel their future instead of
    /// running. (A real pool cancels them at once; ours does it as the worker reaches them.)
    cancel_queued: Arc<AtomicBool>,
}

/// Locks a mutex even if a panic poisoned it: each of ours holds a plain `Option`, never left
/// half-changed.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl OneThreadExecutor {
    fn new() -> std::io::Result<Self> {
        let (sender, jobs) = mpsc::channel::<Job>();
        let worker = thread::Builder::new()
            .name("one-thread-executor".into())
            .spawn(move || {
                // Ends when every sender is gone and the queue is empty.
                for job in jobs {
                    job();
                }
            })?;
        Ok(OneThreadExecutor {
            sender: Mutex::new(Some(sender)),
            worker: Mutex::new(Some(worker)),
            cancel_queued: Arc::new(AtomicBool::new(false)),
        })
    }
}

// ANCHOR: task
impl ClosureExecutor for OneThreadExecutor {
    fn submit_closure<F, T>(&self, task: F) -> Result<Future<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (future, mut completer) = new_future();
        let cancel_queued = Arc::clone(&self.cancel_queued);
        let job: Job = Box::new(move || {
            if cancel_queued.load(Ordering::Acquire) {
                completer.future().cancel();
            }
            // `Ok(false)`: cancelled while queued, so the task must not run.
            if let Ok(true) = completer.set_running_or_notify_cancel() {
                // A panic must not kill the worker: catch it and store it in the future.
                match catch_unwind(AssertUnwindSafe(task)) {
                    Ok(value) => {
                        let _ = completer.set_result(value);
                    }
                    Err(payload) => {
                        let _ = completer.set_exception(TaskError::from_panic(payload.as_ref()));
                    }
                }
            }
        });
        let sender = lock(&self.sender);
        match sender.as_ref() {
            Some(sender) => sender.send(job).map_err(|_| SubmitError::Shutdown)?,
            None => return Err(SubmitError::Shutdown),
        }
        Ok(future)
    }
}

impl Executor for OneThreadExecutor {
    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        if cancel_futures {
            self.cancel_queued.store(true, Ordering::Release);
        }
        // No more submissions; the worker finishes what is queued, then its loop ends.
        drop(lock(&self.sender).take());
        if wait {
            let worker = lock(&self.worker).take();
            if let Some(worker) = worker {
                // Tasks' panics are caught, so a join error is impossible in practice.
                let _ = worker.join();
            }
        }
    }
}
// ANCHOR_END: task

impl Drop for OneThreadExecutor {
    /// Like leaving Python's `with` block: stop taking work and wait for the queue to drain.
    fn drop(&mut self) {
        // While a panic unwinds through the owner, do not wait: a second panic in here (or a
        // task waiting for the panicking thread) would abort or hang the whole process.
        if !thread::panicking() {
            self.shutdown(true, false);
        }
    }
}

fn main() -> anyhow::Result<()> {
    let executor = OneThreadExecutor::new()?;
    let future = executor.submit(|| "br.gif".len())?;
    println!("{future}");
    println!("result: {:?}", future.result(None));
    let squares: Vec<u64> = executor
        .map(|n: u64| n * n, 1..=5, None)?
        .collect::<Result<_, _>>()?;
    println!("map, for free: {squares:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use executor_core::{FutureError, as_completed};
    use flags_testkit::watch::returns_within;
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::Duration;

    /// How long a task below waits for the test to let it go, and how long the test waits for
    /// `submit` or `shutdown` to return. Both take microseconds in a right answer; only a task
    /// run on the caller's thread, or a worker that never stops, reaches these limits.
    const PATIENCE: Duration = Duration::from_secs(5);

    /// A task that waits until the test drops `open` (true), or gives up after `PATIENCE`
    /// (false).
    fn gated_task() -> (mpsc::Sender<()>, impl FnOnce() -> bool + Send + 'static) {
        let (open, gate) = mpsc::channel::<()>();
        let task = move || gate.recv_timeout(PATIENCE) == Err(RecvTimeoutError::Disconnected);
        (open, task)
    }

    /// Calls `shutdown(wait, cancel_futures)` on a thread of its own; fails the test if it has
    /// not returned after `PATIENCE`.
    fn shutdown_or_fail(executor: &Arc<OneThreadExecutor>, wait: bool, cancel_futures: bool) {
        let executor = Arc::clone(executor);
        returns_within(PATIENCE, move || executor.shutdown(wait, cancel_futures)).unwrap_or_else(
            || {
                panic!(
                    "shutdown({wait}, {cancel_futures}) never returned: drop the sender (take \
                     it out of its `Option`) so the worker's loop ends once the queue is empty, \
                     and join the worker only when `wait` is true"
                )
            },
        );
    }

    /// The executor under test. Dropping it shuts it down through `shutdown_or_fail`, so that a
    /// `shutdown` that never returns fails the test instead of hanging it.
    struct Started(Arc<OneThreadExecutor>);

    fn start() -> Started {
        Started(Arc::new(OneThreadExecutor::new().unwrap()))
    }

    impl std::ops::Deref for Started {
        type Target = Arc<OneThreadExecutor>;

        fn deref(&self) -> &Self::Target {
            &self.0
        }
    }

    impl Drop for Started {
        fn drop(&mut self) {
            // A test that already failed says why; a second panic here would abort the run.
            if !thread::panicking() {
                shutdown_or_fail(&self.0, true, false);
            }
        }
    }

    #[test]
    fn runs_a_task_and_returns_its_value() {
        let executor = start();
        let future = executor.submit(|| 6 * 7).unwrap();
        assert_eq!(
            future.result(None).unwrap(),
            &42,
            "the future holds what the task returned"
        );
    }

    #[test]
    fn submit_returns_before_the_task_runs() {
        let executor = start();
        let (open, task) = gated_task();
        let pool = Arc::clone(&executor);
        // Twice the task's own patience: a task run on this thread gives up first, and the
        // assertion below says what happened.
        let future = returns_within(2 * PATIENCE, move || pool.submit(task))
            .expect("submit() did not return while its task was still waiting")
            .unwrap();
        assert!(
            !future.done(),
            "submit() returned a future that is already done, for a task that waits until the \
             test lets it go: the task ran on the caller's thread. Send it to the worker thread \
             and return at once"
        );
        drop(open);
        assert_eq!(
            future.into_result().ok(),
            Some(true),
            "the task ran, and the test's gate opened while it waited"
        );
    }

    #[test]
    fn every_task_runs_on_the_same_other_thread() {
        let executor = start();
        let futures: Vec<_> = (0..5)
            .map(|_| executor.submit(|| thread::current().id()).unwrap())
            .collect();
        let ids: Vec<_> = futures.iter().map(|f| *f.result(None).unwrap()).collect();
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "the tasks ran on different threads {ids:?}: one worker thread runs them all"
        );
        assert_ne!(
            ids[0],
            thread::current().id(),
            "the tasks ran on the thread that submitted them: run them on the worker"
        );
    }

    #[test]
    fn a_panic_is_stored_and_the_worker_survives() {
        let executor = start();
        let broken = executor.submit(|| -> u8 { panic!("no flag") }).unwrap();
        let outcome = broken.result(None);
        assert!(
            matches!(
                outcome,
                Err(FutureError::Failed(TaskError::Panicked { .. }))
            ),
            "a task that panics must leave its panic in the future (`catch_unwind`, then \
             `set_exception(TaskError::from_panic(...))`), not {outcome:?}"
        );
        let next = executor.submit(|| 1).expect(
            "after a task panicked, the executor must still take work: catch the panic so \
             the worker thread survives it",
        );
        assert_eq!(
            next.into_result().ok(),
            Some(1),
            "the worker must survive a task's panic and run the next task"
        );
    }

    #[test]
    fn a_cancelled_task_never_runs() {
        let executor = start();
        let (open, blocking) = gated_task();
        let blocker = executor.submit(blocking).unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let queued = executor
            .submit(move || flag.store(true, Ordering::SeqCst))
            .unwrap();
        assert!(
            queued.cancel(),
            "a task queued behind a running one can be cancelled: submit must queue it, not \
             run it"
        );
        drop(open);
        assert_eq!(blocker.into_result().ok(), Some(true), "the first task ran");
        shutdown_or_fail(&executor, true, false);
        assert!(queued.cancelled(), "the cancelled future stays cancelled");
        assert!(
            !ran.load(Ordering::SeqCst),
            "the cancelled task ran anyway: call `set_running_or_notify_cancel()` before \
             running a task, and skip it unless that returns `Ok(true)`"
        );
    }

    #[test]
    fn submit_after_shutdown_is_an_error() {
        let executor = start();
        shutdown_or_fail(&executor, true, false);
        let outcome = executor.submit(|| ());
        assert!(
            matches!(outcome, Err(SubmitError::Shutdown)),
            "after shutdown, submit must refuse with `SubmitError::Shutdown`, not {outcome:?}"
        );
    }

    #[test]
    fn shutdown_with_wait_finishes_the_queue() {
        let executor = start();
        // The first task takes a moment, so the queue is still full when shutdown comes. (Not
        // for correctness: a right answer waits however long the queue takes.)
        let mut futures = vec![
            executor
                .submit(|| thread::sleep(Duration::from_millis(100)))
                .unwrap(),
        ];
        futures.extend((0..9).map(|_| executor.submit(|| ()).unwrap()));
        shutdown_or_fail(&executor, true, false);
        let done = futures.iter().filter(|f| f.done()).count();
        assert_eq!(
            done,
            10,
            "shutdown(wait = true) returned with {} of 10 tasks unfinished: it must let the \
             worker finish the queue and join it",
            10 - done
        );
    }

    #[test]
    fn shutdown_can_cancel_the_queue() {
        let executor = start();
        let (open, blocking) = gated_task();
        let (started_tx, started) = mpsc::channel::<()>();
        let running = executor
            .submit(move || {
                let _ = started_tx.send(());
                blocking()
            })
            .unwrap();
        let queued: Vec<_> = (0..3)
            .map(|i| executor.submit(move || i).unwrap())
            .collect();
        started.recv().unwrap(); // the first task is running: only the queued ones can be cancelled
        shutdown_or_fail(&executor, false, true);
        drop(open);
        shutdown_or_fail(&executor, true, false);
        assert_eq!(
            running.into_result().ok(),
            Some(true),
            "the task already running when shutdown came must finish"
        );
        let cancelled = queued.iter().filter(|f| f.cancelled()).count();
        assert_eq!(
            cancelled, 3,
            "shutdown(cancel_futures = true) must cancel the 3 tasks still queued; {cancelled} \
             were cancelled"
        );
    }

    #[test]
    fn map_and_as_completed_work_unchanged() {
        let executor = start();
        let lengths: Vec<usize> = executor
            .map(str::len, ["BR", "CN", "USA"], None)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(lengths, [2, 2, 3], "`map` comes with `submit_closure`");
        let futures: Vec<_> = (0..3)
            .map(|i| executor.submit(move || i).unwrap())
            .collect();
        assert_eq!(
            as_completed(&futures, None).count(),
            3,
            "`as_completed` works on your futures"
        );
    }
}
