//! One queued task: Python's `_WorkItem`. The task lives inside its future's shared state, and
//! the queue holds that state through the [`Job`] trait, so that tasks with different result
//! types share one queue and each task costs one allocation, not two.

use std::sync::Arc;

use super::idle::IdleThreads;
use crate::errors::TaskError;
use crate::future::{Future, Inner, Task};
use crate::implementer::Completer;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What the pool can do with a queued task, whatever its result type: run it, cancel it
/// (`shutdown(cancel_futures = true)`), or fail it (a broken pool).
trait Job {
    fn run(self: Arc<Self>, idle: &IdleThreads);
    fn cancel(self: Arc<Self>);
    fn fail(self: Arc<Self>, error: TaskError);
}

impl<T: Send + 'static> Job for Inner<T> {
    fn run(self: Arc<Self>, idle: &IdleThreads) {
        let future = Future::from_inner(self);
        // SAFETY: this job was the only one made for this future (`QueuedJob::new`), and it was
        // moved, not copied, to this thread, which calls `take_task` once.
        let task = unsafe { future.take_task() };
        let mut completer = Completer::from_future(future);
        // `Ok(false)`: cancelled while queued, and waiters were told then; just drop the task.
        let (Some(task), Ok(true)) = (task, completer.set_running_or_notify_cancel()) else {
            idle.worker_became_idle();
            return;
        };
        run_task(task, completer, idle);
    }

    fn cancel(self: Arc<Self>) {
        let future = Future::from_inner(self);
        future.cancel();
        // SAFETY: as in `run`: the one job of this future, consumed here.
        drop(unsafe { future.take_task() });
    }

    fn fail(self: Arc<Self>, error: TaskError) {
        let future = Future::from_inner(self);
        // SAFETY: as in `run`: the one job of this future, consumed here.
        drop(unsafe { future.take_task() });
        // Fails only if the future was cancelled meanwhile, which is just as final.
        let _ = Completer::from_future(future).set_exception(error);
    }
}

/// Runs the task, catching a panic, and completes its future.
fn run_task<T>(task: Task<T>, completer: Completer<T>, idle: &IdleThreads) {
    // AssertUnwindSafe: after a panic nothing of the task is touched again except its payload,
    // so no broken invariant can be observed. This is what keeps the worker alive.
    let outcome = catch_unwind(AssertUnwindSafe(task));
    // Count this worker idle *before* completing the future. A submitter that waited for this
    // result then sees the count (the future's Release/Acquire pair carries the Relaxed
    // increment along) and reuses this thread instead of starting another, which makes
    // CPython's `test_idle_thread_reuse` deterministic. The price: a worker still running
    // done-callbacks counts as idle, so a long callback delays the next task rather than
    // starting a thread.
    idle.worker_became_idle();
    let outcome = match outcome {
        Ok(value) => completer.set_result(value),
        Err(payload) => completer.set_exception(TaskError::from_panic(payload.as_ref())),
    };
    // Only fails if the future was finished by someone else, which RUNNING rules out.
    debug_assert!(outcome.is_ok(), "a running future was completed twice");
}

/// A task in the pool's queue. Dropping one that was never run, cancelled or failed (which a
/// correct pool never does) fails its future with [`TaskError::Abandoned`] rather than leaving
/// it pending forever.
pub(crate) struct QueuedJob {
    job: Option<Arc<dyn Job>>,
}

// SAFETY: `Arc<dyn Job>` is not `Send` because `Inner<T>` is not `Sync` (its cells). But a
// `QueuedJob` is the only job reference to its future and is moved between threads, never
// shared; the `Job` methods touch the future only through the same API a `Completer<T>` uses,
// and `Completer<T>` is `Send` when `T: Send`, which `QueuedJob::new` requires.
unsafe impl Send for QueuedJob {}

impl QueuedJob {
    /// Creates a pending future carrying `task`, and the job that will run it.
    pub(crate) fn new<F, T>(task: F) -> (Future<T>, QueuedJob)
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (future, executor_side) = Future::new_pending(Some(Box::new(task)));
        let job: Arc<dyn Job> = executor_side.into_inner();
        (future, QueuedJob { job: Some(job) })
    }

    /// Runs the task unless its future was cancelled, counts the worker idle in `idle`, then
    /// completes the future.
    pub(crate) fn run(mut self, idle: &IdleThreads) {
        if let Some(job) = self.job.take() {
            job.run(idle);
        }
    }

    /// Cancels the future and drops the task without running it.
    pub(crate) fn cancel(mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
    }

    /// Fails the future with `error` and drops the task without running it.
    pub(crate) fn fail(mut self, error: TaskError) {
        if let Some(job) = self.job.take() {
            job.fail(error);
        }
    }
}

impl Drop for QueuedJob {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            job.fail(TaskError::Abandoned);
        }
    }
}
