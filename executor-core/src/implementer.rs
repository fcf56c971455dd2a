//! For people who write executors (and for tests): create a [`Future`] and drive it from the
//! executor's side. Python puts these methods on the future itself
//! (`set_running_or_notify_cancel`, `set_result`, `set_exception`) and asks users not to call
//! them; Rust can give them to a separate [`Completer`] instead, so an ordinary user who holds a
//! `Future` *cannot* call them.
//!
//! An executor's job for each task is:
//!
//! 1. `let (future, completer) = new_future();` hand `future` to the caller, queue `completer`
//!    with the task;
//! 2. when a worker picks the task up, call
//!    [`completer.set_running_or_notify_cancel()`](Completer::set_running_or_notify_cancel); on
//!    `false` the future was cancelled meanwhile: drop the task;
//! 3. run the task and report with [`set_result`](Completer::set_result) or
//!    [`set_exception`](Completer::set_exception).
//!
//! A student's own executor, in full (one thread per task, as `threading.Thread` would do it):
//!
//! ```
//! use executor_core::implementer::new_future;
//! use executor_core::{Future, TaskError};
//!
//! fn spawn_future<T: Send + 'static>(task: impl FnOnce() -> T + Send + 'static) -> Future<T> {
//!     let (future, mut completer) = new_future();
//!     std::thread::spawn(move || {
//!         if let Ok(true) = completer.set_running_or_notify_cancel() {
//!             match std::panic::catch_unwind(std::panic::AssertUnwindSafe(task)) {
//!                 Ok(value) => { let _ = completer.set_result(value); }
//!                 Err(payload) => {
//!                     let _ = completer.set_exception(TaskError::from_panic(payload.as_ref()));
//!                 }
//!             }
//!         }
//!     });
//!     future
//! }
//!
//! assert_eq!(spawn_future(|| 2 + 2).into_result()?, 4);
//! # Ok::<(), executor_core::FutureError>(())
//! ```
//!
//! This is also how a process pool plugs in: its futures are the same [`Future<T>`], completed by
//! the thread that reads results back from the worker processes, so [`wait`](fn@crate::wait),
//! [`as_completed`](fn@crate::as_completed), `.await` and [`Map`](crate::Map) work on them
//! unchanged.

use crate::errors::{InvalidStateError, TaskError};
use crate::future::Future;

/// Creates a pending future and the [`Completer`] that will finish it.
///
/// ```
/// use executor_core::implementer::new_future;
///
/// let (future, completer) = new_future::<&str>();
/// assert!(!future.done());
/// completer.set_result("done")?;
/// assert_eq!(future.result(None)?, &"done");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn new_future<T>() -> (Future<T>, Completer<T>) {
    let (future, executor_side) = Future::new_pending(None);
    (
        future,
        Completer {
            future: executor_side,
        },
    )
}

/// The executor's side of one [`Future`]: the only way to make it run and finish.
///
/// `set_result` and `set_exception` consume the completer, so finishing a future twice does not
/// compile. If a completer is dropped without finishing its future (an executor bug, or a task
/// lost in a panic), the future fails with [`TaskError::Abandoned`] instead of hanging forever.
///
/// ```
/// use executor_core::{implementer::new_future, FutureError, TaskError};
///
/// let (future, completer) = new_future::<u8>();
/// drop(completer);
/// assert!(matches!(future.result(None), Err(FutureError::Failed(TaskError::Abandoned))));
/// ```
#[must_use = "dropping a Completer fails its future with `TaskError::Abandoned`: keep it with the \
              task, and finish the future with `set_result` or `set_exception`"]
pub struct Completer<T> {
    future: Future<T>,
}

impl<T> Completer<T> {
    /// The completer for the executor's handle to a future (the thread pool keeps that handle in
    /// its queue and makes the completer only when a worker takes the job).
    pub(crate) fn from_future(future: Future<T>) -> Self {
        Completer { future }
    }

    /// Marks the future running, unless it was cancelled (Python's
    /// `set_running_or_notify_cancel`).
    ///
    /// Returns `Ok(true)` if the task should run: from now on `cancel()` fails. Returns
    /// `Ok(false)` if the future was cancelled while queued: drop the task without running it
    /// (waiters were already told, at the moment of cancelling). Errors with
    /// [`InvalidStateError`] if the future is already running or finished.
    ///
    /// ```
    /// use executor_core::implementer::new_future;
    ///
    /// let (future, mut completer) = new_future::<()>();
    /// future.cancel();
    /// assert_eq!(completer.set_running_or_notify_cancel(), Ok(false));
    ///
    /// let (_future, mut completer) = new_future::<()>();
    /// assert_eq!(completer.set_running_or_notify_cancel(), Ok(true));
    /// assert_eq!(completer.set_running_or_notify_cancel().unwrap_err().state, "running");
    /// ```
    pub fn set_running_or_notify_cancel(&mut self) -> Result<bool, InvalidStateError> {
        self.future.set_running()
    }

    /// Stores the task's value and finishes the future (Python's `set_result`): wakes every
    /// waiter, then runs the done-callbacks in this thread.
    ///
    /// Works from pending or running. Errors with [`InvalidStateError`] if the future was
    /// cancelled (the value is dropped).
    ///
    /// ```
    /// use executor_core::implementer::new_future;
    ///
    /// let (future, completer) = new_future();
    /// completer.set_result(vec!["BR", "CN"])?;
    /// assert_eq!(future.result(None)?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_result(self, value: T) -> Result<(), InvalidStateError> {
        self.future.complete(Ok(value))
    }

    /// Stores a failure and finishes the future (Python's `set_exception`); otherwise like
    /// [`set_result`](Completer::set_result).
    ///
    /// ```
    /// use executor_core::{implementer::new_future, TaskError};
    ///
    /// let (future, completer) = new_future::<u8>();
    /// completer.set_exception(TaskError::raised(std::fmt::Error))?;
    /// assert!(future.to_string().ends_with("state=finished raised Error>"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_exception(self, error: TaskError) -> Result<(), InvalidStateError> {
        self.future.complete(Err(error))
    }

    /// The future this completer finishes, for executors that must cancel queued work (as
    /// `shutdown(cancel_futures = true)` does).
    ///
    /// ```
    /// use executor_core::implementer::new_future;
    ///
    /// let (future, completer) = new_future::<()>();
    /// assert!(completer.future().cancel());
    /// assert!(future.cancelled());
    /// ```
    pub fn future(&self) -> &Future<T> {
        &self.future
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        if !self.future.done() {
            // Loses only a race with `cancel`, and then the future is done anyway.
            let _ = self.future.complete(Err(TaskError::Abandoned));
        }
    }
}
