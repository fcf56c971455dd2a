//! [`as_completed`](fn@crate::as_completed): iterate over futures in the order they finish (Python's
//! `concurrent.futures.as_completed`), the loop at the heart of `flags2_threadpool.py`.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use crate::errors::AsCompletedTimeout;
use crate::future::Future;
use crate::future::signal::Signal;
use crate::sync::Arc;
use crate::wait::Registrations;

/// Returns an iterator that yields each future once it is done: first those already done (in
/// the order given), then the others as they finish or are cancelled.
///
/// Each distinct future is yielded once, even if passed twice; futures may come from different
/// executors. With a `timeout` (measured from this call), the iterator yields one
/// `Err(AsCompletedTimeout)` ("N (of M) futures unfinished") when the deadline passes and then
/// ends. Dropping the iterator early unregisters it from the futures it still watched.
///
/// ```
/// use executor_core::{as_completed, Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(3)?;
/// let futures: Vec<_> = ["BR", "CN", "IN"]
///     .into_iter()
///     .map(|cc| pool.submit(move || cc.to_lowercase()))
///     .collect::<Result<_, _>>()?;
/// let mut names = Vec::new();
/// for future in as_completed(&futures, None) {
///     names.push(future?.result(None)?.clone());
/// }
/// names.sort();
/// assert_eq!(names, ["br", "cn", "in"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn as_completed<'a, T, I>(futures: I, timeout: Option<Duration>) -> AsCompleted<'a, T>
where
    I: IntoIterator<Item = &'a Future<T>>,
    T: 'a,
{
    let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
    let mut unique = HashSet::new();
    let futures: Vec<&Future<T>> = futures.into_iter().filter(|f| unique.insert(*f)).collect();
    let signal = Arc::new(Signal::new());
    // Register before sorting out the finished ones, so that none can finish unnoticed between
    // the two steps; a future done at registration time is signalled at once, and `yielded`
    // keeps it from coming out twice.
    let registrations = Registrations::new(&futures, &signal);
    let ready: VecDeque<usize> = (0..futures.len()).filter(|&i| futures[i].done()).collect();
    AsCompleted {
        yielded: vec![false; futures.len()],
        remaining: futures.len(),
        futures,
        ready,
        signal,
        deadline,
        _registrations: registrations,
    }
}

/// The iterator returned by [`as_completed`](fn@crate::as_completed): yields `Ok(&future)` as each is done, or one
/// `Err` if the timeout passes first.
///
/// ```
/// use executor_core::{as_completed, implementer};
///
/// let (future, completer) = implementer::new_future();
/// completer.set_result('✓')?;
/// let done: Vec<_> = as_completed([&future, &future], None).collect::<Result<_, _>>()?;
/// assert_eq!(done, [&future]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct AsCompleted<'a, T> {
    futures: Vec<&'a Future<T>>,
    yielded: Vec<bool>,
    remaining: usize,
    ready: VecDeque<usize>,
    signal: Arc<Signal>,
    deadline: Option<Instant>,
    _registrations: Registrations<'a, T>,
}

impl<'a, T> Iterator for AsCompleted<'a, T> {
    type Item = Result<&'a Future<T>, AsCompletedTimeout>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.remaining > 0 {
            while let Some(index) = self.ready.pop_front() {
                if !std::mem::replace(&mut self.yielded[index], true) {
                    self.remaining -= 1;
                    return Some(Ok(self.futures[index]));
                }
            }
            // With a zero timeout the deadline is already past: `wait` returns what has arrived,
            // or `None` at once.
            match self.signal.wait(self.deadline) {
                Some(tokens) => self.ready.extend(tokens),
                None => {
                    let error = AsCompletedTimeout {
                        unfinished: self.remaining,
                        total: self.futures.len(),
                    };
                    self.remaining = 0;
                    return Some(Err(error));
                }
            }
        }
        None
    }
}
