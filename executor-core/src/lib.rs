//! Python's `concurrent.futures` in Rust: [`Future`], [`ThreadPoolExecutor`],
//! [`ProcessPoolExecutor`], [`wait`](fn@crate::wait), [`as_completed`](fn@crate::as_completed)
//! and [`Executor::map`], the machinery under every downloader in this workspace.
//!
//! A student holding the Python documentation finds each name here with the same meaning (see the
//! table); a Rust engineer finds a small, documented, loom-checked crate. Try
//! `cargo run -p executor-core --example demo_executor_map` for `demo_executor_map.py`'s twin.
//!
//! ```
//! use executor_core::{as_completed, Executor, ThreadPoolExecutor};
//!
//! let executor = ThreadPoolExecutor::new(3)?;
//! let futures: Vec<_> = ["BR", "CN", "IN", "US"]
//!     .into_iter()
//!     .map(|cc| executor.submit(move || format!("{}.gif", cc.to_lowercase())))
//!     .collect::<Result<_, _>>()?;
//! for future in as_completed(&futures, None) {
//!     let file = future?.result(None)?;
//!     assert!(file.ends_with(".gif"));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Python → Rust
//!
//! | Python (`concurrent.futures`)                 | Rust (`executor_core`)                                       |
//! |-----------------------------------------------|--------------------------------------------------------------|
//! | `Executor`                                    | [`Executor`] trait                                           |
//! | `executor.submit(fn, *args)`                  | [`executor.submit(move \|\| fn(args))`](Executor::submit) → `Result<Future<T>, SubmitError>` |
//! | `ProcessPoolExecutor().submit(fn, *args)`     | [`executor.submit(FN.call(args))`](process_pool::Function::call), `FN` a registered [`Function`](process_pool::Function) |
//! | `executor.map(fn, it, timeout=t)`             | [`executor.map(fn, it, Some(t))`](Executor::map), items are `Result<T, FutureError>` |
//! | `executor.map(..., buffersize=n)` (3.14)      | [`executor.map_with(fn, it, MapOptions::new().buffersize(n))`](Executor::map_with) |
//! | `executor.shutdown(wait, cancel_futures=c)`   | [`executor.shutdown(wait, c)`](Executor::shutdown)           |
//! | `with ThreadPoolExecutor() as executor:`      | `let executor = ThreadPoolExecutor::default();` (drop = shutdown + wait) |
//! | `ThreadPoolExecutor(max_workers=n)`           | [`ThreadPoolExecutor::new(n)`](ThreadPoolExecutor::new)      |
//! | `thread_name_prefix=`, `initializer=`         | [`ThreadPoolExecutor::builder()`](ThreadPoolExecutor::builder) |
//! | `ProcessPoolExecutor(max_workers=n)`          | [`ProcessPoolExecutor::new(n)`](ProcessPoolExecutor::new); `initializer=`, `max_tasks_per_child=`: [`builder()`](ProcessPoolExecutor::builder) |
//! | `if __name__ == '__main__':`                  | [`process_pool::run_worker_if_child(FUNCTIONS)`](process_pool::run_worker_if_child), first line of `main` |
//! | `executor.map(fn, it, chunksize=n)`           | [`executor.map_with(FN, it, MapOptions::new().chunksize(n))`](MapOptions::chunksize) |
//! | `executor.terminate_workers()` / `kill_workers()` (3.14) | [`terminate_workers()`](ProcessPoolExecutor::terminate_workers) / [`kill_workers()`](ProcessPoolExecutor::kill_workers) |
//! | `Future`                                      | [`Future<T>`](Future)                                        |
//! | `future.done()` / `running()` / `cancelled()` | [`done()`](Future::done) / [`running()`](Future::running) / [`cancelled()`](Future::cancelled) |
//! | `future.cancel()`                             | [`future.cancel()`](Future::cancel)                          |
//! | `future.result(timeout)`                      | [`future.result(timeout)`](Future::result) → `Result<&T, FutureError>`; [`into_result()`](Future::into_result) moves it out |
//! | `future.exception(timeout)`                   | [`future.exception(timeout)`](Future::exception)            |
//! | `future.add_done_callback(fn)`                | [`future.add_done_callback(fn)`](Future::add_done_callback) |
//! | `repr(future)`                                | `format!("{future}")`: `<Future at 0x… state=running>`       |
//! | `wait(fs, timeout, return_when)`              | [`wait(&fs, timeout, return_when)`](fn@wait) → [`DoneAndNotDone`] |
//! | `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED` | [`FIRST_COMPLETED`], [`FIRST_EXCEPTION`], [`ALL_COMPLETED`] ([`ReturnWhen`]) |
//! | `as_completed(fs, timeout)`                   | [`as_completed(&fs, timeout)`](fn@as_completed), items `Result<&Future<T>, AsCompletedTimeout>` |
//! | an exception raised by the task               | a panic: [`FutureError::Failed`]`(`[`TaskError::Panicked`]`)` |
//! | `CancelledError` / `TimeoutError`             | [`FutureError::Cancelled`] / [`FutureError::TimedOut`]       |
//! | `BrokenThreadPool`                            | [`SubmitError::BrokenThreadPool`], [`TaskError::BrokenThreadPool`] |
//! | `BrokenProcessPool`                           | [`SubmitError::BrokenProcessPool`], [`TaskError::BrokenProcessPool`] |
//! | `PicklingError`                               | [`TaskError::Serialization`] (for that future only)          |
//! | `RuntimeError` (submit after shutdown)        | [`SubmitError::Shutdown`]                                    |
//! | `InvalidStateError`                           | [`InvalidStateError`]                                        |
//! | `set_running_or_notify_cancel`, `set_result`, `set_exception` | [`implementer::Completer`]               |
//! | `asyncio.wrap_future(f)`, `await loop.run_in_executor(...)` | `future.await` (see [`Awaiting`])              |
//!
//! A task that returns a `Result` is not a failed task: `Err` is a value, and `result()` hands it
//! to you to match on. Only a panic (or a broken pool) makes a task *fail*.
//!
//! # Layout
//!
//! * `future/` — [`Future<T>`]: `state.rs` (the state machine), `waiters.rs` (done-callbacks and
//!   listeners), `signal.rs` (the listener `wait` and `as_completed` block on), `bridge.rs`
//!   (`.await` support).
//! * [`implementer`] — [`Completer`](implementer::Completer), the executor's side of a future.
//! * `executor.rs` — the [`Executor`] trait and what each executor accepts: [`Task`] (for
//!   `submit`), [`MapFn`] (for `map`), [`ClosureExecutor`] (executors that take closures);
//!   `map.rs` — [`Map`], the iterator behind `map`.
//! * `thread_pool/` — [`ThreadPoolExecutor`]: `mod.rs` (CPython's one-queue model first, then
//!   which file makes which part fast; submit, shutdown, builder), `job.rs`
//!   (Python's `_WorkItem`), `worker.rs` (Python's `_worker` loop), `local.rs` (each worker's
//!   short queue of jobs taken in a batch), `gate.rs` and `sleep.rs` (how shutdown and idle
//!   workers agree with `submit` without a shared lock), `idle.rs` (reusing idle threads).
//! * [`process_pool`] — [`ProcessPoolExecutor`]: `mod.rs` (the pool's state, shutdown),
//!   `builder.rs`, `submit.rs`, `dispatch.rs` (requests to workers, breaking the pool),
//!   `function.rs` (registered functions), `protocol.rs` (messages on the channel), `watcher.rs`
//!   and `reader.rs` (the parent's two threads per worker: its process, its results),
//!   `worker.rs` (the worker process), `sink.rs` (a request's futures), `sys/` (what differs
//!   between Unix and Windows).
//! * `wait.rs` — [`wait`](fn@crate::wait), and the registrations it shares with
//!   `as_completed.rs` ([`as_completed`](fn@crate::as_completed)).
//! * `errors.rs` — every error type. `spin.rs` — the brief spin before sleeping, shared by
//!   `result()` and idle workers. `sync.rs` — the std/loom switch for the loom models.
//! * Tests: `tests/it/` (one binary, a module per subject: `future`, `thread_pool` with `map`,
//!   `wait_and_as_completed`, `async_bridge`, `stress`), `tests/process_pool.rs` (its own `main`:
//!   the workers are that binary started again) and `tests/loom.rs` (the loom models).
//!
//! # Threads or processes?
//!
//! One `submit` interface, two kinds of task: a closure for [`ThreadPoolExecutor`], a
//! [`Call`](process_pool::Call) of a registered function for [`ProcessPoolExecutor`] (a closure
//! cannot travel to another process, as a lambda cannot be pickled; DESIGN.md §8 explains the
//! [`Task`] trait that expresses this). Both give the same [`Future<T>`], so one
//! [`as_completed`](fn@crate::as_completed) can wait on futures from both pools.
//!
//! In Python, processes are how CPU-bound work escapes the GIL. Rust has no GIL: threads already
//! run CPU-bound code in parallel, so the `proc_pool` example (`proc_pool.py`'s twin) and its
//! thread version `thread_pool_primes` finish in about the same time: on the 2-core reference
//! machine, 1.7–2.1 s with one worker and 0.9–1.1 s with two, either way (Python's
//! `proc_pool.py`: 14.4 s and 7.4 s). README.md, "Processes", has the details.
//! What processes buy in Rust is **isolation**: a task that aborts, leaks or corrupts memory
//! takes down one worker, and the pool reports
//! [`BrokenProcessPool`](TaskError::BrokenProcessPool) instead of dying. What they cost is
//! serialisation and start-up: a no-op round trip through a worker takes 10–16 µs instead of
//! 1–2 µs on a thread, and starting a pool about a millisecond.
//!
//! Futures are sound `HashMap` keys (they hash by identity), but clippy's `mutable_key_type`
//! sees their interior mutability; a crate that keys maps by futures adds
//! `ignore-interior-mutability = ["executor_core::Future"]` to its `clippy.toml`, as this one does.
//!
//! `DESIGN.md` beside `Cargo.toml` explains the state machine, the locks and the atomic orderings;
//! `tests/loom.rs` checks them (`RUSTFLAGS="--cfg executor_core_loom" cargo test -p executor-core
//! --release --test loom`).

