//! [`Future<T>`]: the handle to a task's eventual outcome, Python's `concurrent.futures.Future`.
//!
//! # Invariants
//!
//! One `Inner<T>` is shared (through an `Arc`) by the user's `Future<T>` and by the executor's
//! [`Completer<T>`](crate::implementer::Completer). Its fields:
//!
//! * `state` (an `AtomicU8`, see [`state`]) is the truth about where the future is. It is *read*
//!   without the lock, so `done()`, `running()`, `cancelled()` and the fast path of `result()` cost
//!   one atomic load. Whoever starts waiting for the future under the mutex first sets the
//!   `WATCHED` flag there. A *final* transition (to `FINISHED` or `CANCELLED`) is written while the
//!   mutex is held, which is what makes the condition-variable wait free of lost wake-ups, with
//!   one exception: a running future nobody watches is finished by one compare-and-swap from
//!   exactly `RUNNING` to `FINISHED`, which fails, and falls back to the lock, the moment anyone
//!   sets `WATCHED`. The one non-final transition, `PENDING -> RUNNING`, is a lock-free
//!   compare-and-swap too: nobody waits for it, and the compare-and-swap alone decides its race
//!   with `cancel`.
//! * `outcome` (an `UnsafeCell`) is written exactly once, by the one completer, *before* the
//!   `Release` store (or compare-and-swap) of `FINISHED`; readers look at it only after an
//!   `Acquire` load saw `FINISHED`. So no reader ever overlaps the write, and every reader sees
//!   the whole value. After that it is only read, except by [`Future::into_result`], which owns
//!   the handle (no `&T` of ours can be alive) and waits until callbacks have stopped reading (the
//!   `CALLBACKS_RUNNING` flag).
//! * `waiters` (a `Mutex`) holds the list of done-callbacks and listeners, and the count of threads
//!   blocked in `changed`, the condition variable. Whoever moves the state to a final value takes
//!   the list out under the lock and calls it after releasing it, so each entry runs exactly once.
//! * `task` (an `UnsafeCell`) holds a pool task until the one worker that dequeued it takes it
//!   out (see `thread_pool::job`); handles never touch it.
//!
//! DESIGN.md in the crate root tells the same story with the orderings spelled out.

mod bridge;
pub(crate) mod signal;
pub(crate) mod state;
pub(crate) mod waiters;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

pub use bridge::Awaiting;

use thin_vec::ThinVec;

use crate::errors::{FutureError, InvalidStateError, TaskError, short_type_name};
use crate::spin;
use crate::sync::{Arc, AtomicU8, Condvar, Mutex, Ordering, UnsafeCell, lock};
use state::{CALLBACKS_RUNNING, CANCELLED, FINISHED, PENDING, RUNNING, WATCHED};
use waiters::{
    Callback, Listener, ListenerId, Waiter, Waiters, announce, has_callbacks, run_callback,
};

