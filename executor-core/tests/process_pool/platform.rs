//! What the process-pool tests need from the operating system, per platform: stopping a worker
//! from outside the pool (as a crash or the OOM killer would), and asking whether a process
//! still lives.

#[cfg(unix)]
pub(crate) use unix::*;
#[cfg(windows)]
pub(crate) use windows::*;

#[cfg(unix)]
mod unix {
    use rustix::process::{Pid, Signal, kill_process};

    fn pid(pid: u32) -> Pid {
        Pid::from_raw(pid as i32).expect("a worker's pid is positive")
    }

    /// Kills `pid` with `SIGKILL`, from outside the pool.
    pub(crate) fn kill_from_outside(worker: u32) {
        kill_process(pid(worker), Signal::KILL).expect("kill a worker");
    }

    /// Stops `pid` with `SIGSTOP` (what Ctrl-Z does to a foreground job).
    #[cfg(target_os = "linux")]
    pub(crate) fn stop(worker: u32) {
        kill_process(pid(worker), Signal::STOP).expect("stop a worker");
    }

    /// Whether `pid` names a live process: `/proc/PID` exists and is not a zombie. An orphaned
    /// zombie (reparented to an init that has not reaped it yet) runs no code: it counts as gone.
    #[cfg(target_os = "linux")]
    pub(crate) fn alive(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => {
                let state = stat
                    .rsplit(')')
                    .next()
                    .and_then(|rest| rest.trim().chars().next());
                !matches!(state, Some('Z' | 'X'))
            }
            Err(_) => false,
        }
    }

    /// Whether `pid` names a process (a zombie counts: other Unixes have no `/proc` to tell).
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn alive(worker: u32) -> bool {
        rustix::process::test_kill_process(pid(worker)).is_ok()
    }

    /// Whether `pid` is a child of this process at all (reaped children are not).
    #[cfg(target_os = "linux")]
    pub(crate) fn is_our_child(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let rest = stat.rsplit(')').next()?.to_owned();
                rest.split_whitespace().nth(1).map(str::to_owned)
            })
            .is_some_and(|ppid| ppid == std::process::id().to_string())
    }

    /// Other Unixes: a process that is not alive was reaped (see [`alive`]).
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn is_our_child(worker: u32) -> bool {
        alive(worker)
    }
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::Foundation::{CloseHandle, STILL_ACTIVE};
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_TERMINATE,
        TerminateProcess,
    };

    /// Ends `pid` with `TerminateProcess`, from outside the pool.
    pub(crate) fn kill_from_outside(pid: u32) {
        // SAFETY: OpenProcess has no memory-safety preconditions; null is checked.
        let process = unsafe { OpenProcess(PROCESS_TERMINATE, 0, pid) };
        assert!(!process.is_null(), "{}", std::io::Error::last_os_error());
        // SAFETY: `process` is a handle we just opened and close once.
        unsafe {
            TerminateProcess(process, 9);
            CloseHandle(process);
        }
    }

    /// Whether `pid` names a process that has not exited.
    pub(crate) fn alive(pid: u32) -> bool {
        // SAFETY: as above.
        let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if process.is_null() {
            return false;
        }
        let mut code = 0;
        // SAFETY: `process` is open; `code` is a local; the handle is closed once.
        unsafe {
            let ok = GetExitCodeProcess(process, &mut code) != 0;
            CloseHandle(process);
            ok && code == STILL_ACTIVE as u32
        }
    }

    /// Windows has no zombies to reap: a process that is not alive is gone.
    pub(crate) fn is_our_child(pid: u32) -> bool {
        alive(pid)
    }
}
