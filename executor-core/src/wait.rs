//! [`wait`](fn@crate::wait): block until some or all of a group of futures are done (Python's
//! `concurrent.futures.wait`), and the registrations of its signal (`future/signal.rs`) that
//! `as_completed` shares.
//!
//! Like CPython, `wait` does not poll: it registers one shared signal as a listener on every
//! unfinished future, and each future pushes its index into the signal as it becomes done. Unlike
//! CPython, a future cancelled while queued counts as done at once (see `future::state`).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::future::Future;
use crate::future::signal::Signal;
use crate::future::state;
use crate::future::waiters::{Listener, ListenerId};
use crate::sync::Arc;

/// When [`wait`](fn@crate::wait) should return (Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`; the same names exist as constants at the crate root).
///
/// ```
/// use executor_core::{ReturnWhen, ALL_COMPLETED};
///
/// assert_eq!(ALL_COMPLETED, ReturnWhen::AllCompleted);
/// assert_eq!(ReturnWhen::default(), ALL_COMPLETED);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReturnWhen {
    /// As soon as any future finishes or is cancelled.
    FirstCompleted,
    /// As soon as any future finishes with an error (a panic, a broken pool); if none does,
    /// when all are done. A cancelled future is not an error here, as in Python.
    FirstException,
    /// When every future is done (the default, as in Python).
    #[default]
    AllCompleted,
}

/// What [`wait`](fn@crate::wait) returns: Python's `DoneAndNotDoneFutures` named tuple of two sets.
///
/// The sets hold references, hashed by identity, so a future passed twice appears once.
///
/// ```
/// use executor_core::{implementer, wait, ALL_COMPLETED};
///
/// let (a, done) = implementer::new_future();
/// done.set_result(1)?;
/// let (b, _pending) = implementer::new_future();
/// let outcome = wait([&a, &b, &a], Some(std::time::Duration::ZERO), ALL_COMPLETED);
/// assert!(outcome.done.contains(&a) && outcome.not_done.contains(&b));
/// assert_eq!(outcome.done.len() + outcome.not_done.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DoneAndNotDone<'a, T> {
    /// Futures that finished or were cancelled.
    pub done: HashSet<&'a Future<T>>,
    /// Futures still pending or running.
    pub not_done: HashSet<&'a Future<T>>,
}

/// Waits until the futures meet `return_when` or `timeout` passes, and returns which are done
/// (Python's `wait(fs, timeout, return_when)`).
///
/// `timeout`: `None` waits as long as it takes. A timeout is not an error: look at `not_done`.
/// Futures may come from different executors. Duplicates count once.
///
/// ```
/// use std::sync::mpsc;
/// use executor_core::{wait, Executor, ThreadPoolExecutor, FIRST_COMPLETED};
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// let (release, gate) = mpsc::channel::<()>();
/// let quick = pool.submit(|| true)?;
/// let stuck = pool.submit(move || gate.recv().is_ok())?;
/// let outcome = wait([&quick, &stuck], None, FIRST_COMPLETED);
/// assert!(outcome.done.contains(&quick));
/// assert!(outcome.not_done.contains(&stuck));
/// drop(release); // lets `stuck` finish, so dropping the pool (which joins it) returns
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn wait<'a, T, I>(
    futures: I,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<'a, T>
where
    I: IntoIterator<Item = &'a Future<T>>,
    T: 'a,
{
    let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
    let mut unique = HashSet::new();
    let futures: Vec<&Future<T>> = futures.into_iter().filter(|f| unique.insert(*f)).collect();
    let (mut done, mut not_done): (HashSet<&Future<T>>, HashSet<_>) =
        futures.iter().partition(|f| f.done());

    // Kept up to date as futures arrive, so that each wake-up costs what it brings, not a scan
    // of everything done so far.
    let mut any_failed = done.iter().any(|f| f.failed());
    let satisfied = |done: &HashSet<&Future<T>>, not_done: &HashSet<&Future<T>>, any_failed| {
        match return_when {
            // An empty list is trivially complete, in every mode (CPython returns at once too).
            ReturnWhen::FirstCompleted => !done.is_empty() || not_done.is_empty(),
            ReturnWhen::FirstException => not_done.is_empty() || any_failed,
            ReturnWhen::AllCompleted => not_done.is_empty(),
        }
    };
    if satisfied(&done, &not_done, any_failed) || timeout == Some(Duration::ZERO) {
        return DoneAndNotDone { done, not_done };
    }

    let signal = Arc::new(Signal::new());
    let registrations = Registrations::new(&futures, &signal);
    while !satisfied(&done, &not_done, any_failed) {
        let Some(tokens) = signal.wait(deadline) else {
            break;
        };
        for token in tokens {
            if let Some(future) = futures.get(token) {
                not_done.remove(future);
                done.insert(*future);
                any_failed |= future.failed();
            }
        }
    }
    drop(registrations);
    DoneAndNotDone { done, not_done }
}

/// The listeners one `wait` or `as_completed` call put on its futures; dropping it removes the
/// ones still registered, so an early return leaves nothing behind on long-lived futures.
pub(crate) struct Registrations<'a, T> {
    entries: Vec<(&'a Future<T>, ListenerId)>,
}

impl<'a, T> Registrations<'a, T> {
    /// Registers `signal` on every future not yet done, with the future's index as its token.
    /// A future that completes during registration is signalled immediately instead.
    pub(crate) fn new(futures: &[&'a Future<T>], signal: &Arc<Signal>) -> Self {
        let mut entries = Vec::new();
        for (token, future) in futures.iter().enumerate() {
            let listener = Listener::Signal {
                signal: Arc::clone(signal),
                token,
            };
            match future.add_listener(listener, state::is_done) {
                Some(id) => entries.push((*future, id)),
                None => signal.notify(token),
            }
        }
        Registrations { entries }
    }
}

impl<T> Drop for Registrations<'_, T> {
    fn drop(&mut self) {
        for (future, id) in self.entries.drain(..) {
            future.remove_listener(id);
        }
    }
}