/// The handle to the eventual outcome of a task submitted to an [`Executor`](crate::Executor):
/// Python's `concurrent.futures.Future`.
///
/// Only executors create futures (user code gets them from
/// [`submit`](crate::Executor::submit); executor authors from
/// [`implementer::new_future`](crate::implementer::new_future)). A future moves through
/// *pending → running → finished*, or *pending → cancelled*; see DESIGN.md.
///
/// # How the value is shared
///
/// The task's value is stored once, inside the future. [`result`](Future::result) lends it out as
/// `&T`, as often as you like, always the same value (Python hands back the same object each
/// time). To take ownership, consume the handle with [`into_result`](Future::into_result) or
/// `.await` it. A future is deliberately not `Clone`: exactly one owner can move the value out. Pass
/// `&Future<T>` around instead, as [`wait`](fn@crate::wait) and [`as_completed`](fn@crate::as_completed)
/// do; futures compare and hash by identity, so they can be `HashMap` keys as in
/// `flags2_threadpool.py`.
///
/// # Panics and `Result`s
///
/// A task that panics is the Rust face of a Python task that raises: the panic is caught in the
/// worker and `result` returns [`FutureError::Failed`] with [`TaskError::Panicked`]. A task that
/// returns a `Result` simply finishes with that `Result` as its value; match on it.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2)?;
/// let future = pool.submit(|| 6 * 7)?;
/// assert_eq!(future.result(None)?, &42);
/// assert!(future.done());
/// assert!(future.to_string().ends_with("state=finished returned i32>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A closure that captures something not `Send`, such as an `Rc`, cannot be submitted: the task
/// would be used from another thread.
///
/// ```compile_fail,E0277
/// use std::rc::Rc;
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(1).unwrap();
/// let shared = Rc::new(5);
/// let future = pool.submit(move || *shared + 1); // error: `Rc<i32>` cannot be sent between threads
/// ```
///
/// The same rules hold for the future itself (its `Send` and `Sync` are written by hand, see
/// the SAFETY comment below them). A `Future<T>` moves to another thread only if `T` can:
///
/// ```compile_fail,E0277
/// use std::rc::Rc;
/// use executor_core::implementer::new_future;
///
/// let (future, _completer) = new_future::<Rc<u8>>();
/// std::thread::spawn(move || drop(future)); // error: `Rc<u8>` cannot be sent between threads
/// ```
///
/// and is shared between threads only if `&T` can be:
///
/// ```compile_fail,E0277
/// use std::cell::Cell;
/// use executor_core::implementer::new_future;
///
/// let (future, _completer) = new_future::<Cell<u8>>();
/// std::thread::scope(|scope| {
///     scope.spawn(|| future.done()); // error: `Cell<u8>` cannot be shared between threads
/// });
/// ```
///
/// A done-callback runs in the completing thread with a `&Future<T>`, so it too needs `T: Sync`:
///
/// ```compile_fail,E0277
/// use std::cell::Cell;
/// use executor_core::implementer::new_future;
///
/// let (future, _completer) = new_future::<Cell<u8>>();
/// future.add_done_callback(|done| drop(done.done())); // error: `Cell<u8>` is not `Sync`
/// ```
pub struct Future<T> {
    inner: Arc<Inner<T>>,
}

/// A task as a pool stores it inside its future, until a worker takes it out to run it.
pub(crate) type Task<T> = Box<dyn FnOnce() -> T + Send>;

/// The shared part of a future; see the module docs for what guards what.
pub(crate) struct Inner<T> {
    state: AtomicU8,
    /// The error is boxed: a failure is rare, and a `TaskError` inline would make every future
    /// 24 bytes bigger (DESIGN.md, "One future in memory").
    outcome: UnsafeCell<Option<Result<T, Box<TaskError>>>>,
    waiters: Mutex<Waiters<T>>,
    changed: Condvar,
    /// For futures made by the thread pool: the task itself, until the one worker that runs (or
    /// drops) it takes it out. Keeping it here instead of in a separate job box saves the pool
    /// one allocation per task (README.md, "Speed"); `None` for other futures.
    task: UnsafeCell<Option<Task<T>>>,
}

// SAFETY: `Inner<T>` is `!Sync` only because of the `UnsafeCell` holding the outcome, so these
// impls must argue about that cell alone. The cell is written once by the completing thread
// (moving a `T` in from it: needs `T: Send`), under the mutex and before the `Release` store of
// `FINISHED`, and read only after an `Acquire` load of `FINISHED` (see the module docs). Shared
// `&T` borrows reach another thread in two ways: through `&Future<T>` (that is the `Sync` impl
// below, which requires `T: Sync`) and through done-callbacks run by the completing thread, which
// `add_done_callback` accepts only when `T: Sync`. A `T` leaves by value through `into_result` or
// is dropped with the last handle, possibly in another thread: `T: Send`. So a `Future<T>` may move
// between threads whenever `T: Send`, and the executor's handle with it.
unsafe impl<T: Send> Send for Future<T> {}
// SAFETY: see above; sharing `&Future<T>` between threads shares `&T`, which needs `T: Sync`.
unsafe impl<T: Send + Sync> Sync for Future<T> {}

