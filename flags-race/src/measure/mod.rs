//! What one run costs the race's own process: wall time, CPU time (user plus system, all threads,
//! so the thread pool's workers count) and peak resident memory.
//!
//! The server runs in another process (see [`serve`](crate::serve)), so nothing here is the
//! server's. `flags_testkit::speed` measures a *child* as it ends; here the strategies run
//! in-process as library calls, so the same counters are read for ourselves before and after.
//!
//! # What each system can tell
//! CPU time comes everywhere: `getrusage(RUSAGE_SELF)` on Unix, `GetProcessTimes` on Windows.
//! Peak memory *per run* needs a high-water mark that can be reset before each run, and only
//! Linux has one: writing `5` to `/proc/self/clear_refs` resets `VmHWM` to the current resident
//! size. macOS (`ru_maxrss`, in bytes there, KiB on Linux) and Windows (`PeakWorkingSetSize`)
//! only know the peak of the whole process so far, which after the first run says nothing about
//! the next one. There the table shows `n/a` for each run, and the race prints the process's
//! peak over the whole race under it ([`process_peak_kib`]).
//!
//! # Layout
//! - `unix.rs`, `windows.rs`: CPU time and the process's peak, one module per system family;
//! - `linux.rs`: the peak that can be reset per run, and the thread count; elsewhere `run_peak`
//!   is a stub saying there is none.

use std::time::{Duration, Instant};

// The platform layer, chosen here once.
#[cfg(unix)]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[path = "windows.rs"]
mod sys;

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod run_peak;
/// No resettable peak outside Linux (see the module docs).
#[cfg(not(target_os = "linux"))]
mod run_peak {
    /// Would reset the peak and return the resident memory now, KiB.
    pub(super) fn reset() -> Option<u64> {
        None
    }
    /// Would return the peak since [`reset`], KiB.
    pub(super) fn since_reset_kib() -> Option<u64> {
        None
    }
    /// Would count this process's threads (`/proc` is Linux's).
    pub(super) fn threads_now() -> Option<usize> {
        None
    }
}

/// The cost of one run.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// From the call to its return.
    pub wall: Duration,
    /// User plus system CPU of the whole process during the run; `None` where it cannot be read.
    pub cpu: Option<Duration>,
    /// Peak resident memory during the run and how much it grew over the resident memory at the
    /// start, in KiB; `None` where the peak cannot be reset (anything but Linux).
    pub memory: Option<Memory>,
}

/// Peak resident memory of one run, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// The high-water mark of resident memory during the run.
    pub peak_kib: u64,
    /// The peak minus the resident memory at the start: what the run itself needed.
    pub growth_kib: u64,
}

/// Runs `work` and measures it.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Cost) {
    let baseline = run_peak::reset();
    let cpu0 = sys::cpu_time();
    let t0 = Instant::now();
    let value = work();
    let wall = t0.elapsed();
    let cpu = sys::cpu_time()
        .zip(cpu0)
        .map(|(after, before)| after.saturating_sub(before));
    let memory = baseline
        .zip(run_peak::since_reset_kib())
        .map(|(rss, peak)| Memory {
            peak_kib: peak,
            growth_kib: peak.saturating_sub(rss),
        });
    (value, Cost { wall, cpu, memory })
}

/// Notes the most threads this process has while it runs, by looking every few milliseconds
/// (Linux; elsewhere [`stop`](ThreadSampler::stop) says `None`). The sampler's own thread is
/// counted too: one more than the work needs.
pub struct ThreadSampler {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<Option<usize>>,
}

impl ThreadSampler {
    /// Starts looking.
    pub fn start() -> ThreadSampler {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut peak = run_peak::threads_now()?;
            // `recv_timeout` is both the pause and the stop signal.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(Duration::from_millis(5))
            {
                peak = peak.max(run_peak::threads_now()?);
            }
            Some(peak)
        });
        ThreadSampler { stop, thread }
    }

    /// Stops looking; the most threads seen, where the system tells it.
    pub fn stop(self) -> Option<usize> {
        let _ = self.stop.send(());
        self.thread.join().ok().flatten()
    }
}

/// The peak resident memory of this whole process so far, in KiB, where the system tells it.
pub fn process_peak_kib() -> Option<u64> {
    sys::process_peak_kib()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Taken by every test that calls `measure`: another test's reset of the peak in the middle
    /// of a run would lower that run's figure.
    static ONE_RUN_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn measuring_counts_cpu_spent_in_the_work() {
        let _alone = ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (sum, cost) = measure(|| (0..20_000_000u64).fold(0u64, |a, b| a ^ b.wrapping_mul(31)));
        std::hint::black_box(sum);
        let cpu = cost.cpu.expect("every supported system reports CPU time");
        assert!(cpu > Duration::ZERO);
        assert!(cost.wall > Duration::ZERO);
    }

    #[test]
    fn the_process_peak_is_in_kib() {
        let peak = process_peak_kib().expect("every supported system reports a peak");
        // A test binary peaks at a few MiB (tens with the test below): more than 1 MiB, less
        // than 1 GiB. Wrong units show: KiB read as bytes gives a few KiB, bytes read as KiB
        // (macOS's `ru_maxrss`) gives GiBs.
        assert!((1024..1024 * 1024).contains(&peak), "{peak} KiB");
    }

    // Linux only: no other system can reset a peak, so there is no per-run figure to check.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_run_that_touches_memory_shows_it_in_its_peak() {
        const MIB: usize = 1024 * 1024;
        let _alone = ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let ((), cost) = measure(|| {
            let mut block = vec![0u8; 64 * MIB];
            // Touch every page, so they are resident.
            for page in block.chunks_mut(4096) {
                page[0] = 1;
            }
            std::hint::black_box(&block);
        });
        let memory = cost.memory.expect("Linux resets the peak per run");
        assert!(memory.growth_kib >= 60 * 1024, "{memory:?}");
        assert!(memory.peak_kib >= memory.growth_kib, "{memory:?}");
    }
}
