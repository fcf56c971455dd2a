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
//! # Locks
//!
//! One `Mutex<State>` guards the queue, the workers (their request channels and the futures they
//! are running), the shutdown flag and the broken reason. Requests are written to a worker's
//! pipe under it, so such a write must never wait for long. A worker reads its pipe only between
//! tasks (`worker.rs`): while it runs one, what is written to it stays in the pipe's buffer, and
//! a write that does not fit there would wait for the task to end, holding the lock, and with it
//! every `submit`, every other worker's results and `kill_workers`. So a busy worker is sent
//! only what surely fits ([`PIPE_BUDGET`] bytes beyond the request it is running); an idle one,
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

mod function;
mod protocol;
mod reader;
mod sink;
mod sys;
mod watcher;
mod worker;

use std::collections::VecDeque;
use std::fmt;
use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle, ThreadId};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use function::{Call, Function, RemoteFunction, Types};
pub use worker::run_worker_if_child;

use crate::errors::{BuildError, SubmitError, TaskError};
use crate::executor::{Executor, MapFn, Task};
use crate::future::Future;
use crate::implementer::{self, Completer};
use function::serialization_error;
use protocol::Request;
use sink::{Completers, Sink};

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
    max_workers: usize,
    max_tasks_per_child: Option<NonZeroUsize>,
    /// The initializer's function name and encoded arguments (or why they did not encode).
    initializer: Option<(&'static str, Result<Vec<u8>, TaskError>)>,
}