impl<T> Future<T> {
    /// A new pending future and the executor's handle to it, optionally carrying its task; see
    /// [`implementer::new_future`](crate::implementer::new_future).
    pub(crate) fn new_pending(task: Option<Task<T>>) -> (Future<T>, Future<T>) {
        let inner = Arc::new(Inner {
            state: AtomicU8::new(PENDING),
            outcome: UnsafeCell::new(None),
            waiters: Mutex::new(Waiters::new()),
            changed: Condvar::new(),
            task: UnsafeCell::new(task),
        });
        let executor_side = Future {
            inner: Arc::clone(&inner),
        };
        (Future { inner }, executor_side)
    }

    /// The shared state, for the pool to queue it as a job without another allocation.
    pub(crate) fn into_inner(self) -> Arc<Inner<T>> {
        self.inner
    }

    /// The handle back from the shared state.
    pub(crate) fn from_inner(inner: Arc<Inner<T>>) -> Self {
        Future { inner }
    }

    /// Takes the task stored by [`new_pending`](Future::new_pending) out of the future.
    ///
    /// # Safety
    ///
    /// No other thread may call this at the same time. The thread pool upholds it by creating
    /// exactly one job per task future and moving that job (never copying it) through its queue
    /// to the one thread that calls this; nothing else touches the cell.
    pub(crate) unsafe fn take_task(&self) -> Option<Task<T>> {
        // SAFETY: exclusive access is the caller's contract, stated above.
        self.inner.task.with_mut(|cell| unsafe { (*cell).take() })
    }

    /// The state word. `Acquire`, so that seeing `FINISHED` makes the stored outcome visible
    /// (it pairs with the `Release` store in [`Future::complete`]).
    fn load_state(&self) -> u8 {
        self.inner.state.load(Ordering::Acquire)
    }

    /// True if the future finished or was cancelled (Python's `done()`).
    ///
    /// ```
    /// use executor_core::implementer;
    ///
    /// let (future, completer) = implementer::new_future();
    /// assert!(!future.done());
    /// completer.set_result("flag.gif")?;
    /// assert!(future.done());
    /// # Ok::<(), executor_core::InvalidStateError>(())
    /// ```
    pub fn done(&self) -> bool {
        state::is_done(self.load_state())
    }

    /// True while a worker is running the task (Python's `running()`).
    ///
    /// ```
    /// use executor_core::implementer;
    ///
    /// let (future, mut completer) = implementer::new_future::<()>();
    /// assert!(!future.running());
    /// assert!(completer.set_running_or_notify_cancel()?);
    /// assert!(future.running());
    /// # Ok::<(), executor_core::InvalidStateError>(())
    /// ```
    pub fn running(&self) -> bool {
        state::base(self.load_state()) == RUNNING
    }

    /// True if the future was cancelled (Python's `cancelled()`).
    ///
    /// ```
    /// use executor_core::implementer;
    ///
    /// let (future, _completer) = implementer::new_future::<()>();
    /// assert!(future.cancel());
    /// assert!(future.cancelled() && future.done());
    /// ```
    pub fn cancelled(&self) -> bool {
        state::base(self.load_state()) == CANCELLED
    }

