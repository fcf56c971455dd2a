//! [`Map`]: the iterator behind [`Executor::map`], with Python 3.14's bounded look-ahead
//! (`buffersize`) and a timeout counted from the call.
//!
//! Results come out in input order, not completion order: `next()` waits for the oldest
//! submitted task even when younger ones are already done (`demo_executor_map.py` shows it).
//! Use [`as_completed`](fn@crate::as_completed) when any order will do.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::errors::{FutureError, SubmitError, TaskError};
use crate::executor::{Executor, MapFn};
use crate::future::Future;
use crate::implementer;

/// Options for [`Executor::map_with`].
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

/// The iterator returned by [`Executor::map`]: one `Result<T, FutureError>` per input item, in
/// input order.
///
/// An item is `Err` when its task panicked ([`FutureError::Failed`]), or when the timeout passed
/// ([`FutureError::TimedOut`], after which the iteration ends and the queued tasks are cancelled).
/// Dropping the iterator cancels every task not yet started.
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
/// Python's `executor.map(f, items)` is often written as a statement, for its side effects.
/// Here that would drop the iterator at once and cancel the tasks, so it warns:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2).unwrap();
/// pool.map(|n: i32| println!("{n}"), 1..=3, None).unwrap(); // dropped: cancelled
/// ```
#[must_use = "dropping a Map cancels every task it has not started: iterate it, for example \
              `for result in pool.map(..)? { result?; }`, to run them all"]
pub struct Map<'a, E: ?Sized, I, F, T> {
    executor: &'a E,
    f: Arc<F>,
    items: I,
    /// Whether `items` may still yield: false once exhausted or after a refused submission.
    more_items: bool,
    lazy: bool,
    /// At most this many submitted and not yet yielded (`buffersize`), or `usize::MAX`.
    limit: usize,
    chunksize: usize,
    pending: VecDeque<Future<T>>,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
}

impl<'a, E, I, F, T> Map<'a, E, I, F, T>
where
    E: Executor + ?Sized,
    I: Iterator,
    I::Item: Send + 'static,
    F: MapFn<E, I::Item, Output = T>,
    T: Send + 'static,
{
    /// Submits the first batch (everything, or `buffersize` items).
    pub(crate) fn start(
        executor: &'a E,
        f: F,
        items: I,
        options: MapOptions,
    ) -> Result<Self, SubmitError> {
        let mut map = Map {
            executor,
            f: Arc::new(f),
            items,
            more_items: true,
            lazy: options.buffersize.is_some(),
            limit: options.buffersize.map_or(usize::MAX, NonZeroUsize::get),
            chunksize: options.chunksize.map_or(1, NonZeroUsize::get),
            pending: VecDeque::new(),
            deadline: options
                .timeout
                .and_then(|timeout| Instant::now().checked_add(timeout)),
            timeout: options.timeout,
        };
        while map.more_items && map.pending.len() < map.limit {
            let room = map.limit - map.pending.len();
            let chunk = map.next_chunk(room);
            if chunk.is_empty() {
                break;
            }
            // On error, dropping `map` cancels what was already submitted.
            let futures = map.submit(chunk)?;
            map.pending.extend(futures);
        }
        Ok(map)
    }

    /// Reads up to `room` (and at most `chunksize`) items from the input.
    fn next_chunk(&mut self, room: usize) -> Vec<I::Item> {
        let wanted = self.chunksize.min(room);
        let chunk: Vec<I::Item> = self.items.by_ref().take(wanted).collect();
        if chunk.len() < wanted {
            self.more_items = false;
        }
        chunk
    }

    fn submit(&self, mut chunk: Vec<I::Item>) -> Result<Vec<Future<T>>, SubmitError> {
        let f = Arc::clone(&self.f);
        match chunk.pop() {
            // The common case (no chunksize) skips the chunk machinery.
            Some(item) if chunk.is_empty() => Ok(vec![f.submit_item(self.executor, item)?]),
            Some(item) => {
                chunk.push(item);
                f.submit_chunk(self.executor, chunk)
            }
            None => Ok(Vec::new()),
        }
    }

    /// Lazy mode: submit more items to replace the one about to be consumed: one item, or a
    /// whole chunk once there is room for it. A refused submission becomes a failed item in its
    /// place, and reading the input stops there.
    fn top_up(&mut self) {
        if !self.lazy || !self.more_items {
            return;
        }
        // `pending` holds `limit` futures and one is about to be taken: room for one more.
        let room = (self.limit + 1).saturating_sub(self.pending.len());
        if room < self.chunksize.min(self.limit) {
            return;
        }
        let chunk = self.next_chunk(room);
        if chunk.is_empty() {
            return;
        }
        match self.submit(chunk) {
            Ok(futures) => self.pending.extend(futures),
            Err(error) => {
                self.more_items = false;
                let (future, completer) = implementer::new_future();
                // A brand-new future cannot be in a final state, so this cannot fail.
                let _ = completer.set_exception(TaskError::Rejected(error));
                self.pending.push_back(future);
            }
        }
    }

    fn cancel_pending(&mut self) {
        for future in self.pending.drain(..) {
            future.cancel();
        }
        self.more_items = false;
    }
}

impl<E, I, F, T> Iterator for Map<'_, E, I, F, T>
where
    E: Executor + ?Sized,
    I: Iterator,
    I::Item: Send + 'static,
    F: MapFn<E, I::Item, Output = T>,
    T: Send + 'static,
{
    type Item = Result<T, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
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
impl<E: ?Sized, I, F, T> std::fmt::Debug for Map<'_, E, I, F, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map")
            .field("submitted_not_yielded", &self.pending.len())
            .field("reads_input_lazily", &self.lazy)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<E: ?Sized, I, F, T> Drop for Map<'_, E, I, F, T> {
    fn drop(&mut self) {
        for future in self.pending.drain(..) {
            future.cancel();
        }
    }
}
