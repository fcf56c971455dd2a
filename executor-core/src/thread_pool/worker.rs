//! The loop each pool thread runs: Python's `_worker` function.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

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
/// An idle worker first *spins and yields* for a few microseconds, if no other worker already does
/// (`spin::snooze_until`), and only then sleeps. When tasks arrive in a steady stream (the
/// benchmark's million submits, or `map` over a long input), the spinner catches the next one
/// without a sleep and a wake-up, which cost a context switch each and made the pool 3–4 times
/// slower in our measurements (README.md, "Speed"). One spinner is enough to catch a stream and
/// leaves the other CPUs to the submitting thread; the others sleep on the condition variable.
fn next_job(shared: &Shared) -> Option<QueuedJob> {
    let mut state = shared.lock();
    // Spin at most once per wait: a worker whose spin found nothing goes to sleep. (Spinning again
    // and again would keep one CPU busy for as long as the pool sits idle, which for an I/O-bound
    // pool is most of the time.)
    let mut may_spin = true;
    loop {
        if let Some(job) = state.queue.pop_front() {
            shared.queued.store(state.queue.len(), Ordering::Relaxed);
            // A burst arrived while a spinner was expected to take it: pass the wake-up on,
            // so that the queued jobs do not wait for this one to finish.
            if !state.queue.is_empty() && !state.spinning && state.take_sleeper() {
                shared.work_available.notify_one();
            }
            return Some(job);
        }
        if state.shutdown {
            return None;
        }
        if may_spin && !state.spinning {
            may_spin = false;
            state.spinning = true;
            drop(state);
            crate::spin::snooze_until(|| shared.queued.load(Ordering::Relaxed) > 0);
            state = shared.lock();
            state.spinning = false;
            continue;
        }
        // The emptiness check above and this wait happen under one lock hold, and `submit`
        // pushes under the same lock, so a job cannot arrive unseen in between.
        state.sleeping += 1;
        state = shared
            .work_available
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
        // `submit` already took us off `sleeping` when it notified. A spurious wake-up leaves
        // the count one too high, which costs one needless notification later, nothing more.
        // Woken, a worker may spin once more: the stream of tasks may have resumed.
        may_spin = true;
    }
}

/// Python's `_initializer_failed`: mark the pool broken, then fail every queued task.
fn initializer_failed(shared: &Shared, reason: &str) {
    let reason: Arc<str> =
        format!("a thread initializer failed, the thread pool is not usable anymore ({reason})")
            .into();
    eprintln!("executor-core: {reason}");
    // Marking the pool broken and emptying the queue happen under one lock hold: `submit`
    // checks the mark under that lock, so no job can enter the queue afterwards. Jobs other
    // workers already took just run, as they would in Python.
    let queued = {
        let mut state = shared.lock();
        state.broken.get_or_insert_with(|| Arc::clone(&reason));
        std::mem::take(&mut state.queue)
    };
    // Failing a future runs its callbacks, user code: outside the lock.
    for job in queued {
        job.fail(TaskError::BrokenThreadPool {
            reason: Arc::clone(&reason),
        });
    }
}