#![deny(missing_docs)]

mod as_completed;
mod errors;
mod executor;
mod future;
pub mod implementer;
mod map;
pub mod process_pool;
mod spin;
mod sync;
mod thread_pool;
mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use errors::{
    AsCompletedTimeout, BuildError, FutureError, InvalidStateError, SubmitError, TaskError,
};
pub use executor::{ClosureExecutor, Executor, MapFn, Task};
pub use future::{Awaiting, Future};
pub use map::{Map, MapOptions};
pub use process_pool::{ProcessPoolBuilder, ProcessPoolExecutor};
pub use thread_pool::{ThreadPoolBuilder, ThreadPoolExecutor, default_max_workers};
pub use wait::{DoneAndNotDone, ReturnWhen, wait};

/// Compiles and runs the Rust listings of README.md as doctests, so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Python's `FIRST_COMPLETED`: [`wait`](fn@crate::wait) returns when any future is done.
pub const FIRST_COMPLETED: ReturnWhen = ReturnWhen::FirstCompleted;
/// Python's `FIRST_EXCEPTION`: [`wait`](fn@crate::wait) returns when any future fails, or all are done.
pub const FIRST_EXCEPTION: ReturnWhen = ReturnWhen::FirstException;
/// Python's `ALL_COMPLETED`: [`wait`](fn@crate::wait) returns when every future is done.
pub const ALL_COMPLETED: ReturnWhen = ReturnWhen::AllCompleted;
