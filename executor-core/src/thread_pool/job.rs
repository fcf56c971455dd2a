//! One queued task with its completer: Python's `_WorkItem`, type-erased so that tasks with
//! different result types share one queue.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::errors::TaskError;
use crate::implementer::Completer;

/// What the pool's queue carries. A trait object rather than a plain `Box<dyn FnOnce()>` because
/// the pool must do three different things with a queued job: run it, cancel it
/// (`shutdown(cancel_futures = true)`), or fail it (a broken pool).
pub(crate) trait Job: Send {
    /// Runs the task unless its future was cancelled, counts the worker idle in `idle`, then
    /// completes the future.
    fn run(self: Box<Self>, idle: &AtomicUsize);
    /// Cancels the future without running the task.
    fn cancel(self: Box<Self>);
    /// Fails the future with `error` without running the task.
    fn fail(self: Box<Self>, error: TaskError);
}

/// The boxed form the queue carries.
pub(crate) type BoxedJob = Box<dyn Job>;

/// A task and the completer of its future.
pub(crate) struct WorkItem<F, T> {
    pub(crate) task: F,
    pub(crate) completer: Completer<T>,
}

impl<F, T> Job for WorkItem<F, T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    fn run(self: Box<Self>, idle: &AtomicUsize) {
        let WorkItem {
            task,
            mut completer,
        } = *self;
        // `Ok(false)`: cancelled while queued, and waiters were told then; just drop the task.
        if !matches!(completer.set_running_or_notify_cancel(), Ok(true)) {
            idle.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // AssertUnwindSafe: after a panic nothing of the task is touched again except its
        // payload, so no broken invariant can be observed. This is what keeps the worker alive.
        let outcome = catch_unwind(AssertUnwindSafe(task));
        // Count this worker idle *before* completing the future. A submitter that waited for
        // this result then sees the count (the future's Release/Acquire pair carries this
        // Relaxed increment along) and reuses this thread instead of starting another, which
        // makes CPython's `test_idle_thread_reuse` deterministic. The price: a worker still
        // running done-callbacks counts as idle, so a long callback delays the next task
        // rather than starting a thread. Relaxed, because the count is a hint that publishes
        // no data: the job itself travels through the channel.
        idle.fetch_add(1, Ordering::Relaxed);
        let outcome = match outcome {
            Ok(value) => completer.set_result(value),
            Err(payload) => completer.set_exception(TaskError::from_panic(payload.as_ref())),
        };
        // Only fails if the future was finished by someone else, which RUNNING rules out.
        debug_assert!(outcome.is_ok(), "a running future was completed twice");
    }

    fn cancel(self: Box<Self>) {
        self.completer.future().cancel();
    }

    fn fail(self: Box<Self>, error: TaskError) {
        // Fails only if the future was cancelled meanwhile, which is just as final.
        let _ = self.completer.set_exception(error);
    }
}
