//! What one run costs the race's own process: wall time, CPU time (`getrusage(RUSAGE_SELF)`, all
//! threads, so the thread pool's workers count) and peak resident memory (Linux's `VmHWM`, reset
//! before each run by writing `5` to `/proc/self/clear_refs`).
//!
//! The server runs in another process (see [`serve`](crate::serve)), so nothing here is the
//! server's. `flags_common::speed` measures a *child* with `wait4`; here the strategies run
//! in-process as library calls, so the same counters are read for ourselves before and after.

use std::time::{Duration, Instant};

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
    let baseline = reset_peak().then(|| status_kib("VmRSS:")).flatten();
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    let value = work();
    let wall = t0.elapsed();
    let cpu = cpu_time()
        .zip(cpu0)
        .map(|(after, before)| after.saturating_sub(before));
    let memory = baseline
        .zip(status_kib("VmHWM:"))
        .map(|(rss, peak)| Memory {
            peak_kib: peak,
            growth_kib: peak.saturating_sub(rss),
        });
    (value, Cost { wall, cpu, memory })
}

/// CPU time of this process so far, user plus system, every thread included.
#[cfg(unix)]
fn cpu_time() -> Option<Duration> {
    // SAFETY: all-zero bytes are a valid `rusage` (a struct of integers).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is valid and writable for the duration of the call.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let time = |tv: libc::timeval| {
        Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

#[cfg(not(unix))]
fn cpu_time() -> Option<Duration> {
    None
}

/// Resets the peak-memory mark to the current resident size (Linux only; false elsewhere).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A `Vm...:` line of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Keeps the strategies' progress bars off the terminal while it lives.
///
/// The flags2 strategies draw a progress bar on stderr when it is a terminal, and leave it drawn;
/// a race would print dozens of them between its lines. This points file descriptor 2 at
/// `/dev/null` and puts the terminal back when dropped. Not when stderr is a pipe or a file: the
/// bars are not drawn then anyway, and real error messages should stay visible.
pub struct QuietStderr {
    #[cfg(unix)]
    saved: Option<std::os::fd::OwnedFd>,
}

impl QuietStderr {
    /// Silences stderr if it is a terminal.
    pub fn new() -> QuietStderr {
        #[cfg(unix)]
        {
            use std::io::IsTerminal;
            use std::os::fd::{AsFd, AsRawFd};
            let stderr = std::io::stderr();
            if !stderr.is_terminal() {
                return QuietStderr { saved: None };
            }
            let Ok(saved) = stderr.as_fd().try_clone_to_owned() else {
                return QuietStderr { saved: None };
            };
            let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
                return QuietStderr { saved: None };
            };
            // SAFETY: both descriptors are open for the whole call; `dup2` only repoints fd 2,
            // which Rust's `Stderr` writes to unbuffered, so no buffered bytes are lost.
            if unsafe { libc::dup2(null.as_raw_fd(), libc::STDERR_FILENO) } < 0 {
                return QuietStderr { saved: None };
            }
            QuietStderr { saved: Some(saved) }
        }
        #[cfg(not(unix))]
        QuietStderr {}
    }
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved.take() {
            use std::os::fd::AsRawFd;
            // SAFETY: `saved` is an open descriptor (our copy of the terminal) for the whole call.
            unsafe { libc::dup2(saved.as_raw_fd(), libc::STDERR_FILENO) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measuring_counts_cpu_spent_in_the_work() {
        let (sum, cost) = measure(|| (0..20_000_000u64).fold(0u64, |a, b| a ^ b.wrapping_mul(31)));
        std::hint::black_box(sum);
        if let Some(cpu) = cost.cpu {
            assert!(cpu > Duration::ZERO);
        }
        assert!(cost.wall > Duration::ZERO);
    }
}
