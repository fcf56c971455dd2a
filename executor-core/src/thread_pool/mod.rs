//! [`ThreadPoolExecutor`]: Python's `concurrent.futures.ThreadPoolExecutor`
//! (`Lib/concurrent/futures/thread.py`) on OS threads.
//!
//! # The model: one queue, N threads
//!
//! Read this pool as CPython's `thread.py` first. Everything in the files below makes it faster;
//! nothing makes it behave differently.
//!
//! * `submit` puts the task and its [`Future`] into one work item ([`job`], Python's
//!   `_WorkItem`) and pushes it onto **one queue** shared by every worker. If no thread is idle
//!   and fewer than `max_workers` have started, it starts one (`adjust_thread_count` below,
//!   Python's `_adjust_thread_count`; the idle count is [`idle`], Python's `_idle_semaphore`).
//! * **Each worker thread loops** ([`worker`], Python's `_worker`): take the oldest item; skip it
//!   if its future was cancelled meanwhile (`set_running_or_notify_cancel`); run it; complete the
//!   future with the value, or with the panic as Python stores the exception; take the next. It
//!   waits while the queue is empty.
//! * **`shutdown` closes the queue** (Python puts a `None` sentinel on it): no new item gets in,
//!   the workers finish what is queued and exit, and `shutdown(wait = true)` joins them. With
//!   `cancel_futures` it also cancels the items still queued. Dropping the pool is
//!   `shutdown(wait = true)`, leaving Python's `with` block.
//!
//! A `Mutex<VecDeque>` and a `Condvar` are all that model needs: [`implementer`] shows the
//! executor's side of a future, and the book's Exercise 10 (`docs/exercises/06_inside/
//! ex10_tiny_executor.rs`) builds it with one thread and a channel.
//!
//! # Where the speed comes from
//!
//! With tasks that do almost nothing (the benchmark's no-op tasks), the model's one lock and one
//! condition variable *are* the cost. The pool keeps the model and replaces its parts, one file
//! each. Figures are from `cargo bench -p executor-core --bench throughput` (a million no-op
//! tasks) on the 2-core reference VM; README.md, "Speed", and DESIGN.md §6 have every run and
//! the reasoning.
//!
//! * **The queue**: crossbeam's lock-free [`Injector`], the shared queue of a work-stealing
//!   scheduler, and the task stored inside its future's allocation ([`job`]). One allocation per
//!   task instead of two was worth about a third of the throughput. With a `VecDeque` under the
//!   pool mutex, 13% of the benchmark's time went to the lock's contended path; without the
//!   lock, four submitting threads went from 1.4–2.2 to 2.4–3.2 M tasks/s (one was unchanged).
//! * **The admission [`gate`]**: one atomic word does what CPython's `_shutdown_lock` does, so
//!   that no item enters the queue once shutdown has begun, without `submit` taking a lock.
//! * **Waiting: [`sleep`]**. At most one idle worker spins, then yields, before it sleeps on a
//!   condition variable; the others sleep; `submit` makes the wake-up system call only when
//!   somebody sleeps and nobody spins, and a fence on each side rules out a lost wake-up. With
//!   every idle worker sleeping on the condition variable, each task cost a sleep and a wake-up
//!   (3.3 million context switches, 0.3–0.5 M tasks/s); with one spinner, 1.4–1.9 M/s. A
//!   crossbeam channel, whose idle receivers all spin and yield, reached 0.9–1.0 M/s: six
//!   spinning workers took the CPU the submitting thread needed.
//! * **Batches: [`local`]**. A worker takes up to four jobs at a time into a short queue of its
//!   own, which idle peers steal from, so that no job waits behind a long task. Taking one job
//!   per visit made the two cores trade the same cache lines for every task; batches took one
//!   submitting thread from 0.69× to 1.06–1.73× the `threadpool` crate.
//! * **`result()` and idle workers spin briefly** (`spin.rs`, in the crate root), and on a single
//!   CPU yield once instead: pinned to one CPU, that took the throughput from 0.78 to about
//!   2 M tasks/s.
//!
//! Together: 2.71–3.95 M no-op tasks a second from one submitting thread, against 2.22–2.66 M for
//! the `threadpool` crate and 0.073 M for Python 3.11, and a round trip (submit, then wait for
//! the result) with a median of 0.55–1.68 µs, against Python's 80–92 µs.
//!
//! # Who waits for whom
//!
//! Pushing and popping never block, so the submitting thread and the workers never wait for
//! each other's critical sections. What one big lock did in the model, small protocols do here,
//! each written down next to its code and checked by the loom models in `loom_models.rs`:
//!
//! * the [`gate`] orders every `submit` against `close`: a submit either entered before the
//!   `CLOSED` bit (and `close` waits for its push) or sees the bit and refuses;
//! * the [`sleep`] protocol: a worker going to sleep writes the sleeper count then reads the
//!   queue, a submitter writes the queue then reads the count, with a `SeqCst` fence between on
//!   both sides;
//! * a worker that takes a batch announces it the way `submit` announces a push, so that no job
//!   waits behind a long task while a peer sleeps ([`local`]);
//! * `Mutex<PoolState>` guards only what is rarely touched: the worker handles and the count of
//!   threads started (a submit takes it only while the pool is still starting threads).
//!
//! [`implementer`]: crate::implementer

