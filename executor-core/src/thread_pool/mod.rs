//! [`ThreadPoolExecutor`]: Python's `concurrent.futures.ThreadPoolExecutor` on OS threads, one
//! job queue and one lock.
//!
//! # How it works
//!
//! `submit` stores the task inside a new future and pushes that future, seen as a job
//! ([`job`]), onto a queue; every worker thread loops popping jobs off it ([`worker`]), and
//! sleeps on a condition variable while it is empty. Threads start lazily, one
//! per `submit` that finds no idle thread, up to `max_workers`, exactly as CPython does it: an
//! idle counter (CPython's `_idle_semaphore`, here [`idle`]) lets a submit reuse a thread that has
//! finished its previous job instead of starting another.
//!
//! # Locks
//!
//! One `Mutex<PoolState>` guards the queue, the shutdown flag, the "broken" reason and the worker
//! handles (CPython's `_shutdown_lock` and its queue's lock in one). Because `submit` checks for
//! shutdown and pushes under the same lock that `shutdown` takes to set the flag, no task can
//! slip into the queue after shutdown has begun. Critical sections are a push or a pop, plus, in
//! a submit that starts a thread, the `thread::spawn` (so that two submits cannot both start the
//! last allowed thread). Tasks and callbacks never run under it.
//!
//! Why not a crossbeam channel? We measured one (README.md, "Speed"): on two cores its receivers
//! spin and yield before they sleep, and six idle workers spinning steal the CPU the submitting
//! thread needs. A plain mutex and condition variable, with *one* idle worker spinning briefly and
//! a count of sleepers so that a submit makes the wake-up system call only when someone sleeps,
//! was about three times faster.

mod idle;
mod job;
mod worker;

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

use crossbeam_utils::CachePadded;

use crate::errors::{BuildError, SubmitError};
use crate::executor::{ClosureExecutor, Executor};
use crate::future::Future;
use idle::IdleThreads;
use job::QueuedJob;

/// A pool of up to `max_workers` threads running submitted tasks (Python's
/// `ThreadPoolExecutor`).
///
/// Dropping the pool is leaving Python's `with` block: it shuts down and waits for every task
/// already submitted.
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
    state: Mutex<PoolState>,
    /// The queue's length, mirrored (under the lock) for the spinning worker to poll without
    /// taking the lock. Relaxed: it is only a hint to stop spinning and take the lock.
    queued: AtomicUsize,
    /// Signalled when a job is queued for a sleeping worker, and at shutdown.
    work_available: Condvar,
    /// On its own cache line: workers touch it after every task, and sharing a line with the
    /// mutex, which every `submit` writes, made both slower.
    idle: CachePadded<IdleThreads>,
    initializer: Option<Initializer>,
}

/// Guarded by `Shared::state`; see "Locks" in the module docs.
pub(crate) struct PoolState {
    queue: VecDeque<QueuedJob>,
    /// Set by `shutdown`: refuse new jobs; workers exit once the queue is empty.
    shutdown: bool,
    /// `Some(reason)` once an initializer failed.
    broken: Option<Arc<str>>,
    /// Workers waiting on `work_available` and not yet notified. A submit notifies only while
    /// this is non-zero, which saves a system call per task while all workers are busy.
    sleeping: usize,
    /// A worker is spinning for work (at most one at a time); it will find the next job
    /// without being notified.
    spinning: bool,
    workers: Vec<JoinHandle<()>>,
    /// Threads started so far (names are numbered by it).
    started: usize,
}

type Initializer = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

impl PoolState {
    /// Picks a sleeping worker to notify, counting it woken at once so that the next submit
    /// picks a different one.
    fn take_sleeper(&mut self) -> bool {
        let any = self.sleeping > 0;
        if any {
            self.sleeping -= 1;
        }
        any
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, PoolState> {
        // No code panics while holding this lock (tasks and callbacks run outside it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
                state: Mutex::new(PoolState {
                    queue: VecDeque::new(),
                    shutdown: false,
                    broken: None,
                    sleeping: 0,
                    spinning: false,
                    workers: Vec::new(),
                    started: 0,
                }),
                queued: AtomicUsize::new(0),
                work_available: Condvar::new(),
                idle: CachePadded::new(IdleThreads::new()),
                initializer,
            }),
            max_workers,
            name_prefix,
        }
    }

    /// Python's `_adjust_thread_count`: reuse an idle thread if there is one, else start a new
    /// one if the limit allows. Called with the pool lock held.
    fn adjust_thread_count(&self, state: &mut PoolState) -> Result<(), SubmitError> {
        if state.started >= self.max_workers || self.shared.idle.try_claim() {
            return Ok(());
        }
        let shared = Arc::clone(&self.shared);
        let spawned = thread::Builder::new()
            .name(format!("{}_{}", self.name_prefix, state.started))
            .spawn(move || worker::run(&shared));
        match spawned {
            Ok(handle) => {
                state.workers.push(handle);
                state.started += 1;
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
        // Allocate before taking the lock, to keep the critical section short. On refusal the
        // job is dropped after the guard (locals drop in reverse order), failing the future
        // nobody will ever see.
        let (future, job) = QueuedJob::new(task);
        let mut state = self.shared.lock();
        if let Some(reason) = &state.broken {
            return Err(SubmitError::BrokenThreadPool {
                reason: Arc::clone(reason),
            });
        }
        if state.shutdown {
            return Err(SubmitError::Shutdown);
        }
        self.adjust_thread_count(&mut state)?;
        state.queue.push_back(job);
        self.shared
            .queued
            .store(state.queue.len(), Ordering::Relaxed);
        // A spinning worker will take the job without a wake-up system call.
        let wake_one = !state.spinning && state.take_sleeper();
        drop(state);
        // Notify after unlocking, so the woken worker does not block at once on our lock.
        if wake_one {
            self.shared.work_available.notify_one();
        }
        Ok(future)
    }
}

impl Executor for ThreadPoolExecutor {
    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let (workers, cancelled) = {
            let mut state = self.shared.lock();
            state.shutdown = true;
            state.sleeping = 0;
            let workers = if wait {
                std::mem::take(&mut state.workers)
            } else {
                Vec::new()
            };
            let cancelled = if cancel_futures {
                self.shared.queued.store(0, Ordering::Relaxed);
                std::mem::take(&mut state.queue)
            } else {
                VecDeque::new()
            };
            (workers, cancelled)
        };
        // Sleeping workers wake up, find the flag, and exit once the queue is empty.
        self.shared.work_available.notify_all();
        // Cancelling runs done-callbacks, user code: do it outside the pool lock.
        for job in cancelled {
            job.cancel();
        }
        // A task that shuts down its own pool must not join its own thread.
        let me = thread::current().id();
        for worker in workers {
            if worker.thread().id() != me {
                // Workers catch every task panic, so `join` cannot report one; ignore the Ok.
                let _ = worker.join();
            }
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
