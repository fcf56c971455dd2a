//! [`ProcessPoolExecutor`]: Python's `concurrent.futures.ProcessPoolExecutor` on real worker
//! processes, and what it needs: registered functions ([`Function`], [`Call`]) and the hook at
//! the top of `main` ([`run_worker_if_child`]).
//!
//! # How it works
//!
//! Each worker is this executable started again with an environment variable that makes
//! [`run_worker_if_child`] serve requests instead of returning (`worker.rs`), as CPython's
//! *spawn* start method does on every platform. The pool talks to it over a channel of its own
//! (`protocol.rs`), so the worker's stdout and stderr stay the program's. In the parent,
//! two threads per worker (Python's management thread, split): a watcher (`watcher.rs`) starts
//! the process and waits for it to exit, and a reader (`reader.rs`) reads its results and
//! completes the futures (`sink.rs`). `submit` encodes the arguments, queues the request and
//! hands it straight to an idle worker; the readers feed busy workers from the queue, several
//! requests per write once it is long. What differs between Unix and Windows (the channel and
//! how it reaches the worker, how a worker is stopped, how it dies with the parent) is in `sys/`.
//!
//! # Files
//!
//! `mod.rs`: the pool's state and its public face (shutdown, `terminate_workers`); `builder.rs`;
//! `submit.rs` (encoding and queueing a request); `dispatch.rs` (handing requests to workers,
//! breaking the pool); `watcher.rs` and `reader.rs` (the two threads per worker); `worker.rs`
//! (the worker process); `protocol.rs`, `function.rs`, `sink.rs`; `sys/` (per platform).
//!
//! # Locks
//!
//! One `Mutex<State>` guards the queue, the workers (their request channels and the futures they
//! are running), the shutdown flag and the broken reason. Requests are written to a worker's
//! pipe under it, so such a write must never wait for long. A worker reads its pipe only between
//! tasks (`worker.rs`): while it runs one, what is written to it stays in the pipe's buffer, and
//! a write that does not fit there would wait for the task to end, holding the lock, and with it
//! every `submit`, every other worker's results and `kill_workers`. So a busy worker is sent
//! only what surely fits (`PIPE_BUDGET` bytes, in `dispatch.rs`, beyond the request it runs); an idle one,
//! which is reading, may be sent a request of any size. Futures are completed, failed and
//! cancelled only after the lock is released, because that runs done-callbacks: user code.
//!
//! # When a worker dies
//!
//! Its watcher sees the exit (or its reader sees the pipe end early, and kills it). The watcher
//! reaps the process, then, under the lock, marks the pool broken, kills every other worker,
//! takes every queued and running request, and fails them all with
//! [`TaskError::BrokenProcessPool`], as CPython does: after a crash nobody knows what state the
//! work was left in.

mod builder;
mod dispatch;
mod function;
mod protocol;
mod reader;
mod sink;
mod submit;
mod sys;
mod watcher;
mod worker;

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle, ThreadId};

pub use builder::ProcessPoolBuilder;
pub use function::{Call, Function, RemoteFunction, Types};
pub use worker::run_worker_if_child;

use crate::errors::{BuildError, TaskError};
use crate::executor::Executor;
use dispatch::release_idle_workers;
use sink::Sink;

/// A pool of up to `max_workers` worker processes (Python's `ProcessPoolExecutor`).
///
/// Tasks are [`Call`]s of registered [`Function`]s, arguments and results serde types. A panic
/// in a task fails its future and the worker lives on; a worker that *dies* breaks the pool
/// ([`TaskError::BrokenProcessPool`]). Dropping the pool shuts it down and waits, and no worker
/// process outlives it.
///
/// ```
/// use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
/// use executor_core::{Executor, ProcessPoolExecutor};
///
/// fn cube(n: u64) -> u64 {
///     n * n * n
/// }
/// static CUBE: Function<u64, u64> = Function::new("cube", cube);
/// static FUNCTIONS: &[&dyn RemoteFunction] = &[&CUBE];
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     run_worker_if_child(FUNCTIONS); // first line: in a worker, this never returns
///     // A process pool's task is a Call: a registered function and its arguments.
///     let pool = ProcessPoolExecutor::new(2)?;
///     let future = pool.submit(CUBE.call(3))?;
///     assert_eq!(future.into_result()?, 27);
///     let cubes: Vec<u64> = pool.map(CUBE, 1..=3, None)?.collect::<Result<_, _>>()?;
///     assert_eq!(cubes, [1, 8, 27]);
///     Ok(())
/// }
/// ```
pub struct ProcessPoolExecutor {
    shared: Arc<Shared>,
}

/// What the pool shares with its watcher and reader threads.
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Notified whenever a worker has been reaped (`State::live_workers`).
    reaped: Condvar,
    max_workers: usize,
    max_tasks_per_child: Option<NonZeroUsize>,
    /// The initializer's function name and encoded arguments (or why they did not encode).
    initializer: Option<(&'static str, Result<Vec<u8>, TaskError>)>,
}

