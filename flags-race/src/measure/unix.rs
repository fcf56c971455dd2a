//! Our own CPU time and peak memory on Unix, from `getrusage(RUSAGE_SELF)`.

use std::time::Duration;

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;

/// `ru_maxrss` is in KiB on Linux and the BSDs, in bytes on macOS (and the other Apple systems).
#[cfg(target_vendor = "apple")]
const MAXRSS_UNITS_PER_KIB: u64 = 1024;
#[cfg(not(target_vendor = "apple"))]
const MAXRSS_UNITS_PER_KIB: u64 = 1;

/// CPU time of this process so far, user plus system, every thread included.
pub(super) fn cpu_time() -> Option<Duration> {
    let usage = getrusage(UsageWho::RUSAGE_SELF).ok()?;
    Some(duration(usage.user_time()) + duration(usage.system_time()))
}

/// The peak resident memory of this process so far, KiB.
pub(super) fn process_peak_kib() -> Option<u64> {
    let usage = getrusage(UsageWho::RUSAGE_SELF).ok()?;
    Some(u64::try_from(usage.max_rss()).ok()? / MAXRSS_UNITS_PER_KIB)
}

fn duration(time: TimeVal) -> Duration {
    Duration::from_secs(u64::try_from(time.tv_sec()).unwrap_or(0))
        + Duration::from_micros(u64::try_from(time.tv_usec()).unwrap_or(0))
}
