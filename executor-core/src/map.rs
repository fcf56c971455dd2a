//! [`Map`]: the iterator behind [`Executor::map`](crate::Executor::map) (Python's `Executor.map` in
//! `concurrent/futures/_base.py`), with Python 3.14's bounded look-ahead (`buffersize`) and a
//! timeout counted from the call.
//!
//! Results come out in input order, not completion order: `next()` waits for the oldest
//! submitted task even when younger ones are already done (`demo_executor_map.py` shows it).
//! Use [`as_completed`](fn@crate::as_completed) when any order will do.
//!
//! # What a `Map` holds, and why it need not borrow the executor
//!
//! Python's `map` submits every item, then returns a generator that holds the list of futures
//! and no strong reference to the executor (since 3.14, a weak one, for the look-ahead). Ours
//! has the same shape: a `Map` is the queue of submitted futures, the deadline, and, only in the
//! look-ahead mode, a `Feed` that reads more input and submits it through `&'a E`. Plain
//! [`map`](crate::Executor::map) has no look-ahead, so it returns a `Map<'static, T>`: the
//! iterator may outlive the executor, as the generator outlives `executor` in CPython's
//! `test_del_shutdown`. Dropping the executor first is leaving a `with` block
//! (`shutdown(wait = true)`): every task runs, and the `Map` then yields every result.
//! [`map_with`](crate::Executor::map_with) may be given a `buffersize`, so its `Map<'a, T>`
//! borrows the executor, and the compiler rules out dropping the executor while the look-ahead
//! could still submit to it (where Python's weak reference quietly stops submitting).
//!
//! # When dropping a `Map` cancels
//!
//! Python's generator ends in `finally: for future in fs: future.cancel()`, and a generator's
//! `finally` runs only if the generator was started. So `executor.map(f, items)` written as a
//! statement, never iterated, runs every task, while a loop that breaks out of a started map
//! cancels the tasks not yet started. A `Map` keeps that meaning with one flag, set by the first
//! `next()`: see its `Drop`.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::errors::{FutureError, SubmitError, TaskError};
use crate::executor::MapFn;
use crate::future::Future;
use crate::implementer;

/// Options for [`Executor::map_with`](crate::Executor::map_with).
///
/// ```
/// use std::{num::NonZeroUsize, time::Duration};
/// use executor_core::MapOptions;
///
/// let options = MapOptions::new()
///     .timeout(Some(Duration::from_secs(10)))
///     .buffersize(NonZeroUsize::new(8).unwrap());
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MapOptions {
    timeout: Option<Duration>,
    buffersize: Option<NonZeroUsize>,
    chunksize: Option<NonZeroUsize>,
}

impl MapOptions {
    /// No timeout, every item submitted at once (Python's defaults).
    ///
    /// ```
    /// let options = executor_core::MapOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives up on the results `timeout` after the `map` call (`None`: never).
    ///
    /// ```
    /// let options = executor_core::MapOptions::new().timeout(Some(std::time::Duration::from_secs(1)));
    /// # let _ = options;
    /// ```
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Submits at most `buffersize` tasks ahead of the consumer (Python 3.14): the input is read
    /// lazily, one new item per result taken, so it may be endless. Zero is ruled out by the
    /// type, where Python raises `ValueError`.
    ///
    /// ```
    /// let options = executor_core::MapOptions::new().buffersize(std::num::NonZeroUsize::MIN);
    /// # let _ = options;
    /// ```
    pub fn buffersize(mut self, buffersize: NonZeroUsize) -> Self {
        self.buffersize = Some(buffersize);
        self
    }

