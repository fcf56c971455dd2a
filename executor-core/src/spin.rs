//! Brief spinning before sleeping: [`spin_until`] for `Future::result` (waiting for a task to
//! finish) and [`snooze_until`] for idle pool workers (waiting for a task to arrive).
//!
//! Sleeping on a condition variable costs a system call on each side, and waking a thread whose
//! CPU has gone idle took 60-90 µs on the reference VM. When the awaited event is a few
//! microseconds away, polling for it first is much cheaper. README.md ("Speed") has the figures
//! with and without.

use std::sync::OnceLock;

use crossbeam_utils::Backoff;

/// Polls `done` between growing runs of `spin_loop` hints (1, 2, 4, ... 64: 127 in all, a couple
/// of microseconds); true as soon as `done()` is. With a single CPU it yields once instead.
///
/// Why so short: when the machine is busy, the thread we wait for may be queued on *our* CPU,
/// and then every microsecond of spinning delays it by as much. A spin of about 450 hints gave
/// a 1.3 µs median round trip on a quiet machine but 13 µs on a loaded one; 127 keeps the first
/// and mostly avoids the second.
///
/// Never spins with a single CPU, where the thread we wait for cannot run while we spin, and does
/// nothing under loom, whose models would only grow. With several CPUs it never calls
/// `yield_now`: on a busy machine a yield hands the CPU to another process for a time slice.
pub(crate) fn spin_until(mut done: impl FnMut() -> bool) -> bool {
    if cfg!(executor_core_loom) {
        return false;
    }
    if !multi_cpu() {
        // With one CPU, the thread we wait for can only run if we step aside: one yield lets it
        // finish (or submit) without the futex wait and wake-up of a full sleep. Pinned to one
        // CPU this doubled the 1M-task throughput and cut the median round trip by a quarter.
        std::thread::yield_now();
        return done();
    }
    for round in 0..7 {
        for _ in 0..1u32 << round {
            std::hint::spin_loop();
        }
        if done() {
            return true;
        }
    }
    false
}

/// Like [`spin_until`], but after the spinning rounds it also yields the CPU a few times
/// (crossbeam's `Backoff::snooze`), for a few microseconds more in all.
///
/// For idle pool workers waiting for the next task. There, yielding is the point: the thread
/// they wait for is the submitter, which needs a CPU to produce the next task, and an idle
/// worker has nothing better to do with its own. Measured on the 1M-task benchmark: 2.6–3.1 M
/// tasks/s with these yields, 1.3–1.4 M/s spinning only.
pub(crate) fn snooze_until(mut done: impl FnMut() -> bool) -> bool {
    if cfg!(executor_core_loom) {
        return false;
    }
    if !multi_cpu() {
        std::thread::yield_now();
        return done();
    }
    let backoff = Backoff::new();
    while !backoff.is_completed() {
        backoff.snooze();
        if done() {
            return true;
        }
    }
    false
}

/// More than one CPU is available to this process (looked up once; `taskset` counts).
fn multi_cpu() -> bool {
    static MULTI_CPU: OnceLock<bool> = OnceLock::new();
    *MULTI_CPU.get_or_init(|| std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() > 1))
}
