//! The loop each pool thread runs: Python's `_worker` function.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use super::Shared;
use super::job::QueuedJob;
use crate::errors::{TaskError, panic_message};

/// Runs the initializer, then jobs until the pool is shut down and the queue is empty.
pub(super) fn run(shared: &Shared) {
    if let Some(initializer) = &shared.initializer {
        let outcome = catch_unwind(AssertUnwindSafe(initializer)).unwrap_or_else(|payload| {
            Err(format!("it panicked: {}", panic_message(payload.as_ref())))
        });
        if let Err(reason) = outcome {
            initializer_failed(shared, &reason);
            return;
        }
    }
    // Everything queued before shutdown still runs, as in Python.
    while let Some(job) = next_job(shared) {
        // The job marks this thread idle (for `submit` to reuse) once its task has returned.
        job.run(&shared.idle);
    }
}

/// Pops the next job, waiting while the queue is empty; `None` once shut down and drained.
///
/// An idle worker first *spins and yields* for a few microseconds, if no other worker already does,
/// and only then sleeps ([`Sleep::wait_for_work`](super::sleep::Sleep::wait_for_work)). When tasks
/// arrive in a steady stream (the benchmark's million submits, or `map` over a long input), the
/// spinner catches the next one without a sleep and a wake-up, which cost a context switch each
/// and made the pool 3–4 times slower in our measurements (README.md, "Speed"). One spinner is
/// enough to catch a stream and leaves the other CPUs to the submitting thread.
fn next_job(shared: &Shared) -> Option<QueuedJob> {
    let mut may_spin = true;
    loop {
        if let Some(job) = shared.pop() {
            // A burst arrived while a spinner was expected to take it: pass the wake-up on, so
            // that the queued jobs do not wait for this one to finish.
            if !shared.queue.is_empty() {
                shared.sleep.spread_burst();
            }
            return Some(job);
        }
        if shared.gate.is_drained() {
            // Drained, so nothing can be pushed any more; a push that landed between the `pop`
            // above and that check is caught by this last look.
            return shared.pop();
        }
        shared
            .sleep
            .wait_for_work(&mut may_spin, || shared.has_work());
    }
}

/// Python's `_initializer_failed`: mark the pool broken, then fail every queued task.
fn initializer_failed(shared: &Shared, reason: &str) {
    let reason: Arc<str> =
        format!("a thread initializer failed, the thread pool is not usable anymore ({reason})")
            .into();
    eprintln!("executor-core: {reason}");
    // Mark the pool broken first, then close the gate: a submit refused by the closed gate
    // finds the reason already set (the gate's Acquire/Release pair carries it). Once `close`
    // returns no job can enter the queue, so emptying it fails every job nobody will run. Jobs
    // other workers already took just run, as they would in Python.
    let _ = shared.broken.set(Arc::clone(&reason));
    shared.gate.close();
    shared.sleep.wake_all();
    while let Some(job) = shared.pop() {
        // Failing a future runs its callbacks, user code: no lock is held here.
        job.fail(TaskError::BrokenThreadPool {
            reason: Arc::clone(&reason),
        });
    }
}