mod gate;
mod idle;
mod job;
mod local;
#[cfg(all(test, executor_core_loom))]
mod loom_models;
mod sleep;
mod worker;

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, JoinHandle};

use crossbeam_deque::Injector;
use crossbeam_utils::CachePadded;

use crate::errors::{BuildError, SubmitError};
use crate::executor::{ClosureExecutor, Executor};
use crate::future::Future;
use gate::Gate;
use idle::IdleThreads;
use job::QueuedJob;
use local::LocalQueues;
use sleep::Sleep;

/// A pool of up to `max_workers` threads running submitted tasks (Python's
/// `ThreadPoolExecutor`).
///
/// # How it works
///
/// As CPython's `concurrent/futures/thread.py` does: **one queue of work items, and up to
/// `max_workers` threads that each take the oldest item, run its task and complete its
/// [`Future`]** with the value (or the panic), then take the next. `submit` puts an item on the
/// queue, starting a thread when none is idle (threads start lazily, as in Python); an item
/// whose future was cancelled while queued is skipped. `shutdown` closes the queue (Python puts
/// a `None` sentinel on it): the workers finish what is queued, then exit.
///
/// Dropping the pool is leaving Python's `with` block: it shuts down and waits for every task
/// already submitted.
///
/// # Why its source is longer than that
///
/// The behaviour is the model's; the code in `src/thread_pool/` is tuned for tasks that take
/// almost no time, where one lock and one condition variable would be the whole cost. The queue
/// is crossbeam's lock-free `Injector` and each task lives inside its future (`job.rs`);
/// workers take up to four jobs at a time into short queues that idle peers steal from
/// (`local.rs`); an atomic admission gate stands in for the shutdown lock (`gate.rs`); one idle
/// worker spins while the others sleep (`sleep.rs`). On the 2-core reference VM that runs
/// 2.71–3.95 M no-op tasks a second from one submitting thread (Python 3.11: 0.073 M). The
/// module documentation at the top of `src/thread_pool/mod.rs` says what each part bought;
/// DESIGN.md §6 has the reasoning.
///
/// ```
/// use executor_core::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(3)?;
/// let futures: Vec<_> = (1..=3).map(|n| pool.submit(move || n * 10)).collect::<Result<_, _>>()?;
/// let total: i32 = futures.iter().map(|f| f.result(None).copied().unwrap_or(0)).sum();
/// assert_eq!(total, 60);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ThreadPoolExecutor {
    shared: Arc<Shared>,
    max_workers: usize,
    name_prefix: String,
}

/// What the pool shares with its workers.
pub(crate) struct Shared {
    /// The jobs no worker has taken yet, oldest first.
    queue: Injector<QueuedJob>,
    /// Jobs workers took in a batch and have not started yet; see [`local`].
    locals: CachePadded<LocalQueues>,
    /// Closed by `shutdown` and by a failed initializer; see [`gate`].
    gate: Gate,
    /// Idle workers spinning or sleeping; see [`sleep`]. On its own cache line, away from the
    /// queue's ends, which every submit and every pop write.
    sleep: CachePadded<Sleep>,
    /// On its own cache line: workers touch it after every task while threads are starting.
    idle: CachePadded<IdleThreads>,
    /// Set once, when an initializer fails: the reason every later submit is refused with.
    broken: OnceLock<Arc<str>>,
    state: Mutex<PoolState>,
    /// Notified, with `state`, each time a worker's loop ends: what `shutdown(wait = true)`
    /// waits on.
    loop_ended: Condvar,
    initializer: Option<Initializer>,
}