    /// Submits the items in chunks of `chunksize` (Python's `chunksize`, default 1). A process
    /// pool sends each chunk to a worker in one message, which amortises the pipe round trip
    /// over many small tasks; a thread pool submits the items of a chunk one by one, so the
    /// option changes nothing there (as in Python). Each item still gets its own future, so one
    /// failure fails only its item.
    ///
    /// ```
    /// let options = executor_core::MapOptions::new().chunksize(std::num::NonZeroUsize::new(100).unwrap());
    /// # let _ = options;
    /// ```
    pub fn chunksize(mut self, chunksize: NonZeroUsize) -> Self {
        self.chunksize = Some(chunksize);
        self
    }
}

/// The iterator returned by [`Executor::map`](crate::Executor::map) and
/// [`map_with`](crate::Executor::map_with): one `Result<T, FutureError>` per input item, in input
/// order.
///
/// An item is `Err` when its task panicked ([`FutureError::Failed`]), or when the timeout passed
/// ([`FutureError::TimedOut`], after which the iteration ends and the queued tasks are cancelled).
///
/// ```
/// use executor_core::{Executor, FutureError, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// let results: Vec<_> = pool
///     .map(|n: i32| if n == 2 { panic!("two") } else { n }, 1..=3, None)?
///     .collect();
/// assert_eq!(results[0].as_ref().ok(), Some(&1));
/// assert!(matches!(results[1], Err(FutureError::Failed(_))));
/// assert_eq!(results[2].as_ref().ok(), Some(&3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The `Map` of [`map`](crate::Executor::map) does not borrow the executor. Dropping the
/// executor first is leaving Python's `with` block: it waits for every task, and the results are
/// all there afterwards.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// let results = pool.map(i32::abs, -2..=2, None)?;
/// drop(pool); // shutdown(wait = true): every task runs to the end
/// let values: Vec<i32> = results.collect::<Result<_, _>>()?;
/// assert_eq!(values, [2, 1, 0, 1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Dropping a `Map`
///
/// As with Python's generator: a `Map` dropped before its first `next()` cancels nothing, so
/// every task still runs; once iterated, dropping it (a `break`, a `?` that returns early)
/// cancels the tasks not yet started. Either way the results left in it, and the panics among
/// them, are lost. Python's `executor.map(f, items)` written as a statement, for its side
/// effects, runs every task here too, but a panic in one would go unnoticed, so it warns:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2).unwrap();
/// pool.map(|n: i32| println!("{n}"), 1..=3, None).unwrap(); // results and panics unseen
/// ```
///
/// Iterate it instead, or, to run the tasks and ignore their results on purpose, say so:
/// `let _ = pool.map(..)?;` (then a panicking task goes unreported, as its exception would in
/// Python).
#[must_use = "a Map holds the tasks' results: dropped unread, their values and panics go unseen \
              (and once iteration has begun, dropping it cancels the tasks not yet started); \
              iterate it, as in `for result in pool.map(..)? { result?; }`"]
pub struct Map<'a, T> {
    /// Submitted and not yet yielded, oldest first.
    pending: VecDeque<Future<T>>,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
    /// Set by the first `next()`: from then on, dropping the `Map` cancels (Python's generator
    /// runs its `finally` only once started).
    started: bool,
    /// The `buffersize` mode's input, read one item (or one chunk) per result taken; `None` in
    /// the submit-everything mode, and once the input is exhausted or a submission was refused.
    look_ahead: Option<LookAhead<'a, T>>,
}

/// The lazy part of a `buffersize` map: what remains of the input, and how far to read ahead.
struct LookAhead<'a, T> {
    /// `Send` so that a `Map` can be handed to another thread (say, `spawn_blocking`), as it can
    /// without a look-ahead.
    feed: Box<dyn Refill<T> + Send + 'a>,
    /// At most this many submitted and not yet yielded: `buffersize`.
    limit: usize,
    /// The smallest submission worth making: one chunk (or `limit`, if smaller).
    smallest: usize,
}

