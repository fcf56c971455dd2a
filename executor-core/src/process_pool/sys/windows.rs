//! The process pool's Windows side, through `windows-sys`: pipes made with `CreatePipe`,
//! handles the worker duplicates out of the parent (CPython's *spawn* start method does the
//! same), a Job Object that takes every worker down with the parent, and `TerminateProcess`.
//!
//! Windows has no `fork`, no signals and no parent-death signal; these are its twins.

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle, RawHandle};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use windows_sys::Win32::Foundation::{
    CloseHandle, DUPLICATE_SAME_ACCESS, DuplicateHandle, HANDLE, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject,
};
use windows_sys::Win32::System::Pipes::CreatePipe;
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, PROCESS_DUP_HANDLE, TerminateProcess,
};

use super::ChildEnds;

/// The exit code a worker stopped by `terminate_workers()` or `kill_workers()` reports.
const STOPPED_EXIT_CODE: u32 = 1;

/// How much a protocol pipe holds before a write waits for the reader. The pool writes to a
/// busy worker only what surely fits (`PIPE_BUDGET` in `dispatch.rs`); Windows' default (one 4 KiB
/// page) would leave no margin.
const PIPE_BUFFER: u32 = 64 * 1024;

/// A worker the pool may stop: its process handle, owned by the worker's watcher thread and
/// valid until that thread has recorded the exit under the pool lock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Process(usize);

impl Process {
    pub(crate) fn of(child: &Child) -> Process {
        Process(child.as_raw_handle() as usize)
    }

    fn handle(self) -> HANDLE {
        self.0 as HANDLE
    }
}

/// Where the pool writes requests, and reads results: pipe ends. Dropping the request pipe
/// closes it, which the worker reads as the end of its requests.
pub(crate) type Requests = File;
pub(crate) type Results = File;
/// What the worker reads requests from and writes results to.
pub(crate) type WorkerInput = File;
pub(crate) type WorkerOutput = File;

/// Windows has no way here to end another thread's read on a pipe (short of `CancelSynchronousIo`
/// on its thread), and needs none: the worker's handles are not inheritable and no task can
/// name them, so no other process can hold a dead worker's pipe open.
pub(crate) struct ReaderWaker;

impl ReaderWaker {
    pub(crate) fn new(_results: &Results) -> ReaderWaker {
        ReaderWaker
    }

    pub(crate) fn wake(&self) -> bool {
        false
    }
}

/// Makes the two protocol pipes for `command`; returns the parent's ends, the worker's ends
/// (the parent keeps them until the worker has its own copies: see `reader.rs`), and the text
/// that tells the worker where they are: their handle values in this process. Nothing is
/// inherited: the worker duplicates them out of us ([`take_channel`]), so another program
/// started at the same moment by another thread cannot pick them up by accident. The request
/// pipe holds at least `init_len` bytes, so the `Init` message never waits for the worker.
pub(crate) fn channel(
    command: &mut Command,
    init_len: usize,
) -> io::Result<(Requests, Results, Option<ChildEnds>, String)> {
    let (child_read, requests) = pipe(init_len)?;
    let (results, child_write) = pipe(0)?;
    let how = format!(
        "{},{}",
        child_read.as_raw_handle() as usize,
        child_write.as_raw_handle() as usize
    );
    // A worker reading the console would fight the program for it; CPython's read nothing.
    command.stdin(Stdio::null());
    let ends = ChildEnds {
        _held: [child_read, child_write],
    };
    Ok((requests, results, Some(ends), how))
}