/// Guarded by `Shared::state`: the rarely touched part of the pool.
pub(crate) struct PoolState {
    /// Handles of the threads nobody has joined yet.
    workers: Vec<JoinHandle<()>>,
    /// Threads started so far (names are numbered by it).
    started: usize,
    /// Threads whose worker loop has not ended yet. `shutdown(wait = true)` waits for this
    /// count, not for the handles: another thread may hold those (a concurrent `shutdown`), and
    /// a task that shut down its own pool keeps its thread's handle for whoever drops the pool.
    running: usize,
}

thread_local! {
    /// The pool whose worker this thread is (the address of its `Shared`), or 0: how `shutdown`
    /// knows it is called from one of its own tasks.
    static WORKER_OF: Cell<usize> = const { Cell::new(0) };
}

/// Held by a worker thread for as long as its loop runs. Dropping it, even during a panic,
/// counts the loop as ended and wakes whoever waits in `shutdown(wait = true)`.
struct RunningWorker<'a> {
    shared: &'a Shared,
}

impl<'a> RunningWorker<'a> {
    fn enter(shared: &'a Shared) -> Self {
        WORKER_OF.set(std::ptr::from_ref(shared) as usize);
        RunningWorker { shared }
    }
}

impl Drop for RunningWorker<'_> {
    fn drop(&mut self) {
        WORKER_OF.set(0);
        self.shared.lock().running -= 1;
        self.shared.loop_ended.notify_all();
    }
}

type Initializer = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, PoolState> {
        // No code panics while holding this lock (tasks and callbacks run outside it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pops the oldest job of the shared queue, if any.
    fn pop(&self) -> Option<QueuedJob> {
        // `Retry` means another thread changed the queue under us: try again, it is not empty.
        std::iter::repeat_with(|| self.queue.steal())
            .find(|steal| !steal.is_retry())
            .and_then(crossbeam_deque::Steal::success)
    }

    /// Pops the oldest job of the shared queue and moves up to [`local::BATCH`] - 1 of the next
    /// ones (never more than half of the queue) into `landing`.
    fn pop_batch(&self, landing: &crossbeam_deque::Worker<QueuedJob>) -> Option<QueuedJob> {
        std::iter::repeat_with(|| {
            self.queue
                .steal_batch_with_limit_and_pop(landing, local::BATCH)
        })
        .find(|steal| !steal.is_retry())
        .and_then(crossbeam_deque::Steal::success)
    }

    /// What idle workers wait for: a job anywhere, or the end (drained gate).
    fn has_work(&self) -> bool {
        !self.queue.is_empty() || self.locals.any_lent() || self.gate.is_drained()
    }
}

/// Numbers pools for the default thread names, like CPython's class-level counter.
static POOLS_CREATED: AtomicUsize = AtomicUsize::new(0);

/// `min(32, available_parallelism + 4)`: Python's default since 3.8. I/O-bound tasks (the
/// downloads this workspace is about) spend most of their time waiting, so a few threads more
/// than cores keep the cores busy; the cap stops big machines from starting hundreds.
///
/// ```
/// let workers = executor_core::default_max_workers();
/// assert!((5..=32).contains(&workers));
/// ```
pub fn default_max_workers() -> usize {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    (cores + 4).min(32)
}

impl ThreadPoolExecutor {
    /// A pool of at most `max_workers` threads; zero is an error (Python's `ValueError`).
    ///
    /// ```
    /// let pool = executor_core::ThreadPoolExecutor::new(4)?;
    /// assert_eq!(pool.max_workers(), 4);
    /// # Ok::<(), executor_core::BuildError>(())
    /// ```
    pub fn new(max_workers: usize) -> Result<Self, BuildError> {
        Self::builder().max_workers(max_workers).build()
    }

