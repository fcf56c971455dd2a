//! The loop each pool thread runs: Python's `_worker` function.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crossbeam_deque::Worker;

use super::Shared;
use super::job::QueuedJob;
use crate::errors::{TaskError, panic_message};

/// Runs the initializer, then jobs until the pool is shut down and every queue is empty. `own`
/// is this worker's queue of jobs taken in a batch ([`local`](super::local)).
pub(super) fn run(shared: &Shared, own: Worker<QueuedJob>) {
    if let Some(initializer) = &shared.initializer {
        let outcome = catch_unwind(AssertUnwindSafe(initializer)).unwrap_or_else(|payload| {
            Err(format!("it panicked: {}", panic_message(payload.as_ref())))
        });
        if let Err(reason) = outcome {
            initializer_failed(shared, &reason);
            return;
        }
    }
    // A private deque that a batch lands in before it is counted and moved to `own`.
    let landing = Worker::new_fifo();
    // Everything queued before shutdown still runs, as in Python.
    while let Some(job) = next_job(shared, &own, &landing) {
        // The job marks this thread idle (for `submit` to reuse) once its task has returned.
        // A worker with jobs of its own batch left is not idle, but that needs no check here:
        // workers take batches only once every thread has started, and from then on the idle
        // count is frozen ([`idle`](super::idle)).
        catching_panics(|| job.run(&shared.idle));
    }
}

/// Runs `f`, reporting a panic on stderr instead of letting it unwind any further.
///
/// A task's own panic is caught where the task runs and becomes its future's error. But user
/// code also runs around the task: the `Drop` of what a cancelled task captured, or of a result
/// whose futures are all gone. (Wakers and done-callbacks are caught one by one where they are
/// called, so that the others still run.) A panic there must neither kill the worker (the pool
/// would silently lose a thread, and a pool of one would hang) nor escape `shutdown` halfway
/// through cancelling. By then the job's future is already final and
/// the worker's idle count already taken, so nothing is left half done.
pub(super) fn catching_panics(f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        eprintln!(
            "executor-core: code run around a task (the Drop of what it captured or returned) panicked: {}",
            panic_message(payload.as_ref())
        );
    }
}

/// The next job: from this worker's own queue, else from a peer's, else a batch from the shared
/// queue, waiting while there is none; `None` once shut down and drained.
///
/// An idle worker first *spins and yields* for a few microseconds, if no other worker already does,
/// and only then sleeps ([`Sleep::wait_for_work`](super::sleep::Sleep::wait_for_work)). When tasks
/// arrive in a steady stream (the benchmark's million submits, or `map` over a long input), the
/// spinner catches the next one without a sleep and a wake-up, which cost a context switch each
/// and made the pool 3–4 times slower in our measurements (README.md, "Speed"). One spinner is
/// enough to catch a stream and leaves the other CPUs to the submitting thread.
fn next_job(
    shared: &Shared,
    own: &Worker<QueuedJob>,
    landing: &Worker<QueuedJob>,
) -> Option<QueuedJob> {
    if let Some(job) = shared.locals.pop_own(own) {
        return Some(job);
    }
    let mut may_spin = true;
    loop {
        if let Some(job) = take(shared, own, landing) {
            return Some(job);
        }
        if shared.gate.is_drained() {
            // Drained, so nothing can be pushed any more; a push that landed between the look
            // above and that check is caught by this last one.
            return take(shared, own, landing);
        }
        shared
            .sleep
            .wait_for_work(&mut may_spin, || shared.has_work());
    }
}

/// One look for work, `own` being empty: a job a peer took in a batch (those left the shared
/// queue before anything still in it), else a batch from the shared queue.
fn take(
    shared: &Shared,
    own: &Worker<QueuedJob>,
    landing: &Worker<QueuedJob>,
) -> Option<QueuedJob> {
    if let Some(job) = shared.locals.steal() {
        // More jobs waiting? Pass the wake-up on, so that they do not wait for this one.
        if shared.locals.any_lent() || !shared.queue.is_empty() {
            shared.sleep.spread_burst();
        }
        return Some(job);
    }
    // No batches while the pool is still starting threads: then every `submit` that finds no
    // idle thread starts one for its job, and a batch would take jobs away from the threads
    // being started for them. (With 676 threads starting, `flags2-threadpool -e -m 1000`, the
    // stealing that followed cost more than the batches saved.)
    //
    // A batch lands in the private `landing` deque first, so that its size is known exactly
    // (peers may steal from `own` the moment a job is in it, and the count must not miss those).
    let job = if shared.idle.are_all_started() {
        shared.pop_batch(landing)?
    } else {
        shared.pop()?
    };
    let lent = landing.len();
    if lent > 0 {
        while let Some(next) = landing.pop() {
            own.push(next);
        }
        // Counted after the pushes: the count's read-modify-write then finds the pushes already
        // written, and the fence below has nothing left to wait for. (Counting first cost a
        // fifth of the 1M-task throughput.) A peer may steal a job before it is counted: the
        // count dips for a moment, which `Lent` allows for.
        shared.locals.lend(lent);
        // Announced like a submit (a fenced wake-up): a peer about to sleep either sees these
        // jobs or is woken to steal them, so none waits behind this worker's task.
        shared.sleep.work_queued();
    } else if !shared.queue.is_empty() {
        // A burst arrived while a spinner was expected to take it: pass the wake-up on.
        shared.sleep.spread_burst();
    }
    Some(job)
}

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
