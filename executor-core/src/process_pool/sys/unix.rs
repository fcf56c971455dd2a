//! The process pool's Unix side: one socket as the worker's stdin, signals, `waitid`, and
//! Linux's parent-death signal. Every system call goes through std or `rustix`; no `unsafe`.
//!
//! Why a socket, and why as stdin: std starts a child with `posix_spawn` (a `vfork` that copies
//! nothing) unless it must run code between `fork` and `exec`, and handing over any descriptor
//! but the standard three takes such code (`pre_exec`), so a full `fork` that copies the
//! parent's page tables: 15 ms per worker for a 400 MiB parent, measured. One descriptor, then,
//! and stdin is the one a worker does not need (CPython's workers read `/dev/null`). One
//! socket carries both directions; the worker moves it off descriptor 0 at once and points 0
//! at `/dev/null`, and the program's stdout and stderr stay the task's.

use std::fs::File;
use std::io;
use std::net::Shutdown;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};

use rustix::io::fcntl_dupfd_cloexec;
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

/// Where the pool writes requests: the parent's end of the socket. Dropping it shuts the
/// socket's sending side (the reader's clone of the same socket stays open for the results),
/// which the worker reads as the end of its requests.
pub(crate) struct Requests(UnixStream);

impl io::Write for Requests {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Drop for Requests {
    fn drop(&mut self) {
        let _ = self.0.shutdown(Shutdown::Write);
    }
}

/// Where the pool reads results.
pub(crate) type Results = UnixStream;

/// Sets `command` up to carry the protocol; returns the parent's ends, nothing of the worker's
/// (its end goes to it as stdin and std closes ours after the spawn), and the text that tells
/// the worker where its end is. `_init_len` is for Windows' pipes: a socket holds far more.
pub(crate) fn channel(
    command: &mut Command,
    _init_len: usize,
) -> io::Result<(Requests, Results, Option<ChildEnds>, String)> {
    let (ours, theirs) = UnixStream::pair()?;
    command.stdin(Stdio::from(OwnedFd::from(theirs)));
    Ok((Requests(ours.try_clone()?), ours, None, "stdin".to_owned()))
}

/// Ends a read that waits on the result channel of a dead worker whose channel another process
/// still holds: shutting the socket down on our side makes the reader's `read` return.
pub(crate) struct ReaderWaker(Option<UnixStream>);

impl ReaderWaker {
    pub(crate) fn new(results: &Results) -> ReaderWaker {
        ReaderWaker(results.try_clone().ok())
    }

    pub(crate) fn wake(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|socket| socket.shutdown(Shutdown::Both).is_ok())
    }
}

/// What the worker reads requests from and writes results to.
pub(crate) type WorkerInput = UnixStream;
pub(crate) type WorkerOutput = UnixStream;

/// The worker's side of [`channel`]: takes the socket off stdin (close-on-exec, so a program a
/// task starts does not inherit it) and points stdin at `/dev/null`.
pub(crate) fn take_channel(_parent: u32, how: &str) -> io::Result<(WorkerInput, WorkerOutput)> {
    if how != "stdin" {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the protocol should be on stdin, not {how:?}"),
        ));
    }
    let socket = UnixStream::from(fcntl_dupfd_cloexec(io::stdin(), 3)?);
    rustix::stdio::dup2_stdin(File::open("/dev/null")?)?;
    Ok((socket.try_clone()?, socket))
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
/// the request stream stops the worker too, but only after the requests it already holds.
#[cfg(target_os = "linux")]
pub(crate) fn die_with_parent(parent: u32) {
    let _ = rustix::process::set_parent_process_death_signal(Some(Signal::KILL));
    // The parent may have died before the call above: then we were already re-parented.
    let parent_now = rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get());
    if i64::from(parent_now) != i64::from(parent) {
        std::process::exit(1);
    }
}

/// Other Unixes have no parent-death signal: the end of the request stream is all there is
/// (the worker exits after the requests it already holds).
#[cfg(not(target_os = "linux"))]
pub(crate) fn die_with_parent(_parent: u32) {}