    /// Tries to cancel the task (Python's `cancel()`).
    ///
    /// Succeeds only while the future is pending: returns `true` then, and again on every later
    /// call; returns `false` once the task is running or finished, because a running Rust thread
    /// cannot be stopped from outside. Done-callbacks run in this thread before it returns, and
    /// every `wait`, `as_completed` and `.await` sees the future as done at once.
    ///
    /// ```
    /// use executor_core::implementer;
    ///
    /// let (pending, _c1) = implementer::new_future::<()>();
    /// assert!(pending.cancel());
    /// assert!(pending.cancel(), "cancelling twice still reports success");
    ///
    /// let (running, mut c2) = implementer::new_future::<()>();
    /// c2.set_running_or_notify_cancel()?;
    /// assert!(!running.cancel());
    /// # Ok::<(), executor_core::InvalidStateError>(())
    /// ```
    pub fn cancel(&self) -> bool {
        match state::base(self.load_state()) {
            CANCELLED => return true,
            RUNNING | FINISHED => return false,
            _ => {}
        }
        let mut waiters = lock(&self.inner.waiters);
        // Release: a thread that sees CANCELLED (with an Acquire load) also sees whatever this
        // thread did before cancelling. On failure we only need the value: a pending future can
        // only have been started (RUNNING publishes nothing) or finished through the lock we
        // hold (the lock-free finish starts from RUNNING). Only `set_running` can change the
        // word under us (everyone else who writes it holds this lock); then the update sees
        // RUNNING and fails.
        match self
            .inner
            .state
            .fetch_update(Ordering::Release, Ordering::Relaxed, |word| {
                (state::base(word) == PENDING).then_some(CANCELLED)
            }) {
            Ok(_) => {
                let to_notify = waiters.take();
                let wake_blocked = waiters.blocked > 0;
                drop(waiters);
                self.announce(wake_blocked, to_notify, false);
                true
            }
            Err(word) => state::base(word) == CANCELLED,
        }
    }

