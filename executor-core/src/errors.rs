//! Every error this crate returns, each the Rust face of a Python exception from
//! `concurrent.futures` (`CancelledError`, `TimeoutError`, `InvalidStateError`,
//! `BrokenThreadPool`, the `RuntimeError` of submitting after shutdown).
//!
//! All are `thiserror` enums or structs, `Send + Sync + 'static`, so `?` carries them into
//! `anyhow::Error` or `Box<dyn Error>`. The ones that travel inside futures are cheap to clone
//! (their payloads sit behind `Arc`), because one failed future may be asked for its error many times.

use std::any::Any;
use std::borrow::Cow;
use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

/// Why a task did not produce a value: the Rust counterpart of the exception a Python future holds.
///
/// A task that returns `Err(..)` is *not* a failure in this sense: `Result` is an ordinary value in
/// Rust, so the future finishes normally and [`Future::result`](crate::Future::result) hands you
/// that `Result` to match on. A `TaskError` means the task could not return at all.
///
/// ```
/// use executor_core::{Executor, FutureError, TaskError, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(1)?;
/// let future = pool.submit(|| -> u32 { panic!("no flag for XX") })?;
/// match future.result(None) {
///     Err(FutureError::Failed(TaskError::Panicked { message, .. })) => {
///         assert_eq!(&*message, "no flag for XX");
///     }
///     other => panic!("expected a panic, got {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked. The panic was caught in the worker, which lives on; `message` is the
    /// panic's payload when it was a string (as from `panic!("...")`).
    #[error("the task panicked{}: {message}", at(.location))]
    Panicked {
        /// The panic message.
        message: Arc<str>,
        /// Where the panic happened (`file:line:column`), when the executor knows it. A process
        /// pool sends it from the worker, as CPython attaches the remote traceback to the
        /// exception; in this process, Rust's panic hook has already printed it.
        location: Option<Arc<str>>,
    },
    /// The pool could not run the task because a worker's initializer failed (Python's
    /// `BrokenThreadPool`).
    #[error("the thread pool is broken: {reason}")]
    BrokenThreadPool {
        /// What the failing initializer reported.
        reason: Arc<str>,
    },
    /// A worker process died (killed by a signal, `abort`, `exit`) or its initializer failed, so
    /// the process pool failed this task and every other pending one (Python's
    /// `BrokenProcessPool`).
    #[error("the process pool is broken: {reason}")]
    BrokenProcessPool {
        /// Which worker died and how, or what stopped the pool.
        reason: Arc<str>,
    },
    /// The task's argument or result could not be serialised or deserialised for the trip
    /// between processes (Python's `PicklingError`). Only this task fails; the pool goes on.
    #[error("could not serialise the task's data: {message}")]
    Serialization {
        /// What the serialiser reported.
        message: Arc<str>,
    },
    /// The executor refused the task (only seen from a lazily submitting
    /// [`Map`](crate::Map), whose later submissions can meet a shut-down executor).
    #[error("the executor refused the task: {0}")]
    Rejected(SubmitError),
    /// The executor dropped the task without completing its future, for example because the
    /// executor's code panicked. A correct executor never lets this happen; the variant exists so
    /// that such a bug shows up as an error instead of a future that never finishes.
    #[error("the executor dropped the task without completing its future")]
    Abandoned,
    /// An error set by an executor implementer through
    /// [`Completer::set_exception`](crate::implementer::Completer::set_exception).
    #[error("{error}")]
    Raised {
        /// The Rust type name of `error`, shown by the future's `Display` (`raised ...`).
        type_name: &'static str,
        /// The error itself.
        error: Arc<dyn Error + Send + Sync>,
    },
}

