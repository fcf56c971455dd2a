//! The loop each pool thread runs: Python's `_worker` function.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crossbeam_channel::Receiver;

use super::Shared;
use super::job::BoxedJob;
use crate::errors::{TaskError, panic_message};

/// Runs the initializer, then jobs until the queue is closed and empty.
pub(super) fn run(shared: Arc<Shared>, jobs: Receiver<BoxedJob>) {
    if let Some(initializer) = &shared.initializer {
        let outcome = catch_unwind(AssertUnwindSafe(initializer)).unwrap_or_else(|payload| {
            Err(format!("it panicked: {}", panic_message(payload.as_ref())))
        });
        if let Err(reason) = outcome {
            initializer_failed(&shared, &jobs, &reason);
            return;
        }
    }
    // `recv` fails only once every sender is gone (shutdown) *and* the queue is empty, so
    // everything submitted before shutdown still runs, as in Python.
    while let Ok(job) = jobs.recv() {
        // The job marks this thread idle (for `submit` to reuse) once its task has returned.
        job.run(&shared.idle);
    }
}

/// Python's `_initializer_failed`: mark the pool broken, then fail every queued task.
fn initializer_failed(shared: &Shared, jobs: &Receiver<BoxedJob>, reason: &str) {
    let reason: Arc<str> =
        format!("a thread initializer failed, the thread pool is not usable anymore ({reason})")
            .into();
    eprintln!("executor-core: {reason}");
    shared.mark_broken(Arc::clone(&reason));
    // No new job can enter the queue once the pool is marked broken (submit checks under the
    // same lock), so this drains it for good. Other workers may take some jobs meanwhile; those
    // just run, as they would in Python.
    while let Ok(job) = jobs.try_recv() {
        job.fail(TaskError::BrokenThreadPool {
            reason: Arc::clone(&reason),
        });
    }
}
