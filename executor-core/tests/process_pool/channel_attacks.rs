//! What a task must not be able to do to the pool through its protocol channel: corrupt a
//! frame's length (the pool breaks without allocating it), close it (the pool breaks within a
//! second, and the worker is not left running), or hand it to a program that outlives the worker
//! (the pool still breaks within a second).
//!
//! Linux only: the attacks find the worker's socket in `/proc/self/fd` (the code under attack is
//! the same on every Unix). On Windows the worker's handles are private duplicates that no task
//! can name, nor a child inherit (they are not inheritable), so there is nothing to attack; the
//! frame-length limit is proved there by `protocol.rs`'s unit tests.

use std::process::Command;
use std::time::{Duration, Instant};

use executor_core::process_pool::Function;
use executor_core::{Executor, FutureError, SubmitError, TaskError};

use super::no_hang::finishes;
use super::platform;
use super::{SLEEP_MS, SOON, pool};

// ---- Functions the workers run (registered in the test binary's `FUNCTIONS`) ----------------

/// The descriptors of the worker's protocol socket (the worker holds it twice: one copy to
/// read, one to write), found as the process's only sockets (a test peeks at the pool's
/// private channel to attack it; no real task has a reason to).
fn protocol_fds() -> Vec<i32> {
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            target
                .to_string_lossy()
                .starts_with("socket:")
                .then(|| entry.file_name().to_str()?.parse().ok())?
        })
        .collect();
    assert!(!fds.is_empty(), "no protocol socket found");
    fds
}

/// Writes a frame length of almost 4 GiB on the result pipe, then waits.
fn corrupt_the_results(_: ()) {
    use std::io::Write;
    use std::os::fd::FromRawFd;
    let write = protocol_fds()[0];
    // SAFETY: the worker owns this open descriptor; ManuallyDrop keeps it from being closed.
    let mut pipe = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(write) });
    pipe.write_all(&0xffff_fff0_u32.to_le_bytes()).unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

/// Closes the protocol socket (every descriptor of it) and goes on running.
fn close_the_channel(_: ()) {
    use std::os::fd::{FromRawFd, OwnedFd};
    for fd in protocol_fds() {
        // SAFETY: the worker owns these open descriptors; dropping the OwnedFd closes one, and
        // the worker's own handles are never used again (this task does not return).
        unsafe { drop(OwnedFd::from_raw_fd(fd)) };
    }
    std::thread::sleep(Duration::from_secs(60));
}

/// Starts a program that inherits the result pipe and outlives the worker, then dies.
fn leak_the_channel_and_exit(_: ()) {
    use rustix::io::{FdFlags, fcntl_setfd};
    use std::os::fd::BorrowedFd;
    let write = protocol_fds()[0];
    // SAFETY: the descriptor is open for the whole life of the worker.
    let fd = unsafe { BorrowedFd::borrow_raw(write) };
    fcntl_setfd(fd, FdFlags::empty()).unwrap();
    Command::new("sleep").arg("5").spawn().unwrap();
    std::process::exit(3);
}

pub(crate) static CORRUPT_THE_RESULTS: Function<(), ()> =
    Function::new("corrupt_the_results", corrupt_the_results);
pub(crate) static CLOSE_THE_CHANNEL: Function<(), ()> =
    Function::new("close_the_channel", close_the_channel);
pub(crate) static LEAK_THE_CHANNEL_AND_EXIT: Function<(), ()> =
    Function::new("leak_the_channel_and_exit", leak_the_channel_and_exit);

// ---- The tests -------------------------------------------------------------------------------

/// The pool broke within a second of `since`, with a reason that contains `expected`.
fn broke_soon<T: std::fmt::Debug>(result: Result<&T, FutureError>, since: Instant, expected: &str) {
    match result {
        Err(FutureError::Failed(TaskError::BrokenProcessPool { reason })) => {
            assert!(reason.contains(expected), "{reason}");
        }
        other => panic!("expected a broken pool, got {other:?}"),
    }
    let took = since.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "the pool took {took:?} to break"
    );
}

pub(crate) fn a_bad_frame_length_breaks_the_pool_without_allocating_it() {
    let pool = pool(1);
    let started = Instant::now();
    let future = pool.submit(CORRUPT_THE_RESULTS.call(())).unwrap();
    broke_soon(future.result(Some(SOON)), started, "limit");
    assert!(matches!(
        pool.submit(SLEEP_MS.call(0)),
        Err(SubmitError::BrokenProcessPool { .. })
    ));
}

pub(crate) fn a_task_that_closes_the_channel_breaks_the_pool_within_a_second() {
    let pool = pool(1);
    let worker = pool
        .submit(SLEEP_MS.call(0))
        .unwrap()
        .into_result()
        .unwrap();
    let started = Instant::now();
    let future = pool.submit(CLOSE_THE_CHANNEL.call(())).unwrap();
    broke_soon(future.result(Some(SOON)), started, "");
    drop(pool);
    assert!(!platform::alive(worker), "the worker was left running");
}

pub(crate) fn a_worker_whose_channel_outlives_it_breaks_the_pool_within_a_second() {
    let pool = pool(1);
    let started = Instant::now();
    let future = pool.submit(LEAK_THE_CHANNEL_AND_EXIT.call(())).unwrap();
    broke_soon(future.result(Some(SOON)), started, "held open");
    // The pool's owner is not kept waiting for the program that holds the pipe either.
    finishes("dropping the pool", move || drop(pool));
}

/// (Windows has no SIGSTOP, and `TerminateProcess` ends a suspended process like any other.)
pub(crate) fn terminate_workers_returns_for_a_stopped_worker() {
    let pool = pool(1);
    let future = pool.submit(SLEEP_MS.call(60_000)).unwrap();
    let worker = pool.worker_pids()[0];
    platform::stop(worker);
    finishes("terminate_workers on a stopped worker", move || {
        pool.terminate_workers();
    });
    assert!(matches!(
        future.result(Some(SOON)),
        Err(FutureError::Failed(TaskError::BrokenProcessPool { .. }))
    ));
    assert!(!platform::alive(worker));
}

pub(crate) const TESTS: &[(&str, fn())] = &[
    (
        "a_bad_frame_length_breaks_the_pool_without_allocating_it",
        a_bad_frame_length_breaks_the_pool_without_allocating_it,
    ),
    (
        "a_task_that_closes_the_channel_breaks_the_pool_within_a_second",
        a_task_that_closes_the_channel_breaks_the_pool_within_a_second,
    ),
    (
        "a_worker_whose_channel_outlives_it_breaks_the_pool_within_a_second",
        a_worker_whose_channel_outlives_it_breaks_the_pool_within_a_second,
    ),
    (
        "terminate_workers_returns_for_a_stopped_worker",
        terminate_workers_returns_for_a_stopped_worker,
    ),
];
