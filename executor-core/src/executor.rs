//! The [`Executor`] trait: Python's abstract `concurrent.futures.Executor`, with `submit`, `map`
//! and `shutdown`; and the two traits that say what each executor accepts: [`Task`] (for
//! `submit`) and [`MapFn`] (for `map`).
//!
//! # Why `submit` is generic over a `Task<Self>`
//!
//! Python's `submit(fn, *args)` takes any callable, and a `ProcessPoolExecutor` pickles it. A Rust
//! closure cannot be serialised, so "any closure" is too much for a process pool, while "only
//! registered functions" would be a needless chore for a thread pool. The trait therefore lets
//! each executor say what a task is *for it*: [`Task<E>`] is implemented by every closure for
//! every [`ClosureExecutor`] (the thread pool), and by a
//! [`Call`](crate::process_pool::Call) of a registered function for the
//! [`ProcessPoolExecutor`](crate::ProcessPoolExecutor). The call site reads the same,
//! `pool.submit(task)`, the futures are the same `Future<T>`, and handing a closure to a process
//! pool is a compile error instead of a runtime one (Python's `PicklingError`).

use std::sync::Arc;
use std::time::Duration;

use crate::errors::SubmitError;
use crate::future::Future;
use crate::map::{Map, MapOptions};

/// Work that executor `E` can run, producing [`Output`](Task::Output).
///
/// Closures (`FnOnce() -> T + Send + 'static`) are tasks for every [`ClosureExecutor`];
/// [`Call`](crate::process_pool::Call)s of registered functions are tasks for the
/// [`ProcessPoolExecutor`](crate::ProcessPoolExecutor). The task hands itself to the
/// executor's own entry point ([`submit_to`](Task::submit_to)); [`Executor::submit`] is just
/// `task.submit_to(self)`.
///
/// ```compile_fail,E0277
/// // A closure is not a task for a process pool: it cannot travel to another process.
/// use executor_core::{Executor, ProcessPoolExecutor};
/// let pool = ProcessPoolExecutor::new(1).unwrap();
/// let _ = pool.submit(|| 1);
/// ```
pub trait Task<E: ?Sized>: Send + 'static {
    /// What the task returns: the `T` of its `Future<T>`.
    type Output: Send + 'static;

    /// Schedules this task on `executor` (called by [`Executor::submit`]).
    fn submit_to(self, executor: &E) -> Result<Future<Self::Output>, SubmitError>;
}

/// The function [`Executor::map`] applies to each item: a closure for a [`ClosureExecutor`], a
/// registered [`Function`](crate::process_pool::Function) for a process pool.
pub trait MapFn<E: ?Sized, Item>: Send + Sync + 'static {
    /// What the function returns for one item.
    type Output: Send + 'static;

    /// Submits the function applied to one item.
    fn submit_item(
        self: Arc<Self>,
        executor: &E,
        item: Item,
    ) -> Result<Future<Self::Output>, SubmitError>;

    /// Submits the function applied to a chunk of items, one future per item (Python's
    /// `chunksize`). The default submits them one by one; a process pool sends the whole chunk
    /// in one message, which is the point of chunking. On error the futures already submitted
    /// for this chunk are cancelled.
    fn submit_chunk(
        self: Arc<Self>,
        executor: &E,
        items: Vec<Item>,
    ) -> Result<Vec<Future<Self::Output>>, SubmitError> {
        let mut futures = Vec::with_capacity(items.len());
        for item in items {
            match Arc::clone(&self).submit_item(executor, item) {
                Ok(future) => futures.push(future),
                Err(error) => {
                    for future in &futures {
                        future.cancel();
                    }
                    return Err(error);
                }
            }
        }
        Ok(futures)
    }
}

/// An executor that runs closures in this process (threads), so that every
/// `FnOnce() -> T + Send + 'static` is a [`Task`] for it and every `Fn(Item) -> T` a [`MapFn`].
///
/// Implement this (and [`Executor::shutdown`]) to write your own in-process executor; the
/// blanket implementations then make `submit(move || ...)` and `map(|x| ..., ...)` work.
///
/// ```
/// use executor_core::{ClosureExecutor, Executor, ThreadPoolExecutor};
///
/// fn total_len(executor: &impl ClosureExecutor, words: Vec<&'static str>) -> usize {
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
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not run closures",
    label = "this executor cannot take a closure",
    note = "a closure cannot travel to another process; submit a registered function instead: `FUNCTION.call(args)` (see `executor_core::process_pool::Function`)"
)]
pub trait ClosureExecutor: Executor {
    /// Schedules a closure (what [`Executor::submit`] does for closures).
    fn submit_closure<F, T>(&self, task: F) -> Result<Future<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;
}

