//! The [`Executor`] trait: Python's abstract `concurrent.futures.Executor`, with `submit`, `map`
//! and `shutdown`.

use std::time::Duration;

use crate::errors::SubmitError;
use crate::future::Future;
use crate::map::{Map, MapOptions};

/// Something that runs tasks and hands back [`Future`]s (Python's `Executor` base class).
///
/// Implementers provide [`submit`](Executor::submit) and [`shutdown`](Executor::shutdown);
/// [`map`](Executor::map) comes for free, built on `submit`. Build the futures with
/// [`implementer`](crate::implementer).
///
/// Python's `with ThreadPoolExecutor() as executor:` block is Rust's scope: dropping an
/// executor shuts it down and waits for its tasks. Implementers should keep that promise in their
/// `Drop`.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// fn total_len(executor: &impl Executor, words: Vec<&'static str>) -> usize {
///     executor
///         .map(str::len, words, None)
///         .expect("the executor is running")
///         .map(|len| len.unwrap_or(0))
///         .sum()
/// }
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// assert_eq!(total_len(&pool, vec!["flags", "of", "the", "world"]), 15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Executor {
    /// Schedules `task` to run and returns its [`Future`] (Python's `submit(fn, *args)`; the
    /// closure carries the arguments).
    ///
    /// Errors with [`SubmitError::Shutdown`] after [`shutdown`](Executor::shutdown), never a
    /// panic. The `Send + 'static` bounds say the task will run on another thread and may outlive
    /// the caller's stack frame.
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1)?;
    /// let cc = String::from("BR");
    /// let future = pool.submit(move || format!("{}.gif", cc.to_lowercase()))?;
    /// assert_eq!(future.result(None)?, "br.gif");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn submit<F, T>(&self, task: F) -> Result<Future<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// Python's `map(fn, *iterables, timeout=None)`: submits `f(item)` for every item now, and
    /// returns an iterator of the results **in input order**, each a `Result` (so one failed
    /// task does not end the iteration).
    ///
    /// `timeout` counts from this call; when it passes, the pending item yields
    /// [`FutureError::TimedOut`](crate::FutureError::TimedOut), the tasks not yet started are
    /// cancelled, and the iteration ends. Dropping the iterator early cancels what has not
    /// started, too. For endless or huge inputs use [`map_with`](Executor::map_with) and a
    /// [`buffersize`](MapOptions::buffersize).
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(3)?;
    /// let squares: Vec<u64> = pool.map(|n: u64| n * n, 1..=4, None)?.collect::<Result<_, _>>()?;
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn map<F, I, T>(
        &self,
        f: F,
        items: I,
        timeout: Option<Duration>,
    ) -> Result<Map<'_, Self, I::IntoIter, F, T>, SubmitError>
    where
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        I: IntoIterator,
        I::Item: Send + 'static,
        T: Send + 'static,
    {
        self.map_with(f, items, MapOptions::new().timeout(timeout))
    }

    /// [`map`](Executor::map) with every option, including Python 3.14's `buffersize`.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use executor_core::{Executor, MapOptions, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(2)?;
    /// // An endless input works because at most 4 tasks are submitted ahead of the consumer.
    /// let options = MapOptions::new().buffersize(NonZeroUsize::new(4).unwrap());
    /// let evens: Vec<u64> = pool
    ///     .map_with(|n: u64| n * 2, 0.., options)?
    ///     .take(5)
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(evens, [0, 2, 4, 6, 8]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn map_with<F, I, T>(
        &self,
        f: F,
        items: I,
        options: MapOptions,
    ) -> Result<Map<'_, Self, I::IntoIter, F, T>, SubmitError>
    where
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        I: IntoIterator,
        I::Item: Send + 'static,
        T: Send + 'static,
    {
        Map::start(self, f, items.into_iter(), options)
    }

    /// Stops accepting tasks (Python's `shutdown(wait=True, *, cancel_futures=False)`).
    ///
    /// With `cancel_futures`, tasks still queued are cancelled (their futures count as done at
    /// once). With `wait`, returns only after every started task has finished and the workers
    /// have exited. Calling it again is harmless.
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1)?;
    /// let future = pool.submit(|| "last one")?;
    /// pool.shutdown(true, false);
    /// assert!(future.done());
    /// assert!(pool.submit(|| "too late").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn shutdown(&self, wait: bool, cancel_futures: bool);
}