/// Reads the next items of a `map` input and submits them: [`Feed`] with its executor, input
/// and function types erased, so that [`Map`] needs no type parameters for them.
trait Refill<T> {
    /// Submits up to `room` items (at most one chunk), one future per item; `None` once the
    /// input is exhausted.
    fn refill(&mut self, room: usize) -> Option<Result<Vec<Future<T>>, SubmitError>>;
}

/// The input of a `map` and what it takes to submit it: the executor, the function and the
/// chunk size.
struct Feed<'a, E: ?Sized, I, F> {
    executor: &'a E,
    f: Arc<F>,
    items: I,
    chunksize: usize,
    /// Set once `items` has ended: an iterator need not be asked again after its first `None`.
    exhausted: bool,
}

impl<E, I, F, T> Refill<T> for Feed<'_, E, I, F>
where
    E: ?Sized,
    I: Iterator,
    F: MapFn<E, I::Item, Output = T>,
{
    fn refill(&mut self, room: usize) -> Option<Result<Vec<Future<T>>, SubmitError>> {
        if self.exhausted {
            return None;
        }
        let wanted = self.chunksize.min(room);
        let mut chunk: Vec<I::Item> = self.items.by_ref().take(wanted).collect();
        if chunk.len() < wanted {
            self.exhausted = true;
        }
        let f = Arc::clone(&self.f);
        match chunk.len() {
            0 => None,
            // The common case (no chunksize) skips the chunk machinery.
            1 => Some(
                f.submit_item(self.executor, chunk.swap_remove(0))
                    .map(|future| vec![future]),
            ),
            _ => Some(f.submit_chunk(self.executor, chunk)),
        }
    }
}

impl<T> Map<'static, T> {
    /// Python's `map` without `buffersize`: submits every item now, so the `Map` needs nothing
    /// of the executor afterwards. On a refused submission, cancels what it already submitted
    /// (nobody could ever see those results) and returns the error.
    pub(crate) fn submit_all<E, I, F>(
        executor: &E,
        f: F,
        items: I,
        options: MapOptions,
    ) -> Result<Self, SubmitError>
    where
        E: ?Sized,
        I: Iterator,
        F: MapFn<E, I::Item, Output = T>,
    {
        // Counted from the call, before the first submission, as in Python.
        let deadline = deadline(options.timeout);
        let mut feed = Feed::new(executor, f, items, options.chunksize);
        let mut pending = VecDeque::new();
        while let Some(submitted) = feed.refill(usize::MAX) {
            match submitted {
                Ok(futures) => pending.extend(futures),
                Err(error) => {
                    cancel_all(&mut pending);
                    return Err(error);
                }
            }
        }
        Ok(Map::new(pending, deadline, options.timeout, None))
    }
}

impl<'a, T> Map<'a, T> {
    /// What [`Executor::map_with`](crate::Executor::map_with) does: submits everything, or the
    /// first `buffersize` items.
    pub(crate) fn start<E, I, F>(
        executor: &'a E,
        f: F,
        items: I,
        options: MapOptions,
    ) -> Result<Self, SubmitError>
    where
        E: ?Sized + Sync,
        I: Iterator + Send + 'a,
        F: MapFn<E, I::Item, Output = T>,
    {
        match options.buffersize {
            Some(limit) => Self::submit_ahead(executor, f, items, options, limit),
            // A `Map<'static, T>` is a `Map<'a, T>` too: it borrows nothing.
            None => Map::submit_all(executor, f, items, options),
        }
    }

