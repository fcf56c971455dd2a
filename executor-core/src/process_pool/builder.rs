//! [`ProcessPoolBuilder`]: Python's keyword arguments to `ProcessPoolExecutor(...)` as a builder.

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use serde::Serialize;

use super::function::Call;
use super::submit::encode_args;
use super::{ProcessPoolExecutor, Shared, State};
use crate::errors::{BuildError, TaskError};

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
                reaped: Condvar::new(),
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    deferred: Vec::new(),
                    workers: Vec::new(),
                    threads: Vec::new(),
                    live_workers: 0,
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
