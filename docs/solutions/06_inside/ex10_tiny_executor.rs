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

    #[test]
    fn runs_a_task_and_returns_its_value() {
        let executor = OneThreadExecutor::new().unwrap();
        let future = executor.submit(|| 6 * 7).unwrap();
        assert_eq!(future.result(None).unwrap(), &42);
    }

    #[test]
    fn every_task_runs_on_the_same_other_thread() {
        let executor = OneThreadExecutor::new().unwrap();
        let futures: Vec<_> = (0..5)
            .map(|_| executor.submit(|| thread::current().id()).unwrap())
            .collect();
        let ids: Vec<_> = futures.iter().map(|f| *f.result(None).unwrap()).collect();
        assert!(ids.iter().all(|id| *id == ids[0]));
        assert_ne!(ids[0], thread::current().id());
    }

    #[test]
    fn a_panic_is_stored_and_the_worker_survives() {
        let executor = OneThreadExecutor::new().unwrap();
        let broken = executor.submit(|| -> u8 { panic!("no flag") }).unwrap();
        assert!(matches!(
            broken.result(None),
            Err(FutureError::Failed(TaskError::Panicked { .. }))
        ));
        assert_eq!(executor.submit(|| 1).unwrap().into_result().unwrap(), 1);
    }

    #[test]
    fn a_cancelled_task_never_runs() {
        let executor = OneThreadExecutor::new().unwrap();
        let (open, gate) = mpsc::channel::<()>();
        let blocker = executor.submit(move || gate.recv().is_err()).unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let queued = executor
            .submit(move || flag.store(true, Ordering::SeqCst))
            .unwrap();
        assert!(queued.cancel(), "a queued task can be cancelled");
        drop(open);
        assert!(blocker.into_result().unwrap());
        executor.shutdown(true, false);
        assert!(queued.cancelled());
        assert!(!ran.load(Ordering::SeqCst), "the cancelled task ran anyway");
    }

    #[test]
    fn submit_after_shutdown_is_an_error() {
        let executor = OneThreadExecutor::new().unwrap();
        executor.shutdown(true, false);
        assert!(matches!(executor.submit(|| ()), Err(SubmitError::Shutdown)));
    }

    #[test]
    fn shutdown_with_wait_finishes_the_queue() {
        let executor = OneThreadExecutor::new().unwrap();
        let futures: Vec<_> = (0..10)
            .map(|i| executor.submit(move || i).unwrap())
            .collect();
        executor.shutdown(true, false);
        assert!(futures.iter().all(Future::done));
    }

    #[test]
    fn shutdown_can_cancel_the_queue() {
        let executor = OneThreadExecutor::new().unwrap();
        let (open, gate) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel::<()>();
        let running = executor
            .submit(move || {
                let _ = started_tx.send(());
                gate.recv().is_err()
            })
            .unwrap();
        let queued: Vec<_> = (0..3)
            .map(|i| executor.submit(move || i).unwrap())
            .collect();
        started.recv().unwrap(); // the first task is running: only the queued ones can be cancelled
        executor.shutdown(false, true);
        drop(open);
        executor.shutdown(true, false);
        assert!(running.into_result().unwrap());
        assert!(queued.iter().all(Future::cancelled));
    }

    #[test]
    fn map_and_as_completed_work_unchanged() {
        let executor = OneThreadExecutor::new().unwrap();
        let lengths: Vec<usize> = executor
            .map(str::len, ["BR", "CN", "USA"], None)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(lengths, [2, 2, 3]);
        let futures: Vec<_> = (0..3)
            .map(|i| executor.submit(move || i).unwrap())
            .collect();
        assert_eq!(as_completed(&futures, None).count(), 3);
    }
}