/// A pipe whose handles no child inherits, with a buffer of [`PIPE_BUFFER`] bytes, or
/// `at_least` if that is more.
fn pipe(at_least: usize) -> io::Result<(File, File)> {
    let size = u32::try_from(at_least).unwrap_or(u32::MAX).max(PIPE_BUFFER);
    let mut read: HANDLE = INVALID_HANDLE_VALUE;
    let mut write: HANDLE = INVALID_HANDLE_VALUE;
    // SAFETY: both out-pointers point at locals; no security attributes (null) means the
    // handles are not inheritable.
    if unsafe { CreatePipe(&mut read, &mut write, std::ptr::null(), size) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: CreatePipe succeeded, so both are new handles that nothing else owns.
    unsafe {
        Ok((
            File::from(OwnedHandle::from_raw_handle(read as RawHandle)),
            File::from(OwnedHandle::from_raw_handle(write as RawHandle)),
        ))
    }
}

/// The worker's side of [`channel`]: duplicates the parent's two handles into this process.
/// The duplicates are not inheritable, so a program a task starts does not get them.
pub(crate) fn take_channel(parent: u32, ids: &str) -> io::Result<(WorkerInput, WorkerOutput)> {
    let invalid = || io::Error::new(io::ErrorKind::InvalidInput, format!("bad pipe ids {ids:?}"));
    let (read, write) = ids.split_once(',').ok_or_else(invalid)?;
    let read: usize = read.parse().map_err(|_| invalid())?;
    let write: usize = write.parse().map_err(|_| invalid())?;
    // SAFETY: OpenProcess has no memory-safety preconditions; a null result is checked.
    let parent = unsafe { OpenProcess(PROCESS_DUP_HANDLE, 0, parent) };
    if parent.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `parent` is a process handle we own (just opened) and close exactly once.
    let parent = unsafe { OwnedHandle::from_raw_handle(parent as RawHandle) };
    let read = duplicate_from(&parent, read)?;
    let write = duplicate_from(&parent, write)?;
    Ok((File::from(read), File::from(write)))
}

fn duplicate_from(source: &OwnedHandle, handle: usize) -> io::Result<OwnedHandle> {
    let mut copy: HANDLE = INVALID_HANDLE_VALUE;
    // SAFETY: `source` is an open process handle with PROCESS_DUP_HANDLE access; `handle` is a
    // value in that process, which the system checks; `copy` points at a local.
    let ok = unsafe {
        DuplicateHandle(
            source.as_raw_handle() as HANDLE,
            handle as HANDLE,
            GetCurrentProcess(),
            &mut copy,
            0,
            0,
            DUPLICATE_SAME_ACCESS,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: DuplicateHandle succeeded: `copy` is a new handle in this process, ours alone.
    Ok(unsafe { OwnedHandle::from_raw_handle(copy as RawHandle) })
}

/// The Job Object every worker joins. Closing its last handle kills every process in it, and
/// the system closes it when this process ends, however it ends: that is Windows' twin of
/// Linux's `PR_SET_PDEATHSIG`. One per process, kept open for the process's life.
fn job() -> io::Result<HANDLE> {
    static JOB: OnceLock<Result<usize, i32>> = OnceLock::new();
    let job = JOB.get_or_init(|| {
        // SAFETY: no security attributes and no name (both null); a null result is checked.
        let job = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if job.is_null() {
            return Err(io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        // SAFETY: an all-zero JOBOBJECT_EXTENDED_LIMIT_INFORMATION is valid (plain integers).
        let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        // SAFETY: `job` is the handle just created; the pointer and size describe `limits`.
        let set = unsafe {
            SetInformationJobObject(
                job,
                JobObjectExtendedLimitInformation,
                (&raw const limits).cast::<c_void>(),
                size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            )
        };
        if set == 0 {
            let error = io::Error::last_os_error().raw_os_error().unwrap_or(0);
            // SAFETY: `job` is ours and not used after this.
            unsafe { CloseHandle(job) };
            return Err(error);
        }
        Ok(job as usize)
    });
    match *job {
        Ok(job) => Ok(job as HANDLE),
        Err(code) => Err(io::Error::from_raw_os_error(code)),
    }
}

/// Puts a new worker in the pool's Job Object, so it dies with this process. Between
/// `CreateProcess` and this call a parent that dies leaves the worker running: it then exits
/// at the end of file of its request pipe, the second line of defence.
pub(crate) fn watch_over(child: &Child) -> io::Result<()> {
    let job = job()?;
    // SAFETY: `job` is the open Job Object; the child's handle is open while `child` lives.
    if unsafe { AssignProcessToJobObject(job, child.as_raw_handle() as HANDLE) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `TerminateProcess`, what CPython's `terminate()` does on Windows. It works on a suspended
/// process too.
pub(crate) fn terminate(process: Process) {
    // SAFETY: the handle is open: the pool calls this only before it records the exit.
    unsafe { TerminateProcess(process.handle(), STOPPED_EXIT_CODE) };
}

/// Windows has no gentler and no harder way: `kill` is `terminate`, as in CPython.
pub(crate) fn kill(process: Process) {
    terminate(process);
}

/// Returns once `child` has exited. Waiting does not close the handle (dropping `Child` does),
/// so the pool may still call [`terminate`] on it until it records the exit.
pub(crate) fn wait_without_reaping(child: &mut Child) -> io::Result<()> {
    child.wait().map(drop)
}

/// Nothing to do in the worker: the parent's Job Object ([`watch_over`]) ends it.
pub(crate) fn die_with_parent(_parent: u32) {}