impl<E, F, T> Task<E> for F
where
    E: ClosureExecutor + ?Sized,
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn submit_to(self, executor: &E) -> Result<Future<T>, SubmitError> {
        executor.submit_closure(self)
    }
}

impl<E, F, Item, T> MapFn<E, Item> for F
where
    E: ClosureExecutor + ?Sized,
    F: Fn(Item) -> T + Send + Sync + 'static,
    Item: Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn submit_item(self: Arc<Self>, executor: &E, item: Item) -> Result<Future<T>, SubmitError> {
        executor.submit_closure(move || self(item))
    }
}

/// Something that runs tasks and hands back [`Future`]s (Python's `Executor` base class).
///
/// Implementers provide [`shutdown`](Executor::shutdown) and say what a task is for them by
/// implementing [`Task`] and [`MapFn`] (or, for closures, [`ClosureExecutor`]);
/// [`submit`](Executor::submit) and [`map`](Executor::map) then come for free. Build the
/// futures with [`implementer`](crate::implementer).
///
/// Python's `with ThreadPoolExecutor() as executor:` block is Rust's scope: dropping an
/// executor shuts it down and waits for its tasks. Implementers should keep that promise in their
/// `Drop`.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// let lengths: Vec<usize> = pool.map(str::len, ["flags", "of"], None)?.collect::<Result<_, _>>()?;
/// assert_eq!(lengths, [5, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Executor {
    /// Schedules `task` to run and returns its [`Future`] (Python's `submit(fn, *args)`; for a
    /// thread pool the closure carries the arguments, for a process pool a
    /// [`Call`](crate::process_pool::Call) does).
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
    fn submit<W>(&self, task: W) -> Result<Future<W::Output>, SubmitError>
    where
        W: Task<Self>,
    {
        task.submit_to(self)
    }

    /// Python's `map(fn, *iterables, timeout=None)`: submits `f(item)` for every item now, and
    /// returns an iterator of the results **in input order**, each a `Result` (so one failed
    /// task does not end the iteration).
    ///
    /// `timeout` counts from this call; when it passes, the pending item yields
    /// [`FutureError::TimedOut`](crate::FutureError::TimedOut), the tasks not yet started are
    /// cancelled, and the iteration ends. For endless or huge inputs use
    /// [`map_with`](Executor::map_with) and a [`buffersize`](MapOptions::buffersize).
    ///
    /// The [`Map`] does not borrow the executor (everything is submitted before it is returned),
    /// so it may outlive it: dropping the executor waits for the tasks, and the results stay in
    /// the `Map`. Dropping the `Map` itself cancels nothing before its first `next()`, and after
    /// it the tasks not yet started, as Python's generator does ([`Map`] has the details).
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
    ) -> Result<Map<'static, T>, SubmitError>
    where
        F: MapFn<Self, I::Item, Output = T>,
        I: IntoIterator,
        I::Item: Send + 'static,
        T: Send + 'static,
    {
        Map::submit_all(
            self,
            f,
            items.into_iter(),
            MapOptions::new().timeout(timeout),
        )
    }

    /// [`map`](Executor::map) with every option, including Python 3.14's `buffersize`.
    ///
    /// With a `buffersize` the input is read lazily and submitted through this executor as the
    /// results are taken, so the [`Map`] borrows the executor; so that the `Map` can still be
    /// handed to another thread, the executor must be `Sync` and the input iterator `Send`.
    /// Without a `buffersize` the `Map` holds only futures, but its type borrows all the same:
    /// use [`map`](Executor::map) for an iterator that must outlive the executor.
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
    ///
    /// The borrow is what keeps a look-ahead from submitting to an executor that is gone:
    ///
    /// ```compile_fail,E0505
    /// use std::num::NonZeroUsize;
    /// use executor_core::{Executor, MapOptions, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(2).unwrap();
    /// let options = MapOptions::new().buffersize(NonZeroUsize::new(4).unwrap());
    /// let evens = pool.map_with(|n: u64| n * 2, 0.., options).unwrap();
    /// drop(pool); // error: `pool` is still borrowed by the look-ahead
    /// for even in evens.take(5) {
    ///     println!("{}", even.unwrap());
    /// }
    /// ```
    fn map_with<'a, F, I, T>(
        &'a self,
        f: F,
        items: I,
        options: MapOptions,
    ) -> Result<Map<'a, T>, SubmitError>
    where
        Self: Sync,
        F: MapFn<Self, I::Item, Output = T>,
        I: IntoIterator,
        I::IntoIter: Send + 'a,
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
