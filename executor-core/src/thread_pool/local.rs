//! Each worker's own short queue: jobs taken from the shared queue in a batch, which idle peers
//! may steal. Python's `ThreadPoolExecutor` has one queue only; this is the work-stealing layout
//! of rayon and tokio, kept as small as it can be.
//!
//! # Why batches
//!
//! When tasks are short, an idle worker takes each job the moment `submit` has pushed it. The
//! submitting thread and the worker then write the same few cache lines (the queue's ends, the
//! slot just filled, the future just allocated) for every single task, and each write has to
//! fetch the line back from the other core first. Taking up to [`BATCH`] jobs in one go moves
//! each line once per batch instead. On the 1M-task benchmark, in alternating runs of the two
//! builds, the median went from 1.7 to 2.3–2.8 M tasks/s, with the `threadpool` crate at 2.2–2.6
//! in the same minutes (README.md, "Speed").
//!
//! Only once the pool has all its threads, though: while it is still starting them, each
//! `submit` that finds no idle thread starts one for its job, and a batch would take jobs away
//! from the threads being started for them.
//!
//! # Why stealing
//!
//! A batch must never make a job wait behind a long task while another worker is idle: that would
//! be worse than Python, where any free thread takes the next job. So a worker's queue is open to
//! its peers. A worker looking for work tries, in this order, its own queue, its peers' queues
//! (their jobs left the shared queue before anything still in it, so this keeps tasks starting
//! roughly in submission order), then the shared queue. A worker that has just taken a batch
//! announces it the way `submit` announces a push ([`Sleep::work_queued`], a fenced wake-up), so
//! a sleeping peer either sees the jobs or is woken for them; `loom_models.rs` checks that.
//!
//! # What it costs
//!
//! Tasks still *start* in submission order when they queue up one at a time, but not strictly
//! when several workers take batches at once: a worker may start the last job of a batch before
//! a peer has stolen the first. Nothing else changes: no job is lost or run twice (a
//! crossbeam deque hands each job out once), and a worker always empties its own queue before
//! it waits, so a lent job can only be late, never stranded.
//!
//! [`Sleep::work_queued`]: super::sleep::Sleep::work_queued

use std::sync::{PoisonError, RwLock};

use crossbeam_deque::{Steal, Stealer, Worker};

use super::job::QueuedJob;
use crate::sync::{AtomicUsize, Ordering, yield_now};

/// The most jobs a worker takes from the shared queue at once (it never takes more than half of
/// what is there). On the 1M-task benchmark, batches of 4 and 16 gave the same throughput and 64
/// less; the smallest keeps tasks closest to submission order.
pub(crate) const BATCH: usize = 4;

/// How many jobs sit in workers' own queues: a hint that lets a worker skip looking at every
/// peer's queue when none holds anything, which is almost always.
///
/// The count is raised *after* a batch lands in a worker's queue and lowered *after* a job
/// leaves one, so it can lag behind for a moment, and even dip below zero, which is why it
/// counts in wrapping arithmetic and is read as "non-zero". A reader that misses a new batch is
/// covered by the owner's wake-up ([`Lent::lend`] is followed by a fenced announcement).
pub(crate) struct Lent {
    count: AtomicUsize,
}

impl Lent {
    pub(crate) fn new() -> Self {
        Lent {
            count: AtomicUsize::new(0),
        }
    }

    /// `jobs` more jobs wait in some worker's own queue.
    pub(crate) fn lend(&self, jobs: usize) {
        self.count.fetch_add(jobs, Ordering::Relaxed);
    }

    /// One job left a worker's own queue (taken by its owner or stolen).
    pub(crate) fn took_one(&self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }

    /// Some worker's own queue may hold a job. Relaxed: callers that must not miss a batch
    /// read this after the sleep protocol's fence, which orders it.
    pub(crate) fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) != 0
    }
}

/// The workers' own queues, as their peers see them.
pub(crate) struct LocalQueues {
    /// One stealer per worker started, in the order they started. Written only when a thread
    /// starts (rare, under the pool's state lock); read by idle workers looking for work.
    stealers: RwLock<Vec<Stealer<QueuedJob>>>,
    lent: Lent,
}

impl LocalQueues {
    pub(crate) fn new() -> Self {
        LocalQueues {
            stealers: RwLock::new(Vec::new()),
            lent: Lent::new(),
        }
    }

    /// A new worker's own queue, first in first out, already visible to its peers.
    pub(crate) fn register(&self) -> Worker<QueuedJob> {
        let queue = Worker::new_fifo();
        self.write().push(queue.stealer());
        queue
    }

    /// Forgets the queue registered last, whose thread failed to start (it never held a job).
    pub(crate) fn unregister_last(&self) {
        self.write().pop();
    }

    /// Jobs may wait in some worker's own queue.
    pub(crate) fn any_lent(&self) -> bool {
        self.lent.any()
    }

    /// Pops the next job of `own`, the calling worker's queue.
    pub(crate) fn pop_own(&self, own: &Worker<QueuedJob>) -> Option<QueuedJob> {
        let job = own.pop()?;
        self.lent.took_one();
        Some(job)
    }

    /// Takes one job from the queue of some other worker, if any holds one.
    pub(crate) fn steal(&self) -> Option<QueuedJob> {
        if !self.lent.any() {
            return None;
        }
        let stealers = self.stealers.read().unwrap_or_else(PoisonError::into_inner);
        // `is_empty` first: it only reads the two ends, while `steal` also pins crossbeam's
        // memory-reclamation epoch, whose bookkeeping walks every thread that ever touched a
        // deque. With 676 workers (`flags2-threadpool -e -m 1000`) stealing from every queue
        // in turn spent about 8% of the program's CPU time there.
        for stealer in stealers.iter().filter(|stealer| !stealer.is_empty()) {
            // `Retry` means the owner or another thief moved the same end: look again.
            let stolen = std::iter::repeat_with(|| stealer.steal())
                .find(|steal| !steal.is_retry())
                .and_then(Steal::success);
            if let Some(job) = stolen {
                self.lent.took_one();
                return Some(job);
            }
        }
        // The count said a queue held a job, but none did: an owner is between counting a batch
        // and moving it in, or a thief between taking a job and counting it. Step aside so it
        // can finish, rather than spin on it.
        yield_now();
        None
    }

    /// Records that `jobs` jobs just landed in a worker's own queue.
    pub(crate) fn lend(&self, jobs: usize) {
        self.lent.lend(jobs);
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Stealer<QueuedJob>>> {
        // Nothing panics while holding this lock.
        self.stealers
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