    /// Waits up to `timeout` (`None`: forever; zero: just look) for the task's value and lends
    /// it (Python's `result(timeout)`).
    ///
    /// Errors: [`FutureError::Cancelled`], [`FutureError::TimedOut`] (the future is unaffected),
    /// or [`FutureError::Failed`] when the task panicked or the executor could not run it.
    /// Call it as often as you like; see [How the value is shared](Future#how-the-value-is-shared).
    ///
    /// ```
    /// use std::time::Duration;
    /// use executor_core::{implementer, FutureError};
    ///
    /// let (future, completer) = implementer::new_future();
    /// let waiter = std::thread::spawn(move || future.result(None).cloned());
    /// completer.set_result(String::from("BR"))?;
    /// assert_eq!(waiter.join().unwrap()?, "BR");
    ///
    /// let (slow, _completer) = implementer::new_future::<u8>();
    /// let error = slow.result(Some(Duration::from_millis(1))).unwrap_err();
    /// assert!(matches!(error, FutureError::TimedOut { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn result(&self, timeout: Option<Duration>) -> Result<&T, FutureError> {
        let word = self.wait_until(timeout, state::is_done);
        match state::base(word) {
            FINISHED => self
                .finished_outcome()
                .map_err(|error| FutureError::Failed(error.clone())),
            CANCELLED => Err(FutureError::Cancelled),
            _ => Err(timed_out(timeout)),
        }
    }

    /// Waits like [`result`](Future::result) and returns the task's error, or `None` if it
    /// returned normally (Python's `exception(timeout)`). Never returns `Err(Failed)`.
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1)?;
    /// let fine = pool.submit(|| 1)?;
    /// let broken = pool.submit(|| -> i32 { panic!("404") })?;
    /// assert!(fine.exception(None)?.is_none());
    /// assert_eq!(broken.exception(None)?.unwrap().to_string(), "the task panicked: 404");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exception(&self, timeout: Option<Duration>) -> Result<Option<&TaskError>, FutureError> {
        let word = self.wait_until(timeout, state::is_done);
        match state::base(word) {
            FINISHED => Ok(self.finished_outcome().err()),
            CANCELLED => Err(FutureError::Cancelled),
            _ => Err(timed_out(timeout)),
        }
    }

    /// Waits for the task and moves its value out, consuming the handle: the blocking twin of
    /// `.await` and of `std::thread::JoinHandle::join`.
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1)?;
    /// let bytes: Vec<u8> = pool.submit(|| vec![0x47, 0x49, 0x46])?.into_result()?;
    /// assert_eq!(bytes, b"GIF");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_result(self) -> Result<T, FutureError> {
        self.wait_until(None, state::is_settled);
        self.take_settled()
    }

    /// Moves the outcome out of a settled future.
    fn take_settled(self) -> Result<T, FutureError> {
        if state::base(self.load_state()) == CANCELLED {
            return Err(FutureError::Cancelled);
        }
        // SAFETY: the caller saw a settled FINISHED state with an Acquire load: the one write to
        // the cell happened before it, and every callback that could read the cell has returned
        // (the flag was cleared with a Release store after they ran). We own this handle, so no
        // `&T` lent by `result` on it is alive; the executor's handle no longer reads the cell.
        let outcome = self
            .inner
            .outcome
            .with_mut(|cell| unsafe { (*cell).take() });
        match outcome {
            Some(outcome) => outcome.map_err(|error| FutureError::Failed(*error)),
            // Only a second take could get here, and `self` by value rules that out.
            None => Err(FutureError::Failed(TaskError::Abandoned)),
        }
    }

    /// Registers `callback` to run once the future is done (Python's `add_done_callback`).
    ///
    /// Callbacks run exactly once, in the order added, in the thread that completes or cancels
    /// the future, or at once in this thread if the future is already done. A panicking callback
    /// is reported on stderr and the others still run. Keep callbacks short: they run in a pool
    /// worker, which takes no new task until they return.
    ///
    /// A callback may read the outcome through the `&Future<T>` it is given (`result`,
    /// `exception`). It must not take the value out of another handle to the same future
    /// (`into_result`, or `.await`): that waits until the callbacks have run, this one included,
    /// so it would wait for itself forever.
    ///
    /// `T: Sync` because the callback may read the value in the worker thread while the future's
    /// owner reads it in another.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1)?;
    /// let (tx, rx) = mpsc::channel();
    /// let future = pool.submit(|| "CN")?;
    /// future.add_done_callback(move |f| tx.send(f.result(None).ok().copied()).unwrap());
    /// assert_eq!(rx.recv()?, Some("CN"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_done_callback<F>(&self, callback: F)
    where
        F: FnOnce(&Future<T>) + Send + 'static,
        T: Sync,
    {
        let callback: Callback<T> = Box::new(callback);
        if !self.done() {
            let mut waiters = lock(&self.inner.waiters);
            // `watch` and completion are ordered on the state word: either the completer sees
            // WATCHED and takes our callback under this lock, or we see it already done.
            if !state::is_done(self.watch()) {
                waiters.add_callback(callback);
                return;
            }
        }
        run_callback(self, callback);
    }

    /// The outcome of a finished future.
    fn finished_outcome(&self) -> Result<&T, &TaskError> {
        // SAFETY: the caller saw FINISHED through an Acquire load, which synchronises with the
        // Release store made after the single write to the cell. The only later write is the
        // take in `take_settled`, which consumes a handle: not this `&self`, and not while any
        // callback on the executor's handle runs. So no `&mut` overlaps this shared borrow.
        let outcome = self.inner.outcome.with(|cell| unsafe { (*cell).as_ref() });
        match outcome {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(error),
            None => unreachable!("a FINISHED future always holds its outcome until consumed"),
        }
    }

    /// Blocks until `ready(state)` or the timeout passes; returns the last state seen.
    fn wait_until(&self, timeout: Option<Duration>, ready: fn(u8) -> bool) -> u8 {
        let word = self.load_state();
        if ready(word) || timeout == Some(Duration::ZERO) {
            return word;
        }
        // Most tasks a caller blocks on are either long (a download) or very short; for the
        // short ones, polling a moment beats a park and a wake-up (see `spin`).
        if spin::spin_until(|| ready(self.load_state())) {
            return self.load_state();
        }
        // A deadline too far away to represent means "forever".
        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let mut waiters = lock(&self.inner.waiters);
        loop {
            let word = self.watch();
            if ready(word) {
                return word;
            }
            waiters.blocked += 1;
            waiters = match deadline {
                None => self
                    .inner
                    .changed
                    .wait(waiters)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        waiters.blocked -= 1;
                        return word;
                    }
                    self.inner
                        .changed
                        .wait_timeout(waiters, deadline - now)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
            waiters.blocked -= 1;
        }
    }

    /// Marks the future watched (see [`state::WATCHED`]) and returns the state word as it was.
    /// Call it with the mutex held, just before registering to be told of completion.
    fn watch(&self) -> u8 {
        // Acquire: if the future is already FINISHED, its outcome becomes visible to us (pairs
        // with the Release of either kind of completion). Relaxed would lose that, nothing else:
        // the read-modify-write is ordered against the completer's compare-and-swap either way.
        self.inner.state.fetch_or(WATCHED, Ordering::Acquire)
    }

    /// Stores the outcome and moves to FINISHED; the heart of `set_result` / `set_exception`.
    pub(crate) fn complete(&self, outcome: Result<T, TaskError>) -> Result<(), InvalidStateError> {
        // The lock-free path: a running future that nobody watches. Relaxed is enough: RUNNING was
        // stored through this completer, and a stale read only sends us to the locked path.
        if self.inner.state.load(Ordering::Relaxed) != RUNNING {
            return self.complete_locked(Some(outcome));
        }
        // SAFETY: the future is RUNNING, so only this completer can finish it (`cancel` fails on
        // a running future) and no reader looks at the cell before FINISHED is published.
        self.inner
            .outcome
            .with_mut(|cell| unsafe { *cell = Some(outcome.map_err(Box::new)) });
        // Release: publishes the outcome to every Acquire load that sees FINISHED. Fails only if
        // someone set WATCHED meanwhile; then they are registered, or about to be, under the lock.
        match self.inner.state.compare_exchange(
            RUNNING,
            FINISHED,
            Ordering::Release,
            Ordering::Relaxed,
        ) {
            Ok(_) => Ok(()),
            Err(_) => self.complete_locked(None),
        }
    }

    /// The locked completion: stores `outcome` (unless the lock-free path already did), moves to
    /// FINISHED under the mutex and tells everyone registered.
    fn complete_locked(
        &self,
        outcome: Option<Result<T, TaskError>>,
    ) -> Result<(), InvalidStateError> {
        let mut waiters = lock(&self.inner.waiters);
        // Relaxed is enough under the lock: the other final transitions happen under it (or, the
        // lock-free one, only through this completer), and RUNNING was stored through this
        // completer too, so we see the latest state.
        let word = self.inner.state.load(Ordering::Relaxed);
        if state::is_done(word) {
            return Err(InvalidStateError {
                state: state::name(word),
                future: self.to_string().into(),
            });
        }
        if let Some(outcome) = outcome {
            // SAFETY: the state is not final, so no reader looks at the cell yet (they wait for
            // FINISHED), and only this completer writes it.
            self.inner
                .outcome
                .with_mut(|cell| unsafe { *cell = Some(outcome.map_err(Box::new)) });
        }
        let to_notify = waiters.take();
        let wake_blocked = waiters.blocked > 0;
        let with_callbacks = has_callbacks(&to_notify);
        let word = if with_callbacks {
            FINISHED | CALLBACKS_RUNNING
        } else {
            FINISHED
        };
        // Release: publishes the outcome written above to every Acquire load that sees FINISHED.
        self.inner.state.store(word, Ordering::Release);
        drop(waiters);
        self.announce(wake_blocked, to_notify, with_callbacks);
        Ok(())
    }

    /// Tells everyone a final state was reached; called after the mutex is released.
    fn announce(
        &self,
        wake_blocked: bool,
        to_notify: ThinVec<Waiter<T>>,
        clear_callback_flag: bool,
    ) {
        if wake_blocked {
            self.inner.changed.notify_all();
        }
        if !to_notify.is_empty() {
            announce(to_notify, self);
        }
        if !clear_callback_flag {
            return;
        }
        let mut waiters = lock(&self.inner.waiters);
        // Release: the callbacks' reads of the value happen before an `into_result` that sees
        // the flag cleared (with Acquire) moves the value out.
        self.inner.state.store(FINISHED, Ordering::Release);
        // Only `into_result` and `.await` wait for this second step: blocked threads and task
        // wakers registered while the callbacks ran.
        let to_notify = waiters.take();
        let wake_blocked = waiters.blocked > 0;
        drop(waiters);
        if wake_blocked {
            self.inner.changed.notify_all();
        }
        announce(to_notify, self);
    }

    /// `PENDING -> RUNNING`, or `Ok(false)` if cancelled; see the implementer module.
    pub(crate) fn set_running(&self) -> Result<bool, InvalidStateError> {
        // Relaxed: RUNNING publishes no data. The compare-and-swap's atomicity alone settles the
        // race with `cancel` (also a compare-and-swap from PENDING): exactly one of them wins.
        // The update keeps the WATCHED flag: someone blocked on a pending future stays blocked.
        match self
            .inner
            .state
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |word| {
                (state::base(word) == PENDING).then_some(RUNNING | (word & WATCHED))
            }) {
            Ok(_) => Ok(true),
            Err(word) if state::base(word) == CANCELLED => Ok(false),
            Err(word) => Err(InvalidStateError {
                state: state::name(word),
                future: self.to_string().into(),
            }),
        }
    }

    /// Adds a listener unless `ready(state)` already holds (then returns `None`: don't wait).
    pub(crate) fn add_listener(
        &self,
        listener: Listener,
        ready: fn(u8) -> bool,
    ) -> Option<ListenerId> {
        let mut waiters = lock(&self.inner.waiters);
        if ready(self.watch()) {
            return None;
        }
        Some(waiters.add_listener(listener))
    }

    /// Registers or refreshes an async task's waker; `None` if the future is already settled.
    pub(crate) fn set_waker(
        &self,
        id: Option<ListenerId>,
        waker: &std::task::Waker,
    ) -> Option<ListenerId> {
        let mut waiters = lock(&self.inner.waiters);
        if state::is_settled(self.watch()) {
            return None;
        }
        Some(waiters.set_waker(id, waker))
    }

    /// Forgets a listener that no longer waits (a no-op if it was already notified).
    pub(crate) fn remove_listener(&self, id: ListenerId) {
        let mut waiters = lock(&self.inner.waiters);
        waiters.remove(id);
    }

    /// True once the task finished with an error (what `FIRST_EXCEPTION` waits for).
    pub(crate) fn failed(&self) -> bool {
        state::base(self.load_state()) == FINISHED && self.finished_outcome().is_err()
    }

    /// Waits up to `timeout` until the value can be moved out; false if the time ran out.
    pub(crate) fn wait_settled(&self, timeout: Option<Duration>) -> bool {
        state::is_settled(self.wait_until(timeout, state::is_settled))
    }

    /// True once done and no callback can read the value any more.
    pub(crate) fn settled(&self) -> bool {
        state::is_settled(self.load_state())
    }

    /// The address shown by `Display` and used for identity.
    fn address(&self) -> *const () {
        let inner: &Inner<T> = &self.inner;
        (inner as *const Inner<T>).cast()
    }
}

fn timed_out(timeout: Option<Duration>) -> FutureError {
    FutureError::TimedOut {
        timeout: timeout.unwrap_or(Duration::MAX),
    }
}

/// Python's repr: `<Future at 0x7f3a… state=finished returned u32>`.
impl<T> fmt::Display for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.load_state();
        write!(
            f,
            "<Future at {:p} state={}",
            self.address(),
            state::name(word)
        )?;
        if state::base(word) == FINISHED {
            // Reading the outcome is fine here: a take needs a handle by value, and the
            // executor's handle only displays itself from inside callbacks, before any take.
            match self.finished_outcome() {
                Ok(_) => write!(
                    f,
                    " returned {}",
                    short_type_name(std::any::type_name::<T>())
                )?,
                Err(error) => write!(f, " raised {}", error.kind())?,
            }
        }
        f.write_str(">")
    }
}

/// Same as `Display`: the state, never the value, so `T` needs no `Debug`.
impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Identity, as for Python objects: a future equals only itself.
impl<T> PartialEq for Future<T> {
    fn eq(&self, other: &Self) -> bool {
        self.address() == other.address()
    }
}

impl<T> Eq for Future<T> {}

impl<T> Hash for Future<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.address().hash(state);
    }
}