    /// A builder for the other options: thread names and an initializer.
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::builder()
    ///     .max_workers(2)
    ///     .thread_name_prefix("downloader")
    ///     .initializer(|| Ok::<(), String>(()))
    ///     .build()?;
    /// let name = pool.submit(|| std::thread::current().name().map(String::from))?.into_result()?;
    /// assert_eq!(name.as_deref(), Some("downloader_0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder::default()
    }

    /// The most threads this pool will start.
    ///
    /// ```
    /// let pool = executor_core::ThreadPoolExecutor::default();
    /// assert_eq!(pool.max_workers(), executor_core::default_max_workers());
    /// ```
    pub fn max_workers(&self) -> usize {
        self.max_workers
    }

    /// How many worker threads have been started so far (they start lazily).
    ///
    /// ```
    /// use executor_core::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(8)?;
    /// assert_eq!(pool.num_threads(), 0);
    /// pool.submit(|| ())?.result(None)?;
    /// assert_eq!(pool.num_threads(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn num_threads(&self) -> usize {
        self.shared.lock().started
    }

    fn start(
        max_workers: usize,
        name_prefix: Option<String>,
        initializer: Option<Initializer>,
    ) -> Self {
        let name_prefix = name_prefix.unwrap_or_else(|| {
            format!(
                "ThreadPoolExecutor-{}",
                POOLS_CREATED.fetch_add(1, Ordering::Relaxed)
            )
        });
        ThreadPoolExecutor {
            shared: Arc::new(Shared {
                queue: Injector::new(),
                locals: CachePadded::new(LocalQueues::new()),
                gate: Gate::new(),
                sleep: CachePadded::new(Sleep::new()),
                idle: CachePadded::new(IdleThreads::new()),
                broken: OnceLock::new(),
                state: Mutex::new(PoolState {
                    workers: Vec::new(),
                    started: 0,
                    running: 0,
                }),
                loop_ended: Condvar::new(),
                initializer,
            }),
            max_workers,
            name_prefix,
        }
    }

    /// Whether the calling thread is one of this pool's workers (a task calling back into it).
    fn called_from_own_worker(&self) -> bool {
        WORKER_OF.get() == Arc::as_ptr(&self.shared) as usize
    }

    /// Python's `_adjust_thread_count`: reuse an idle thread if there is one, else start a new
    /// one if the limit allows.
    fn adjust_thread_count(&self) -> Result<(), SubmitError> {
        // The common case takes no lock: all threads started, or an idle one will take the task.
        if self.shared.idle.no_thread_needed() {
            return Ok(());
        }
        // Under the lock, so that two submits cannot both start the last allowed thread.
        let mut state = self.shared.lock();
        if state.started >= self.max_workers {
            return Ok(());
        }
        let shared = Arc::clone(&self.shared);
        let own = self.shared.locals.register();
        let spawned = thread::Builder::new()
            .name(format!("{}_{}", self.name_prefix, state.started))
            .spawn(move || {
                let _running = RunningWorker::enter(&shared);
                worker::run(&shared, own);
            });
        if spawned.is_err() {
            // Registered last, under the same lock: no other queue can have come after it.
            self.shared.locals.unregister_last();
        }
        match spawned {
            Ok(handle) => {
                // Counted under the lock the new thread needs to count itself out: the count
                // cannot go below zero, however fast the thread is.
                state.workers.push(handle);
                state.started += 1;
                state.running += 1;
                if state.started == self.max_workers {
                    self.shared.idle.all_started();
                }
                Ok(())
            }
            // With no thread at all the task would wait forever: refuse it. Otherwise the
            // existing threads will get to it, as they would in Python.
            Err(error) if state.started == 0 => Err(SubmitError::Spawn(Arc::new(error))),
            Err(_) => Ok(()),
        }
    }

    /// Why a closed gate refused a submit.
    fn refusal(&self) -> SubmitError {
        match self.shared.broken.get() {
            Some(reason) => SubmitError::BrokenThreadPool {
                reason: Arc::clone(reason),
            },
            None => SubmitError::Shutdown,
        }
    }
}

impl Default for ThreadPoolExecutor {
    /// A pool of [`default_max_workers`] threads.
    fn default() -> Self {
        Self::start(default_max_workers(), None, None)
    }
}

impl ClosureExecutor for ThreadPoolExecutor {
    fn submit_closure<F, T>(&self, task: F) -> Result<Future<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // On refusal the job is dropped (after the pass: locals drop in reverse order), failing
        // the future nobody will ever see.
        let (future, job) = QueuedJob::new(task);
        let Some(pass) = self.shared.gate.enter() else {
            return Err(self.refusal());
        };
        self.adjust_thread_count()?;
        self.shared.queue.push(job);
        // Leave the gate before the wake-up: `shutdown` waits only for the push.
        drop(pass);
        self.shared.sleep.work_queued();
        Ok(future)
    }
}

