//! The idle-thread count that lets `submit` reuse a thread instead of starting a new one
//! (CPython's `_idle_semaphore`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many workers have finished a task and are (about to be) waiting for the next one.
///
/// Both fields are Relaxed: the count is a hint that publishes no data (jobs travel through the
/// queue, which synchronises on its own). A stale value costs at most one thread started
/// early or one task waiting a moment for a busy thread, never a lost task.
///
/// Once every thread has been started the count is useless, and keeping it would make each
/// `submit` and each finished task write one cache line shared by all threads; so it freezes.
pub(crate) struct IdleThreads {
    count: AtomicUsize,
    all_started: AtomicBool,
}

impl IdleThreads {
    pub(crate) const fn new() -> Self {
        IdleThreads {
            count: AtomicUsize::new(0),
            all_started: AtomicBool::new(false),
        }
    }

    /// A worker finished a task (or skipped a cancelled one).
    pub(crate) fn worker_became_idle(&self) {
        if !self.all_started.load(Ordering::Relaxed) {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// True if `submit` need not start a thread: every thread is started already, or an idle one
    /// was there, and is now claimed for this task.
    pub(crate) fn no_thread_needed(&self) -> bool {
        self.are_all_started() || self.try_claim()
    }

    /// Takes one idle thread for a task, if there is one.
    fn try_claim(&self) -> bool {
        self.count
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |idle| {
                idle.checked_sub(1)
            })
            .is_ok()
    }

    /// The pool reached `max_workers`: stop counting.
    pub(crate) fn all_started(&self) {
        self.all_started.store(true, Ordering::Relaxed);
    }

    /// Whether the pool has reached `max_workers` (a hint: it may lag for a moment).
    pub(crate) fn are_all_started(&self) -> bool {
        self.all_started.load(Ordering::Relaxed)
    }
}
