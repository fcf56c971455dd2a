//! How idle workers wait for work and how `submit` wakes them: at most one worker spins, the
//! others sleep on a condition variable, and `submit` makes a wake-up system call only when
//! nobody spins and somebody sleeps.
//!
//! The queue itself is lock-free, so "is there work?" and "is anyone asleep?" are two different
//! memory locations, written by two different threads: the classic lost wake-up trap. A worker
//! going to sleep writes the sleeper count, then reads the queue; a submitter writes the queue,
//! then reads the sleeper count. With a `SeqCst` fence between the write and the read on *both*
//! sides, at least one of them sees the other's write (the fences are totally ordered, and
//! whichever comes second sees what came before the first): either the worker finds the job and
//! does not sleep, or the submitter finds the sleeper and wakes it. The loom model
//! `a_pushed_job_always_finds_a_worker` (`loom_models.rs`) checks exactly that.
//!
//! The sleeper count is changed only under its mutex, which the sleeping worker holds from counting
//! itself until the condition variable releases it: a submitter that saw the count must take the
//! lock to notify, and by then the worker is really waiting.

use crate::spin;
use crate::sync::{AtomicBool, AtomicUsize, Condvar, Mutex, Ordering, fence, lock};

/// The sleeping and spinning workers of one pool.
pub(crate) struct Sleep {
    /// Workers waiting on `wake` and not yet notified. Guarded by the mutex; see the module docs.
    sleepers: Mutex<usize>,
    /// The same count, mirrored for `work_queued` to read without taking the lock.
    sleepers_hint: AtomicUsize,
    /// A worker is spinning for work (at most one at a time) and will find the next job without
    /// being woken.
    spinning: AtomicBool,
    wake: Condvar,
}

impl Sleep {
    pub(crate) fn new() -> Self {
        Sleep {
            sleepers: Mutex::new(0),
            sleepers_hint: AtomicUsize::new(0),
            spinning: AtomicBool::new(false),
            wake: Condvar::new(),
        }
    }

    /// Called by `submit` after pushing a job: makes sure some worker will look at the queue.
    pub(crate) fn work_queued(&self) {
        // The submitter's half of the fence pair (module docs). After it, Relaxed loads suffice:
        // the fence, not the loads, orders them after the push.
        fence(Ordering::SeqCst);
        self.wake_one_unless_spinning();
    }

    /// Called by a worker that popped a job and saw more queued: wakes another worker, so that
    /// a burst is spread out instead of waiting for this worker to finish its job.
    ///
    /// No fence here, unlike [`work_queued`](Sleep::work_queued): this wake-up only adds
    /// parallelism. If it is missed, no job is stranded, because this worker comes back to the
    /// queue after its job anyway.
    pub(crate) fn spread_burst(&self) {
        self.wake_one_unless_spinning();
    }

    fn wake_one_unless_spinning(&self) {
        // A spinner always looks at the queue again after it stops spinning, so no wake-up is
        // needed while one spins: in a steady stream of submits, this check is the only cost.
        if self.spinning.load(Ordering::Relaxed) || self.sleepers_hint.load(Ordering::Relaxed) == 0
        {
            return;
        }
        let mut sleepers = lock(&self.sleepers);
        if *sleepers == 0 {
            return;
        }
        // Counted out here, not by the worker once it runs, so that the next submit wakes a
        // different sleeper instead of notifying this one again. A spurious wake-up leaves the
        // count one too high, which costs one needless notification later, nothing more.
        *sleepers -= 1;
        self.sleepers_hint.store(*sleepers, Ordering::Relaxed);
        drop(sleepers);
        // Notify after unlocking, so the woken worker does not block at once on our lock.
        self.wake.notify_one();
    }

    /// Waits until `has_work()` might be true: spins (`spin::snooze_until`) if `may_spin` and no
    /// other worker spins, else sleeps until woken. Returns without waiting if `has_work()`.
    ///
    /// The caller must look at the queue again afterwards: this only says work *might* be there
    /// (another worker may have taken it first). `may_spin` is cleared after a spin and set
    /// after a sleep, so that a worker whose spin found nothing goes to sleep, rather than keep a
    /// CPU busy for as long as the pool is idle.
    pub(crate) fn wait_for_work(&self, may_spin: &mut bool, has_work: impl Fn() -> bool) {
        if *may_spin
            && self
                .spinning
                .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            *may_spin = false;
            spin::snooze_until(&has_work);
            self.spinning.store(false, Ordering::Relaxed);
            // A submitter that saw `spinning` still true skipped its wake-up, counting on us: this
            // fence pairs with its fence so that the caller's next look at the queue sees its job.
            fence(Ordering::SeqCst);
            return;
        }
        let mut sleepers = lock(&self.sleepers);
        *sleepers += 1;
        self.sleepers_hint.store(*sleepers, Ordering::Relaxed);
        // The worker's half of the fence pair (module docs).
        fence(Ordering::SeqCst);
        if has_work() {
            // Nobody can have counted us out: that needs the lock we hold.
            *sleepers -= 1;
            self.sleepers_hint.store(*sleepers, Ordering::Relaxed);
            return;
        }
        drop(
            self.wake
                .wait(sleepers)
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        // The stream of tasks may have resumed: a woken worker may spin once more.
        *may_spin = true;
    }

    /// Wakes every sleeper (at shutdown, once the gate is drained).
    pub(crate) fn wake_all(&self) {
        let mut sleepers = lock(&self.sleepers);
        *sleepers = 0;
        self.sleepers_hint.store(0, Ordering::Relaxed);
        drop(sleepers);
        self.wake.notify_all();
    }
}
