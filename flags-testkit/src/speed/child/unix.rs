//! A child's cost on Unix: reap it with `wait4`, which returns its `rusage` beside its status.

use std::io;
use std::process::Child;
use std::time::Duration;

use super::Ended;

/// A program that does nothing, found on the `PATH`.
pub(super) const DO_NOTHING: (&str, &[&str]) = ("true", &[]);

/// `ru_maxrss` is in KiB on Linux and the BSDs, in bytes on macOS (and the other Apple systems).
#[cfg(target_vendor = "apple")]
const MAXRSS_UNITS_PER_KIB: u64 = 1024;
#[cfg(not(target_vendor = "apple"))]
const MAXRSS_UNITS_PER_KIB: u64 = 1;

/// Waits for `child` to end and reads what it cost.
pub(super) fn wait_measured(child: Child) -> io::Result<Ended> {
    let pid = libc::pid_t::try_from(child.id())
        .map_err(|_| io::Error::other("process id out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: all-zero bytes are a valid `rusage` (a struct of integers).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // `std::process::Child::wait` cannot return the child's rusage, and neither nix nor rustix
    // wraps `wait4`, so we reap it ourselves.
    // SAFETY: `status` and `usage` are valid, writable, and outlive the call; `pid` is our own
    // child, not yet reaped (`child.wait` is never called, and dropping a `Child` does not wait).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(io::Error::last_os_error());
    }
    let seconds = |tv: libc::timeval| {
        Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
    };
    Ok(Ended {
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_kib: Some(u64::try_from(usage.ru_maxrss).unwrap_or(0) / MAXRSS_UNITS_PER_KIB),
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}
