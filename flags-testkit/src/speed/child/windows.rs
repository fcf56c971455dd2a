//! A child's cost on Windows: wait for it, then ask for its times and peak memory through its
//! process handle, which stays valid after the process ends for as long as `Child` holds it.

use std::io;
use std::mem::{MaybeUninit, size_of};
use std::os::windows::io::AsRawHandle;
use std::process::Child;
use std::time::Duration;

use windows_sys::Win32::Foundation::{FILETIME, HANDLE};
use windows_sys::Win32::System::ProcessStatus::{K32GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS};
use windows_sys::Win32::System::Threading::GetProcessTimes;

use super::Ended;

/// A program that does nothing: every Windows has `cmd`.
pub(super) const DO_NOTHING: (&str, &[&str]) = ("cmd", &["/C", "exit"]);

/// Waits for `child` to end and reads what it cost.
pub(super) fn wait_measured(mut child: Child) -> io::Result<Ended> {
    let status = child.wait()?;
    let process: HANDLE = child.as_raw_handle();
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: `process` is the child's handle, open until `child` is dropped after this function;
    // the four FILETIMEs are valid and writable for the call.
    if unsafe { GetProcessTimes(process, &mut created, &mut exited, &mut kernel, &mut user) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let mut counters = MaybeUninit::<PROCESS_MEMORY_COUNTERS>::zeroed();
    let size = u32::try_from(size_of::<PROCESS_MEMORY_COUNTERS>()).unwrap_or(u32::MAX);
    // SAFETY: `counters` is writable for `size` bytes, its true size; the handle is as above.
    if unsafe { K32GetProcessMemoryInfo(process, counters.as_mut_ptr(), size) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the call succeeded, so it filled the struct (and all-zero bytes were valid anyway).
    let counters = unsafe { counters.assume_init() };
    Ok(Ended {
        cpu: duration(kernel) + duration(user),
        // Windows keeps an ended process's counters while a handle to it is open; Wine does not,
        // and reports 0 (no process peaks at nothing), which means "no figure".
        max_rss_kib: u64::try_from(counters.PeakWorkingSetSize / 1024)
            .ok()
            .filter(|&kib| kib > 0),
        success: status.success(),
    })
}

/// A FILETIME that counts time spent, in units of 100 ns.
fn duration(time: FILETIME) -> Duration {
    let hundreds_of_ns = (u64::from(time.dwHighDateTime) << 32) | u64::from(time.dwLowDateTime);
    Duration::from_nanos(hundreds_of_ns.saturating_mul(100))
}