impl TaskError {
    /// Wraps any error as [`TaskError::Raised`], remembering its type name.
    ///
    /// ```
    /// use executor_core::TaskError;
    ///
    /// let error = TaskError::raised(std::fmt::Error);
    /// assert_eq!(error.kind(), "Error");
    /// ```
    pub fn raised<E: Error + Send + Sync + 'static>(error: E) -> Self {
        TaskError::Raised {
            type_name: std::any::type_name::<E>(),
            error: Arc::new(error),
        }
    }

    /// Builds [`TaskError::Panicked`] from the payload `std::panic::catch_unwind` returns.
    ///
    /// ```
    /// use executor_core::TaskError;
    ///
    /// let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
    /// let error = TaskError::from_panic(payload.as_ref());
    /// assert_eq!(error.to_string(), "the task panicked: boom 1");
    /// ```
    pub fn from_panic(payload: &(dyn Any + Send)) -> Self {
        TaskError::Panicked {
            message: panic_message(payload).into(),
            location: None,
        }
    }

    /// A short name for the kind of failure, the way Python's repr names an exception class:
    /// `Panic`, `BrokenThreadPool`, `Rejected`, `Abandoned` or the raised error's type name.
    ///
    /// ```
    /// use executor_core::TaskError;
    ///
    /// assert_eq!(TaskError::Abandoned.kind(), "Abandoned");
    /// ```
    pub fn kind(&self) -> Cow<'static, str> {
        match self {
            TaskError::Panicked { .. } => Cow::Borrowed("Panic"),
            TaskError::BrokenThreadPool { .. } => Cow::Borrowed("BrokenThreadPool"),
            TaskError::BrokenProcessPool { .. } => Cow::Borrowed("BrokenProcessPool"),
            TaskError::Serialization { .. } => Cow::Borrowed("Serialization"),
            TaskError::Rejected(_) => Cow::Borrowed("Rejected"),
            TaskError::Abandoned => Cow::Borrowed("Abandoned"),
            TaskError::Raised { type_name, .. } => short_type_name(type_name),
        }
    }
}

/// ` at FILE:LINE:COLUMN`, or nothing when the location is unknown.
fn at(location: &Option<Arc<str>>) -> String {
    location
        .as_deref()
        .map(|location| format!(" at {location}"))
        .unwrap_or_default()
}

/// The text of a panic payload: `panic!` with a literal gives a `&str`, with a format string a
/// `String`; anything else (`std::panic::panic_any`) has no text we can show.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a non-string panic payload".to_owned()
    }
}

/// `alloc::string::String` -> `String`, `core::result::Result<u8, core::num::error::ParseIntError>`
/// -> `Result<u8, ParseIntError>`: drops every module path, keeping type names and generic
/// arguments, so the future's repr reads like Python's (which shows a bare class name).
pub(crate) fn short_type_name(full: &str) -> Cow<'_, str> {
    if !full.contains("::") {
        return Cow::Borrowed(full);
    }
    let mut short = String::with_capacity(full.len());
    // Where the path segment being copied began: `::` cuts `short` back to it.
    let mut segment_start = 0;
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            short.truncate(segment_start);
        } else {
            short.push(c);
            if !(c.is_alphanumeric() || c == '_') {
                segment_start = short.len();
            }
        }
    }
    Cow::Owned(short)
}

/// Why [`Future::result`](crate::Future::result) (or `exception`, or a [`Map`](crate::Map) item)
/// produced no value: Python's `CancelledError`, `TimeoutError`, or the task's own exception.
///
/// ```
/// use std::time::Duration;
/// use executor_core::{implementer, FutureError};
///
/// let (future, _completer) = implementer::new_future::<u8>();
/// let error = future.result(Some(Duration::ZERO)).unwrap_err();
/// assert!(matches!(error, FutureError::TimedOut { .. }));
/// assert_eq!(error.to_string(), "timed out after 0ns waiting for the future");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FutureError {
    /// The future was cancelled before it started running (Python's `CancelledError`).
    #[error("the future was cancelled")]
    Cancelled,
    /// The future was still pending or running when the timeout passed (Python's
    /// `TimeoutError`). The future itself is unaffected: ask again later.
    #[error("timed out after {timeout:?} waiting for the future")]
    TimedOut {
        /// The timeout that passed.
        timeout: Duration,
    },
    /// The task failed: it panicked, or the executor could not run it.
    #[error("the task failed: {0}")]
    Failed(TaskError),
}