impl Executor for ThreadPoolExecutor {
    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        // After `close` returns, no job can enter the queue: the workers drain it and exit.
        self.shared.gate.close();
        self.shared.sleep.wake_all();
        if cancel_futures {
            // Workers may pop some of these first and run them, as in Python: a job a worker
            // already holds is as good as running. Cancelling runs done-callbacks (user code);
            // no lock is held here.
            while let Some(job) = self.shared.pop() {
                worker::catching_panics(|| job.cancel());
            }
            // Jobs that workers took in a batch have not started either. (A worker's batch is
            // visible to this loop only once the worker has moved it into its own queue: up to
            // three jobs per worker, taken a moment ago, can still run. Python's window is one
            // job per worker, for the same reason.)
            while let Some(job) = self.shared.locals.steal() {
                worker::catching_panics(|| job.cancel());
            }
        }
        if !wait {
            return;
        }
        // Python's `shutdown(wait=True)` joins every worker. Called from one of this pool's own
        // tasks, it cannot wait for its own thread: it waits for all the others. (Two tasks
        // doing that at once wait for each other forever, as they would in Python.)
        let own_thread = usize::from(self.called_from_own_worker());
        let mut state = self.shared.lock();
        while state.running > own_thread {
            state = self
                .shared
                .loop_ended
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // Every loop has ended; join the threads, so that none outlives this call, except the
        // caller's own, whose handle stays for whoever drops the pool.
        let me = thread::current().id();
        let (own, others): (Vec<_>, Vec<_>) = std::mem::take(&mut state.workers)
            .into_iter()
            .partition(|worker| worker.thread().id() == me);
        state.workers = own;
        drop(state);
        for worker in others {
            // Their loops have ended, so these joins only wait for the threads to finish
            // exiting. A worker catches every panic (`worker::catching_panics`): ignore the Ok.
            let _ = worker.join();
        }
    }
}

impl Drop for ThreadPoolExecutor {
    /// Leaving Python's `with` block: `shutdown(wait = true, cancel_futures = false)`.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("name_prefix", &self.name_prefix)
            .field("max_workers", &self.max_workers)
            .field("num_threads", &self.num_threads())
            .finish_non_exhaustive()
    }
}

/// Builds a [`ThreadPoolExecutor`] with Python's keyword arguments: `max_workers`,
/// `thread_name_prefix`, `initializer`.
///
/// ```
/// let pool = executor_core::ThreadPoolExecutor::builder().max_workers(2).build()?;
/// # let _ = pool;
/// # Ok::<(), executor_core::BuildError>(())
/// ```
#[derive(Default)]
#[must_use = "call `build()` to get the pool"]
pub struct ThreadPoolBuilder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

impl ThreadPoolBuilder {
    /// The most threads to start; default [`default_max_workers`]; zero fails in `build`.
    ///
    /// ```
    /// let builder = executor_core::ThreadPoolExecutor::builder().max_workers(4);
    /// # let _ = builder;
    /// ```
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = Some(max_workers);
        self
    }

    /// Names threads `{prefix}_0`, `{prefix}_1`, ...; default `ThreadPoolExecutor-{n}` where `n`
    /// counts the pools created in this process.
    ///
    /// ```
    /// let builder = executor_core::ThreadPoolExecutor::builder().thread_name_prefix("flags");
    /// # let _ = builder;
    /// ```
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer` at the start of every worker thread (say, to open a per-thread HTTP
    /// client). If it returns `Err` or panics, the pool becomes *broken*: queued and later tasks
    /// fail with `BrokenThreadPool`, as in Python.
    ///
    /// ```
    /// use executor_core::{Executor, FutureError, TaskError, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::builder()
    ///     .initializer(|| Err("no network"))
    ///     .build()?;
    /// let future = pool.submit(|| 1)?;
    /// assert!(matches!(
    ///     future.result(None),
    ///     Err(FutureError::Failed(TaskError::BrokenThreadPool { .. }))
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn initializer<F, E>(mut self, initializer: F) -> Self
    where
        F: Fn() -> Result<(), E> + Send + Sync + 'static,
        E: fmt::Display,
    {
        self.initializer = Some(Box::new(move || {
            initializer().map_err(|error| error.to_string())
        }));
        self
    }

    /// Creates the pool; no thread starts until the first `submit`.
    ///
    /// ```
    /// use executor_core::{BuildError, ThreadPoolExecutor};
    ///
    /// assert!(matches!(
    ///     ThreadPoolExecutor::builder().max_workers(0).build(),
    ///     Err(BuildError::ZeroWorkers)
    /// ));
    /// ```
    pub fn build(self) -> Result<ThreadPoolExecutor, BuildError> {
        let max_workers = self.max_workers.unwrap_or_else(default_max_workers);
        if max_workers == 0 {
            return Err(BuildError::ZeroWorkers);
        }
        Ok(ThreadPoolExecutor::start(
            max_workers,
            self.thread_name_prefix,
            self.initializer,
        ))
    }
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .field("initializer", &self.initializer.is_some())
            .finish()
    }
}