/// Guarded by `Shared::state`; see "Locks" in the module docs.
pub(crate) struct State {
    /// Requests submitted and not yet written to a worker.
    queue: VecDeque<Queued>,
    /// Futures to fail once the lock is released (see `dispatch::Locked`).
    deferred: Vec<(Box<dyn Sink>, TaskError)>,
    workers: Vec<WorkerSlot>,
    /// Watcher threads to join at shutdown.
    threads: Vec<WatcherThread>,
    /// Worker processes started and not yet reaped; `Shared::reaped` announces each decrease.
    live_workers: usize,
    shutdown: bool,
    /// `Some(reason)` once a worker died or an initializer failed.
    broken: Option<Arc<str>>,
    /// Set by `terminate_workers`/`kill_workers`: the reason running futures fail with.
    terminated: Option<&'static str>,
    next_request: u64,
    next_worker: u64,
    /// Worker processes started so far.
    processes_started: usize,
}

/// A request waiting in the queue.
pub(crate) struct Queued {
    function: &'static str,
    args: Vec<Vec<u8>>,
    sink: Box<dyn Sink>,
}

impl Queued {
    /// At least the size of this request's frame: the bytes it carries plus the most its
    /// numbers can take in postcard's variable-length encoding (10 bytes each, generously).
    fn frame_bound(&self) -> usize {
        let carried: usize = self.args.iter().map(|arg| arg.len() + 10).sum();
        4 + 3 * 10 + self.function.len() + carried
    }
}

/// A worker's watcher, to join, and the id of its reader, which waits for it.
pub(crate) struct WatcherThread {
    handle: JoinHandle<()>,
    reader: ThreadId,
}

/// One worker process as the pool sees it.
pub(crate) struct WorkerSlot {
    id: u64,
    pid: u32,
    /// What `terminate_workers` and `kill_workers` stop; valid while `exited` is false.
    process: sys::Process,
    /// Where requests go; `None` once closed (shutdown or retirement), which tells the worker
    /// to exit after its last result.
    requests: Option<sys::Requests>,
    /// Requests written and not yet answered, oldest first (the worker answers in order).
    in_flight: VecDeque<InFlight>,
    /// Requests written to this worker in its life, for `max_tasks_per_child`.
    sent: usize,
    /// Set by the watcher thread, under the lock, just before it reaps the process: from then
    /// on the pid (or handle) may be reused, so nobody may signal it.
    exited: bool,
}

/// A request written to a worker and not yet answered.
pub(crate) struct InFlight {
    id: u64,
    /// The size of its frame, for `dispatch::PIPE_BUDGET`.
    bytes: usize,
    sink: Box<dyn Sink>,
}

impl ProcessPoolExecutor {
    /// A pool of at most `max_workers` processes; zero is an error (Python's `ValueError`).
    pub fn new(max_workers: usize) -> Result<Self, BuildError> {
        Self::builder().max_workers(max_workers).build()
    }

    /// A builder for the other options: `initializer` and `max_tasks_per_child`.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
    /// use executor_core::{Executor, ProcessPoolExecutor};
    ///
    /// fn connect(url: String) -> Result<(), String> {
    ///     if url.starts_with("db://") { Ok(()) } else { Err(format!("bad url {url}")) }
    /// }
    /// fn pid(_: ()) -> u32 {
    ///     std::process::id()
    /// }
    /// static CONNECT: Function<String, Result<(), String>> = Function::new("connect", connect);
    /// static PID: Function<(), u32> = Function::new("pid", pid);
    /// static FUNCTIONS: &[&dyn RemoteFunction] = &[&CONNECT, &PID];
    ///
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     run_worker_if_child(FUNCTIONS);
    ///     let pool = ProcessPoolExecutor::builder()
    ///         .max_workers(1)
    ///         .initializer(CONNECT.call("db://flags".to_owned()))
    ///         .max_tasks_per_child(NonZeroUsize::new(1).unwrap())
    ///         .build()?;
    ///     let first = pool.submit(PID.call(()))?.into_result()?;
    ///     let second = pool.submit(PID.call(()))?.into_result()?;
    ///     assert_ne!(first, second); // one task per child: a new process each time
    ///     Ok(())
    /// }
    /// ```
    pub fn builder() -> ProcessPoolBuilder {
        ProcessPoolBuilder::default()
    }

