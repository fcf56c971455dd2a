//! Our own CPU time and peak memory on Windows: `GetProcessTimes` and `GetProcessMemoryInfo`
//! (its `PeakWorkingSetSize`) on our own process.

use std::mem::{MaybeUninit, size_of};
use std::time::Duration;

use windows_sys::Win32::Foundation::FILETIME;
use windows_sys::Win32::System::ProcessStatus::{K32GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetProcessTimes};

/// CPU time of this process so far, user plus system, every thread included.
pub(super) fn cpu_time() -> Option<Duration> {
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: `GetCurrentProcess` returns a pseudo-handle that is always valid and needs no
    // closing; the four FILETIMEs are valid and writable for the call.
    let ok = unsafe {
        GetProcessTimes(
            GetCurrentProcess(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        )
    };
    (ok != 0).then(|| duration(kernel) + duration(user))
}

/// The peak working set (resident memory) of this process so far, KiB.
pub(super) fn process_peak_kib() -> Option<u64> {
    let mut counters = MaybeUninit::<PROCESS_MEMORY_COUNTERS>::zeroed();
    let size = u32::try_from(size_of::<PROCESS_MEMORY_COUNTERS>()).ok()?;
    // SAFETY: the pseudo-handle is always valid; `counters` is writable for `size` bytes, its
    // true size.
    if unsafe { K32GetProcessMemoryInfo(GetCurrentProcess(), counters.as_mut_ptr(), size) } == 0 {
        return None;
    }
    // SAFETY: the call succeeded, so it filled the struct (and all-zero bytes were valid anyway).
    let counters = unsafe { counters.assume_init() };
    u64::try_from(counters.PeakWorkingSetSize / 1024).ok()
}

/// A FILETIME that counts time spent, in units of 100 ns.
fn duration(time: FILETIME) -> Duration {
    let hundreds_of_ns = (u64::from(time.dwHighDateTime) << 32) | u64::from(time.dwLowDateTime);
    Duration::from_nanos(hundreds_of_ns.saturating_mul(100))
}