    /// Python 3.14's `map(..., buffersize=n)`: submits the first `limit` items; the rest of the
    /// input is read as results are taken.
    fn submit_ahead<E, I, F>(
        executor: &'a E,
        f: F,
        items: I,
        options: MapOptions,
        limit: NonZeroUsize,
    ) -> Result<Self, SubmitError>
    where
        E: ?Sized + Sync,
        I: Iterator + Send + 'a,
        F: MapFn<E, I::Item, Output = T>,
    {
        let deadline = deadline(options.timeout);
        let limit = limit.get();
        let mut feed = Feed::new(executor, f, items, options.chunksize);
        let mut pending = VecDeque::new();
        while pending.len() < limit {
            match feed.refill(limit - pending.len()) {
                None => break,
                Some(Ok(futures)) => pending.extend(futures),
                Some(Err(error)) => {
                    cancel_all(&mut pending);
                    return Err(error);
                }
            }
        }
        let look_ahead = LookAhead {
            smallest: feed.chunksize.min(limit),
            feed: Box::new(feed),
            limit,
        };
        Ok(Map::new(
            pending,
            deadline,
            options.timeout,
            Some(look_ahead),
        ))
    }

    fn new(
        pending: VecDeque<Future<T>>,
        deadline: Option<Instant>,
        timeout: Option<Duration>,
        look_ahead: Option<LookAhead<'a, T>>,
    ) -> Self {
        Map {
            pending,
            deadline,
            timeout,
            started: false,
            look_ahead,
        }
    }

    /// Look-ahead mode: submit more items to replace the one about to be taken: one item, or a
    /// whole chunk once there is room for it. A refused submission becomes a failed item in its
    /// place, and reading the input stops there.
    fn top_up(&mut self) {
        let Some(look_ahead) = &mut self.look_ahead else {
            return;
        };
        // `pending` holds up to `limit` futures and one is about to be taken: room for one more.
        let room = (look_ahead.limit + 1).saturating_sub(self.pending.len());
        if room < look_ahead.smallest {
            return;
        }
        match look_ahead.feed.refill(room) {
            Some(Ok(futures)) => self.pending.extend(futures),
            Some(Err(error)) => {
                self.look_ahead = None;
                let (future, completer) = implementer::new_future();
                // A brand-new future cannot be in a final state, so this cannot fail.
                let _ = completer.set_exception(TaskError::Rejected(error));
                self.pending.push_back(future);
            }
            // The input has ended: nothing will read it again.
            None => self.look_ahead = None,
        }
    }

    /// After a timeout: cancels everything still queued and stops reading the input.
    fn cancel_pending(&mut self) {
        cancel_all(&mut self.pending);
        self.look_ahead = None;
    }
}

impl<'a, E: ?Sized, I, F> Feed<'a, E, I, F> {
    fn new(executor: &'a E, f: F, items: I, chunksize: Option<NonZeroUsize>) -> Self {
        Feed {
            executor,
            f: Arc::new(f),
            items,
            chunksize: chunksize.map_or(1, NonZeroUsize::get),
            exhausted: false,
        }
    }
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}

fn cancel_all<T>(futures: &mut VecDeque<Future<T>>) {
    for future in futures.drain(..) {
        future.cancel();
    }
}

impl<T> Iterator for Map<'_, T> {
    type Item = Result<T, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.started = true;
        // Python 3.14 submits the replacement before waiting, keeping the pool busy meanwhile.
        self.top_up();
        let future = self.pending.pop_front()?;
        let remaining = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        if future.wait_settled(remaining) {
            return Some(future.into_result());
        }
        future.cancel();
        self.cancel_pending();
        Some(Err(FutureError::TimedOut {
            timeout: self.timeout.unwrap_or(Duration::MAX),
        }))
    }
}

/// Shows how much work is in flight, not the results (printing must not wait for them).
impl<T> std::fmt::Debug for Map<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map")
            .field("submitted_not_yielded", &self.pending.len())
            .field("reads_input_lazily", &self.look_ahead.is_some())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

// ANCHOR: map_drop
impl<T> Drop for Map<'_, T> {
    /// Python's generator: its `finally` (cancel every future left) runs only if it was started.
    /// Dropped unstarted, the `Map` lets every submitted task run; a lazy one reads no more input.
    fn drop(&mut self) {
        if self.started {
            cancel_all(&mut self.pending);
        }
    }
}
// ANCHOR_END: map_drop
