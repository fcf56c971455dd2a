//! The process pool's Unix side: descriptors inherited through `exec`, signals, `waitid`, and
//! Linux's parent-death signal. Every system call goes through `rustix`; the one `unsafe` left
//! is `pre_exec`, the only hook std offers between `fork` and `exec`.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use rustix::io::{FdFlags, fcntl_setfd};
use rustix::process::{Pid, Signal, WaitId, WaitIdOptions, kill_process, waitid};

use super::ChildEnds;

/// A worker the pool may signal: its pid, valid for as long as the process is not reaped
/// (the pool tracks that under its lock).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Process(Pid);

impl Process {
    pub(crate) fn of(child: &Child) -> Process {
        Process(Pid::from_child(child))
    }
}

/// A pipe, both ends close-on-exec (so no other program we start inherits them). Its buffer is
/// the system's (64 KiB on Linux); `_at_least` is for Windows, whose default is one page.
pub(crate) fn pipe(_at_least: usize) -> io::Result<(File, File)> {
    let (read, write) = std::io::pipe()?;
    Ok((
        File::from(OwnedFd::from(read)),
        File::from(OwnedFd::from(write)),
    ))
}

/// Makes the worker inherit `ends`, and returns how it finds them: their descriptor numbers.
pub(crate) fn hand_over(command: &mut Command, ends: &ChildEnds) -> String {
    let fds: [RawFd; 2] = [ends.read.as_raw_fd(), ends.write.as_raw_fd()];
    // SAFETY: the closure runs in the child between `fork` and `exec`, where only
    // async-signal-safe calls are allowed: `fcntl` is one, and nothing here allocates or locks.
    // Clearing close-on-exec there, not in the parent, means no other child started meanwhile
    // by another thread can inherit these descriptors.
    unsafe {
        command.pre_exec(move || {
            for fd in fds {
                // SAFETY: `fd` is open in the child: it is a copy of the parent's open descriptor,
                // which the parent keeps open until after `spawn` returns.
                let fd = std::os::fd::BorrowedFd::borrow_raw(fd);
                fcntl_setfd(fd, FdFlags::empty())?;
            }
            Ok(())
        });
    }
    format!("{},{}", fds[0], fds[1])
}

/// The worker inherited its copies when it started (`spawn` returns after the `exec`), so the
/// parent's go at once: a worker that dies then closes the last copies, and its pipes report it.
pub(crate) fn keep_until_taken(ends: ChildEnds) -> Option<ChildEnds> {
    drop(ends);
    None
}

/// The worker's side of [`hand_over`]: takes ownership of the two inherited descriptors and
/// makes them close-on-exec again, so that a program a task starts does not inherit them.
pub(crate) fn take_pipes(_parent: u32, ids: &str) -> io::Result<(File, File)> {
    let invalid = || io::Error::new(io::ErrorKind::InvalidInput, format!("bad pipe ids {ids:?}"));
    let (read, write) = ids.split_once(',').ok_or_else(invalid)?;
    let read: RawFd = read.parse().map_err(|_| invalid())?;
    let write: RawFd = write.parse().map_err(|_| invalid())?;
    if read < 0 || write < 0 || read == write {
        return Err(invalid());
    }
    // SAFETY: the pool started this process with these two descriptors open and inherited for
    // exactly this use; nothing else in the process knows their numbers, and each is wrapped
    // once, so each has one owner.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(read), OwnedFd::from_raw_fd(write)) };
    fcntl_setfd(read.as_fd(), FdFlags::CLOEXEC)?;
    fcntl_setfd(write.as_fd(), FdFlags::CLOEXEC)?;
    Ok((File::from(read), File::from(write)))
}

/// Nothing to do on Unix: the worker asks for its own death signal (see [`die_with_parent`]).
pub(crate) fn watch_over(_child: &Child) -> io::Result<()> {
    Ok(())
}

/// Sends `SIGTERM`, then `SIGCONT`: a stopped process keeps a `SIGTERM` pending until it is
/// continued, and `terminate_workers()` must not wait for someone else to do that.
pub(crate) fn terminate(process: Process) {
    let _ = kill_process(process.0, Signal::TERM);
    let _ = kill_process(process.0, Signal::CONT);
}

/// Sends `SIGKILL`, which a process cannot catch, ignore or sleep through (stopped or not).
pub(crate) fn kill(process: Process) {
    let _ = kill_process(process.0, Signal::KILL);
}

/// Returns once `child` has exited, without reaping it: until the pool has recorded the exit
/// under its lock, the pid must stay ours, or a signal meant for the worker could reach a new
/// process that was given the same pid.
pub(crate) fn wait_without_reaping(child: &mut Child) -> io::Result<()> {
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOWAIT;
    loop {
        match waitid(WaitId::Pid(Pid::from_child(child)), options) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
}

/// Asks Linux to kill this worker when the pool's thread that started it ends (with the whole
/// parent, typically), so an early exit of the parent leaves no orphan working on. The end of
/// file on the request pipe stops the worker too, but only after its current task.
#[cfg(target_os = "linux")]
pub(crate) fn die_with_parent(parent: u32) {
    let _ = rustix::process::set_parent_process_death_signal(Some(Signal::KILL));
    // The parent may have died before the call above: then we were already re-parented.
    let parent_now = rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get());
    if i64::from(parent_now) != i64::from(parent) {
        std::process::exit(1);
    }
}

/// Other Unixes have no parent-death signal: the end of file on the request pipe is all there
/// is (the worker exits after its current task).
#[cfg(not(target_os = "linux"))]
pub(crate) fn die_with_parent(_parent: u32) {}
