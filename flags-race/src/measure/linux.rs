//! Linux's resettable peak: `VmHWM` in `/proc/self/status`, reset to the current resident size by
//! writing `5` to `/proc/self/clear_refs` (see `proc(5)`).

/// Resets the peak to the current resident size and returns that size, KiB; `None` when `/proc`
/// is not there to do it.
pub(super) fn reset() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// The peak resident memory since [`reset`], KiB.
pub(super) fn since_reset_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// How many threads this process has now.
pub(super) fn threads_now() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
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