    /// The most processes this pool runs at once.
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers
    }

    /// How many worker processes were started so far (they start on demand, and
    /// `max_tasks_per_child` replaces them).
    pub fn processes_started(&self) -> usize {
        self.shared.lock().processes_started
    }

    /// The pids of the worker processes alive now (Python's `_processes` keys).
    pub fn worker_pids(&self) -> Vec<u32> {
        let state = self.shared.lock();
        state
            .workers
            .iter()
            .filter(|w| !w.exited)
            .map(|w| w.pid)
            .collect()
    }

    /// Python 3.14's `terminate_workers()`: shuts down, cancelling queued tasks, and stops
    /// every worker (`SIGTERM` on Unix, followed by `SIGCONT` so that a stopped worker gets it
    /// too; `TerminateProcess` on Windows); running tasks fail with
    /// [`TaskError::BrokenProcessPool`]. Returns once every worker has been reaped.
    ///
    /// ```
    /// use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
    /// use executor_core::{Executor, FutureError, ProcessPoolExecutor, TaskError};
    ///
    /// fn forever(_: ()) {
    ///     loop {
    ///         std::thread::park();
    ///     }
    /// }
    /// static FOREVER: Function<(), ()> = Function::new("forever", forever);
    /// static FUNCTIONS: &[&dyn RemoteFunction] = &[&FOREVER];
    ///
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     run_worker_if_child(FUNCTIONS);
    ///     let pool = ProcessPoolExecutor::new(1)?;
    ///     let stuck = pool.submit(FOREVER.call(()))?;
    ///     pool.terminate_workers(); // a thread pool has no way to do this
    ///     assert!(matches!(
    ///         stuck.result(None),
    ///         Err(FutureError::Failed(TaskError::BrokenProcessPool { .. }))
    ///     ));
    ///     Ok(())
    /// }
    /// ```
    pub fn terminate_workers(&self) {
        self.stop_workers(
            sys::terminate,
            "terminate_workers() stopped the worker processes",
        );
    }

    /// Python 3.14's `kill_workers()`: like [`terminate_workers`](Self::terminate_workers) with
    /// `SIGKILL`, which a worker cannot catch or ignore (on Windows the two are the same).
    pub fn kill_workers(&self) {
        self.stop_workers(sys::kill, "kill_workers() killed the worker processes");
    }

    fn stop_workers(&self, stop: fn(sys::Process), reason: &'static str) {
        let cancelled = {
            let mut state = self.shared.lock();
            state.shutdown = true;
            state.terminated.get_or_insert(reason);
            for worker in &mut state.workers {
                worker.requests = None;
                if !worker.exited {
                    stop(worker.process);
                }
            }
            std::mem::take(&mut state.queue)
        };
        for queued in cancelled {
            queued.sink.cancel();
        }
        self.join_watchers();
    }

    /// Waits until every worker process has been reaped, then joins the watcher threads.
    ///
    /// Every caller waits, however many there are (two threads may shut a pool down at once), on
    /// a count of live workers. A done-callback that shuts the pool down runs on a reader thread
    /// (or a watcher's, when a worker dies): a reader's own worker cannot exit until the callback
    /// returns, so that one worker is not waited for, and no thread joins itself.
    fn join_watchers(&self) {
        let me = thread::current().id();
        let mut state = self.shared.lock();
        let on_a_reader = state.threads.iter().any(|thread| thread.reader == me);
        let allowed = usize::from(on_a_reader);
        while state.live_workers > allowed {
            state = state.wait_on(&self.shared.reaped);
        }
        let (own, others): (Vec<WatcherThread>, Vec<WatcherThread>) =
            std::mem::take(&mut state.threads)
                .into_iter()
                .partition(|thread| thread.handle.thread().id() == me || thread.reader == me);
        state.threads = own;
        drop(state);
        for WatcherThread { handle, .. } in others {
            // Each has reaped its worker; it only has to return.
            let _ = handle.join();
        }
    }
}

impl Executor for ProcessPoolExecutor {
    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let cancelled = {
            let mut state = self.shared.lock();
            state.shutdown = true;
            let mut cancelled = if cancel_futures {
                std::mem::take(&mut state.queue)
            } else {
                VecDeque::new()
            };
            // Requests whose futures were all cancelled (say, by a dropped `map`) will never
            // run: without them the queue may be empty, and idle workers can exit now. They
            // are dropped after the lock, with the rest.
            let (dead, live): (VecDeque<Queued>, VecDeque<Queued>) =
                std::mem::take(&mut state.queue)
                    .into_iter()
                    .partition(|queued| queued.sink.all_cancelled());
            state.queue = live;
            cancelled.extend(dead);
            // Idle workers exit now; busy ones when their reader sees them idle.
            release_idle_workers(&mut state);
            cancelled
        };
        for queued in cancelled {
            queued.sink.cancel();
        }
        if wait {
            self.join_watchers();
        }
    }
}

impl Default for ProcessPoolExecutor {
    /// A pool of `available_parallelism` processes, Python's default (CPU-bound work gains
    /// nothing from more processes than cores).
    fn default() -> Self {
        Self::builder()
            .build()
            .unwrap_or_else(|_| unreachable!("the default worker count is at least 1"))
    }
}

impl Drop for ProcessPoolExecutor {
    /// Leaving Python's `with` block: `shutdown(wait = true)`, so every worker is reaped.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.shared.max_workers)
            .field("worker_pids", &self.worker_pids())
            .finish_non_exhaustive()
    }
}