/// Guarded by `Shared::state`; see "Locks" in the module docs.
pub(crate) struct State {
    /// Requests submitted and not yet written to a worker.
    queue: VecDeque<Queued>,
    workers: Vec<WorkerSlot>,
    /// Watcher threads to join at shutdown.
    threads: Vec<WatcherThread>,
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

/// After shutdown, once the queue is empty, an idle worker will never get another request:
/// closing its pipe tells it to exit. (A busy one is closed the same way once it is idle; a
/// request dropped because its futures were cancelled can make the queue empty at any time,
/// so every dispatch ends with this.)
fn release_idle_workers(state: &mut State) {
    if state.shutdown && state.queue.is_empty() {
        for worker in &mut state.workers {
            if worker.in_flight.is_empty() {
                worker.requests = None;
            }
        }
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
    /// The size of its frame on the pipe, for [`PIPE_BUDGET`].
    bytes: usize,
    sink: Box<dyn Sink>,
}

/// How many bytes of requests a busy worker may have waiting in its channel: one page, the
/// least the channel surely holds (a Linux pipe holds 64 KiB normally, one page when the user's
/// pipes use too much memory; a Unix socket's buffer is larger still, 8 KiB on macOS; the pool
/// asks Windows for 64 KiB pipes). A write within it never blocks, whatever the worker does.
const PIPE_BUDGET: usize = 4096;

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // No user code runs under this lock, so it is never poisoned by a task; recover anyway.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands queued requests to workers, and starts a worker if requests are left over and the
    /// limit allows (Python's `_adjust_process_count`, one process per call). `feed_busy` also
    /// tops up workers that are running something (the reader threads do that, in batches).
    fn dispatch(self: &Arc<Self>, state: &mut State, feed_busy: bool) -> Result<(), SubmitError> {
        let workers = state.workers.len().max(1);
        for index in 0..state.workers.len() {
            if state.queue.is_empty() {
                break;
            }
            // How many requests a worker may hold: one while the queue is short, so that long
            // tasks spread evenly over the workers; up to 64 when it is long, so that a flood
            // of small tasks travels in big writes. Written requests can no longer be
            // cancelled or moved to another worker; that is the price of the batches.
            let target = if feed_busy || state.workers[index].in_flight.is_empty() {
                1 + (state.queue.len() / (workers * 8)).min(63)
            } else {
                0
            };
            self.feed(state, index, target);
        }
        if !state.queue.is_empty()
            && state.workers.len() < self.max_workers
            && state.broken.is_none()
        {
            let index = watcher::start_worker(self, state)?;
            self.feed(state, index, 1);
        }
        release_idle_workers(state);
        Ok(())
    }

    /// Writes up to `target - in_flight` queued requests to worker `index`, in one write, as
    /// far as [`PIPE_BUDGET`] allows (see "Locks" in the module docs).
    fn feed(&self, state: &mut State, index: usize, target: usize) {
        let mut frames = Vec::new();
        let mut written: Vec<InFlight> = Vec::new();
        loop {
            let worker = &state.workers[index];
            let tasks_left = self
                .max_tasks_per_child
                .is_none_or(|max| worker.sent + written.len() < max.get());
            if worker.requests.is_none()
                || worker.in_flight.len() + written.len() >= target
                || !tasks_left
            {
                break;
            }
            let Some(next) = state.queue.front() else {
                break;
            };
            // The oldest request the worker holds is the one it runs (read whole) or is reading,
            // so the first request of an idle worker may be of any size. Every later one may
            // sit unread in the pipe, and together they must fit in what it surely holds.
            let mut held = worker.in_flight.iter().chain(&written);
            let busy = held.next().is_some();
            let unread: usize = held.map(|request| request.bytes).sum();
            if busy && unread + next.frame_bound() > PIPE_BUDGET {
                break;
            }
            let Some(mut queued) = state.queue.pop_front() else {
                break;
            };
            if !queued.sink.start(&mut queued.args) {
                continue; // every future of it was cancelled while queued
            }
            let id = state.next_request;
            state.next_request += 1;
            let request = Request::Run {
                id,
                function: queued.function.to_owned(),
                args: queued.args,
            };
            let before = frames.len();
            if let Err(error) = protocol::encode_into(&request, &mut frames) {
                queued.sink.fail(serialization_error(error));
                continue;
            }
            written.push(InFlight {
                id,
                bytes: frames.len() - before,
                sink: queued.sink,
            });
        }
        let worker = &mut state.workers[index];
        if let (Some(requests), false) = (&mut worker.requests, frames.is_empty()) {
            // An error means the worker is dead or dying: its watcher will see it and break the
            // pool, failing these requests with the others.
            let _ = requests.write_all(&frames);
        }
        worker.sent += written.len();
        worker.in_flight.extend(written);
        let retire = self
            .max_tasks_per_child
            .is_some_and(|max| worker.sent >= max.get());
        if retire {
            // Closing the pipe tells the worker to exit after its last result; its watcher
            // then starts a replacement if work is waiting.
            worker.requests = None;
        }
    }

    /// Marks the pool broken, kills the workers and takes every unfinished request, to be failed
    /// by the caller once the lock is released.
    fn break_pool(&self, state: &mut State, reason: Arc<str>) -> Vec<Box<dyn Sink>> {
        state.broken.get_or_insert(reason);
        let mut sinks: Vec<Box<dyn Sink>> = state.queue.drain(..).map(|q| q.sink).collect();
        for worker in &mut state.workers {
            worker.requests = None;
            sinks.extend(worker.in_flight.drain(..).map(|r| r.sink));
            if !worker.exited {
                sys::kill(worker.process);
            }
        }
        sinks
    }
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

    fn submit_queued(&self, queued: Queued, types: Types) -> Result<(), SubmitError> {
        let Some(registry) = function::registry() else {
            return Err(SubmitError::NoWorkerHook);
        };
        function::check_registered(registry, queued.function, types)?;
        let mut state = self.shared.lock();
        if let Some(reason) = &state.broken {
            return Err(SubmitError::BrokenProcessPool {
                reason: Arc::clone(reason),
            });
        }
        if state.shutdown {
            return Err(SubmitError::Shutdown);
        }
        state.queue.push_back(queued);
        if let Err(error) = self.shared.dispatch(&mut state, false) {
            // No worker could start. With workers running, they will get to the request; with
            // none, it would wait forever: take it back and refuse it.
            if state.workers.is_empty() {
                let refused = state.queue.pop_back();
                drop(state);
                drop(refused);
                return Err(error);
            }
        }
        Ok(())
    }

    /// Waits for every watcher thread (and so every worker process) to finish.
    fn join_watchers(&self) {
        let me = thread::current().id();
        loop {
            let threads = std::mem::take(&mut self.shared.lock().threads);
            if threads.is_empty() {
                return;
            }
            for WatcherThread { handle, reader } in threads {
                // A done-callback that shuts the pool down runs on a reader thread (or on a
                // watcher, when a worker dies): it must not wait for its own thread, nor for
                // the watcher that waits for it.
                if handle.thread().id() != me && reader != me {
                    let _ = handle.join();
                }
            }
        }
    }
}

/// Encodes the arguments of one call; a failure becomes a future failed at once. (Postcard
/// keeps no custom message, so the error says whose arguments failed.)
fn encode_args<A: Serialize>(name: &str, args: &A) -> Result<Vec<u8>, TaskError> {
    postcard::to_allocvec(args).map_err(|error| {
        serialization_error(format!(
            "could not encode the arguments of `{name}`: {error}"
        ))
    })
}

fn failed_future<R>(error: TaskError) -> Future<R> {
    let (future, completer) = implementer::new_future();
    // A brand-new future cannot be in a final state, so this cannot fail.
    let _ = completer.set_exception(error);
    future
}

impl<A, R> Task<ProcessPoolExecutor> for Call<A, R>
where
    A: Serialize + Send + 'static,
    R: DeserializeOwned + Send + 'static,
{
    type Output = R;

    fn submit_to(self, executor: &ProcessPoolExecutor) -> Result<Future<R>, SubmitError> {
        let args = match encode_args(self.function.name(), &self.args) {
            Ok(args) => args,
            // Only this future fails, like a PicklingError in Python; the pool is untouched.
            Err(error) => return Ok(failed_future(error)),
        };
        let (future, completer) = implementer::new_future();
        executor.submit_queued(
            Queued {
                function: self.function.name(),
                args: vec![args],
                sink: Box::new(Completers {
                    completers: vec![completer],
                }),
            },
            self.function.types(),
        )?;
        Ok(future)
    }
}

impl<A, R> MapFn<ProcessPoolExecutor, A> for Function<A, R>
where
    A: Serialize + Send + 'static,
    R: DeserializeOwned + Send + 'static,
{
    type Output = R;

    fn submit_item(
        self: Arc<Self>,
        executor: &ProcessPoolExecutor,
        item: A,
    ) -> Result<Future<R>, SubmitError> {
        self.call(item).submit_to(executor)
    }

    /// One request for the whole chunk: one message each way, however many items.
    fn submit_chunk(
        self: Arc<Self>,
        executor: &ProcessPoolExecutor,
        items: Vec<A>,
    ) -> Result<Vec<Future<R>>, SubmitError> {
        let mut futures = Vec::with_capacity(items.len());
        let mut args = Vec::with_capacity(items.len());
        let mut completers: Vec<Completer<R>> = Vec::with_capacity(items.len());
        for item in &items {
            match encode_args(self.name(), item) {
                Ok(encoded) => {
                    let (future, completer) = implementer::new_future();
                    futures.push(future);
                    args.push(encoded);
                    completers.push(completer);
                }
                Err(error) => futures.push(failed_future(error)),
            }
        }
        if !completers.is_empty() {
            executor.submit_queued(
                Queued {
                    function: self.name(),
                    args,
                    sink: Box::new(Completers { completers }),
                },
                self.types(),
            )?;
        }
        Ok(futures)
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

/// Builds a [`ProcessPoolExecutor`] with Python's keyword arguments: `max_workers`,
/// `initializer`, `max_tasks_per_child`.
#[derive(Default)]
#[must_use = "call `build()` to get the pool"]
pub struct ProcessPoolBuilder {
    max_workers: Option<usize>,
    max_tasks_per_child: Option<NonZeroUsize>,
    initializer: Option<(&'static str, Result<Vec<u8>, TaskError>)>,
}

impl ProcessPoolBuilder {
    /// The most processes to run at once; default `available_parallelism`.
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = Some(max_workers);
        self
    }

    /// Replaces a worker by a fresh process after it has run `tasks` requests (a `map` chunk
    /// counts as one), as Python's `max_tasks_per_child` does: a cure for leaks in task code.
    pub fn max_tasks_per_child(mut self, tasks: NonZeroUsize) -> Self {
        self.max_tasks_per_child = Some(tasks);
        self
    }

    /// Runs `call` first thing in every worker process. If it returns `Err` or panics, the
    /// pool breaks: queued and later tasks fail with `BrokenProcessPool`, as in Python.
    pub fn initializer<A: Serialize>(mut self, call: Call<A, Result<(), String>>) -> Self {
        self.initializer = Some((
            call.function.name(),
            encode_args(call.function.name(), &call.args),
        ));
        self
    }

    /// Creates the pool; no process starts until the first `submit`.
    pub fn build(self) -> Result<ProcessPoolExecutor, BuildError> {
        let max_workers = self
            .max_workers
            .unwrap_or_else(|| thread::available_parallelism().map_or(1, usize::from));
        if max_workers == 0 {
            return Err(BuildError::ZeroWorkers);
        }
        // An initializer whose arguments do not encode breaks the pool when the first worker
        // would start, as a failing initializer does.
        let initializer = self.initializer;
        Ok(ProcessPoolExecutor {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    workers: Vec::new(),
                    threads: Vec::new(),
                    shutdown: false,
                    broken: None,
                    terminated: None,
                    next_request: 0,
                    next_worker: 0,
                    processes_started: 0,
                }),
                max_workers,
                max_tasks_per_child: self.max_tasks_per_child,
                initializer,
            }),
        })
    }
}

impl fmt::Debug for ProcessPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessPoolBuilder")
            .field("max_workers", &self.max_workers)
            .field("max_tasks_per_child", &self.max_tasks_per_child)
            .field(
                "initializer",
                &self.initializer.as_ref().map(|(name, _)| name),
            )
            .finish()
    }
}
