//! What the process pool does differently on each platform, behind one small interface, so that
//! the rest of `process_pool/` is read once (the way std and tokio keep their `sys` modules).
//!
//! | what                         | Unix (`unix.rs`)                         | Windows (`windows.rs`)                          |
//! |------------------------------|------------------------------------------|-------------------------------------------------|
//! | the protocol channel         | one socket, the worker's stdin           | two pipes (`CreatePipe`, 64 KiB buffers)        |
//! | how a worker gets it         | `posix_spawn` puts it on descriptor 0    | `DuplicateHandle` out of the parent, as CPython's *spawn* does |
//! | a worker never outlives us   | `PR_SET_PDEATHSIG` (Linux)               | a Job Object with `KILL_ON_JOB_CLOSE`           |
//! | `terminate_workers()`        | `SIGTERM`, then `SIGCONT` for a stopped worker | `TerminateProcess`                         |
//! | `kill_workers()`             | `SIGKILL`                                | `TerminateProcess`                              |
//! | waiting for an exit          | `waitid(WNOWAIT)`, which leaves the pid ours | `WaitForSingleObject` (the handle stays ours) |
//!
//! Everywhere, the end of the requests is the second line of defence: a worker whose parent is
//! gone reads it and exits after the requests it already holds.

#[cfg(windows)]
use std::fs::File;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

pub(crate) use imp::{
    Process, ReaderWaker, Requests, Results, channel, die_with_parent, kill, take_channel,
    terminate, wait_without_reaping, watch_over,
};

/// The worker's ends of the protocol pipes, where the platform needs the parent to keep its
/// copies until the worker has its own (Windows). They are held only to be closed, as soon as
/// the worker has them: a copy left open here would hide the worker's death, since a pipe
/// reports its end only once every write end is closed. (Unix never makes one.)
pub(crate) struct ChildEnds {
    #[cfg(windows)]
    _held: [File; 2],
    #[cfg(unix)]
    _never: std::convert::Infallible,
}
