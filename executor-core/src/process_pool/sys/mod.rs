//! What the process pool does differently on each platform, behind one small interface, so that
//! the rest of `process_pool/` is read once (the way std and tokio keep their `sys` modules).
//!
//! | what                         | Unix (`unix.rs`)                         | Windows (`windows.rs`)                          |
//! |------------------------------|------------------------------------------|-------------------------------------------------|
//! | the protocol pipes           | `pipe(2)`                                | `CreatePipe`, with a 64 KiB buffer              |
//! | how a worker gets its ends   | inherited descriptors, numbers in the environment | `DuplicateHandle` out of the parent, as CPython's *spawn* does |
//! | a worker never outlives us   | `PR_SET_PDEATHSIG` (Linux)               | a Job Object with `KILL_ON_JOB_CLOSE`           |
//! | `terminate_workers()`        | `SIGTERM`, then `SIGCONT` for a stopped worker | `TerminateProcess`                         |
//! | `kill_workers()`             | `SIGKILL`                                | `TerminateProcess`                              |
//! | waiting for an exit          | `waitid(WNOWAIT)`, which leaves the pid ours | `WaitForSingleObject` (the handle stays ours) |
//!
//! Everywhere, the end of file on the result pipe is the second line of defence: a worker whose
//! parent is gone reads the end of its request pipe and exits after its current task.

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
    Process, die_with_parent, hand_over, keep_until_taken, kill, pipe, take_pipes, terminate,
    wait_without_reaping, watch_over,
};

/// The ends of the two protocol pipes that belong to the worker: it reads requests from `read`
/// and writes results to `write`. The parent keeps its copies only until the worker has its own
/// (`keep_until_taken`): a copy left open here would hide the worker's death, since a pipe
/// reports its end of file only once every write end is closed.
pub(crate) struct ChildEnds {
    pub(crate) read: File,
    pub(crate) write: File,
}