/// Why [`Executor::submit`](crate::Executor::submit) refused a task.
///
/// ```
/// use executor_core::{Executor, SubmitError, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(1)?;
/// pool.shutdown(true, false);
/// let error = pool.submit(|| 1).unwrap_err();
/// assert!(matches!(error, SubmitError::Shutdown));
/// assert_eq!(error.to_string(), "cannot schedule new futures after shutdown");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// `shutdown` was already called (Python raises `RuntimeError`).
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
    /// A worker's initializer failed, so the pool refuses all work (Python's `BrokenThreadPool`).
    #[error("the thread pool is broken: {reason}")]
    BrokenThreadPool {
        /// What the failing initializer reported.
        reason: Arc<str>,
    },
    /// The pool had no worker thread and the operating system refused to start one.
    #[error("could not start a worker thread: {0}")]
    Spawn(Arc<std::io::Error>),
    /// A worker process died or its initializer failed, so the process pool refuses all work
    /// (Python's `BrokenProcessPool`).
    #[error("the process pool is broken: {reason}")]
    BrokenProcessPool {
        /// Which worker died and how.
        reason: Arc<str>,
    },
    /// The process pool could not start a worker process.
    #[error("could not start a worker process: {0}")]
    SpawnProcess(Arc<std::io::Error>),
    /// A process pool was used in a program that never called
    /// [`run_worker_if_child`](crate::process_pool::run_worker_if_child) at the top of `main`;
    /// starting workers would run the whole program again in each of them.
    #[error(
        "call executor_core::process_pool::run_worker_if_child(...) first thing in main before using a ProcessPoolExecutor"
    )]
    NoWorkerHook,
    /// The function was not in the list given to
    /// [`run_worker_if_child`](crate::process_pool::run_worker_if_child), so no worker could
    /// find it.
    #[error("function `{name}` is not registered: add it to the list given to run_worker_if_child")]
    UnknownFunction {
        /// The function's registered name.
        name: &'static str,
    },
    /// Workers find functions by name, and this name does not pick out the function
    /// submitted: two registered functions share it, or the one registered under it takes or
    /// returns other types. A worker could run the wrong function.
    #[error("function `{name}` is ambiguous: {reason}")]
    AmbiguousFunction {
        /// The name both functions have.
        name: &'static str,
        /// Which functions clash.
        reason: Arc<str>,
    },
}

/// Why a [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) could not be built.
///
/// ```
/// use executor_core::{BuildError, ThreadPoolExecutor};
///
/// let error = ThreadPoolExecutor::new(0).unwrap_err();
/// assert!(matches!(error, BuildError::ZeroWorkers));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `max_workers` was zero; Python raises `ValueError` for the same.
    #[error("max_workers must be greater than 0")]
    ZeroWorkers,
}

/// An executor implementer drove a future through a transition its state forbids (Python's
/// `InvalidStateError`, or its `RuntimeError` from `set_running_or_notify_cancel`).
///
/// ```
/// use executor_core::implementer;
///
/// let (future, completer) = implementer::new_future::<u8>();
/// assert!(future.cancel());
/// let error = completer.set_result(1).unwrap_err();
/// // Which future, as Python's message says: its repr.
/// assert_eq!(
///     error.to_string(),
///     format!("invalid state: the future is already cancelled: {future}")
/// );
/// assert!(error.to_string().ends_with("state=cancelled>"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid state: the future is already {state}: {future}")]
pub struct InvalidStateError {
    /// The state the future was in: `running`, `finished` or `cancelled`.
    pub state: &'static str,
    /// The future's repr at the time, `<Future at 0x… state=finished returned u8>`.
    pub future: Arc<str>,
}

/// [`as_completed`](fn@crate::as_completed) reached its deadline with futures still unfinished
/// (Python's `TimeoutError`, with the same message).
///
/// ```
/// use std::time::Duration;
/// use executor_core::{as_completed, implementer};
///
/// let (future, _completer) = implementer::new_future::<u8>();
/// let mut completed = as_completed([&future], Some(Duration::ZERO));
/// let error = completed.next().unwrap().unwrap_err();
/// assert_eq!(error.to_string(), "1 (of 1) futures unfinished");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{unfinished} (of {total}) futures unfinished")]
pub struct AsCompletedTimeout {
    /// How many distinct futures had not finished.
    pub unfinished: usize,
    /// How many distinct futures were passed in.
    pub total: usize,
}
