//! The worker process's side: [`run_worker_if_child`] and the loop that reads requests, runs
//! registered functions and writes results (Python's `_process_worker`).
//!
//! # Why one thread and `poll`
//!
//! The pool writes requests while it holds its lock, and reads results on another thread. If
//! the worker could block writing a result while the pool blocks writing a request, both pipes
//! full, neither side would ever read again. So the worker never blocks on one pipe while the
//! other has work: both ends are non-blocking, results wait in a buffer, and when there is
//! nothing to run it sleeps in `poll` on both. It runs tasks on its main thread, inline, so a
//! request costs no thread hand-off.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::function::{self, RemoteFunction};
use super::protocol::{self, Failure, Outcome, Request, Response};
use crate::errors::{TaskError, panic_message};

/// The environment variable that puts a started copy of the program in worker mode; its value
/// is the parent's pid.
pub(crate) const WORKER_ENV: &str = "EXECUTOR_CORE_PROCESS_POOL_WORKER";

/// The hook every program using a [`ProcessPoolExecutor`](crate::ProcessPoolExecutor) calls
/// first thing in `main`, with the list of functions its workers may run.
///
/// Workers are this same executable started again (Python's *spawn* start method). In the
/// parent this call only records `functions` and returns. In a worker it never returns: it
/// serves requests until the pool closes its pipe, then exits. Without it, every worker would
/// run the whole program again, starting its own pool, and so on; this is the twin of Python's
/// `if __name__ == '__main__':` guard, which stops the spawned interpreter from re-running the
/// script's body. A pool in a program that never called it refuses to start workers
/// ([`SubmitError::NoWorkerHook`](crate::SubmitError::NoWorkerHook)).
///
/// ```
/// use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
///
/// fn is_even(n: u64) -> bool {
///     n % 2 == 0
/// }
/// static IS_EVEN: Function<u64, bool> = Function::new("is_even", is_even);
/// static FUNCTIONS: &[&dyn RemoteFunction] = &[&IS_EVEN];
///
/// fn main() {
///     run_worker_if_child(FUNCTIONS);
///     // ... the program proper: create a ProcessPoolExecutor and submit IS_EVEN.call(n).
/// }
/// ```
pub fn run_worker_if_child(functions: &'static [&'static dyn RemoteFunction]) {
    function::register(functions);
    let Some(parent) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let parent: i32 = parent.to_str().and_then(|p| p.parse().ok()).unwrap_or(0);
    let code = match serve(parent) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("executor-core worker {}: {error}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

fn serve(parent: i32) -> io::Result<()> {
    die_with_parent(parent);
    let (mut input, mut output) = take_pipes()?;
    // Still blocking here, and the pipe is empty: the write goes through at once.
    output.write_all(&protocol::GREETING)?;
    // A task's panic is reported to the parent as its future's error; printing it here too
    // would only be noise on the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    set_nonblocking(&input)?;
    set_nonblocking(&output)?;

    let mut inbox: Vec<u8> = Vec::new();
    let mut outbox = Outbox::default();
    let mut input_open = true;
    let mut chunk = vec![0; 64 * 1024];
    loop {
        if input_open {
            input_open = drain_input(&mut input, &mut inbox, &mut chunk)?;
        }
        match protocol::decode_frame::<Request>(&inbox) {
            Some((request, len)) => {
                inbox.drain(..len);
                if handle(request?, &mut outbox.bytes)? == Flow::Stop {
                    flush_blocking(&mut output, &mut outbox)?;
                    return Ok(());
                }
                // Send results now unless another request is already here (then they go
                // out together, one system call for many tasks).
                if protocol::decode_frame::<Request>(&inbox).is_none() {
                    flush_some(&mut output, &mut outbox)?;
                }
            }
            None if !input_open => {
                // The pool closed the pipe: shut down (or retire) after the last result.
                flush_blocking(&mut output, &mut outbox)?;
                return Ok(());
            }
            None => {
                flush_some(&mut output, &mut outbox)?;
                wait_for(&input, &output, !outbox.is_empty())?;
            }
        }
    }
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Stop,
}

fn handle(request: Request, outbox: &mut Vec<u8>) -> io::Result<Flow> {
    match request {
        Request::Init { function, args } => {
            let failure = match run_one(&function, &args) {
                Ok(bytes) => match postcard::from_bytes::<Result<(), String>>(&bytes) {
                    Ok(Ok(())) => return Ok(Flow::Continue),
                    Ok(Err(message)) => message,
                    Err(error) => {
                        format!("the initializer's result was not Result<(), String>: {error}")
                    }
                },
                Err(Failure::Panicked(message)) => format!("the initializer panicked: {message}"),
                Err(Failure::Serialization(message)) => message,
            };
            protocol::encode_into(&Response::InitFailed { message: failure }, outbox)?;
            Ok(Flow::Stop)
        }
        Request::Run { id, function, args } => {
            let results: Vec<Outcome> = args.iter().map(|args| run_one(&function, args)).collect();
            protocol::encode_into(&Response::Done { id, results }, outbox)?;
            Ok(Flow::Continue)
        }
    }
}

fn run_one(name: &str, args: &[u8]) -> Outcome {
    let Some(function) = function::lookup(name) else {
        return Err(Failure::Serialization(format!(
            "function `{name}` is not registered in the worker"
        )));
    };
    // AssertUnwindSafe: after a panic nothing of the call is used again; the worker lives on.
    match catch_unwind(AssertUnwindSafe(|| function.call_encoded(args))) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(TaskError::Serialization { message })) => {
            Err(Failure::Serialization(message.to_string()))
        }
        Ok(Err(other)) => Err(Failure::Serialization(other.to_string())),
        Err(payload) => Err(Failure::Panicked(panic_message(payload.as_ref()))),
    }
}

/// Reads whatever is available; `Ok(false)` at end of file.
fn drain_input(input: &mut File, inbox: &mut Vec<u8>, chunk: &mut [u8]) -> io::Result<bool> {
    loop {
        match input.read(chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => inbox.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(true),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// Encoded results waiting for room in the pipe, and how many of their bytes are already sent.
///
/// The sent part stays in the buffer until everything is out: removing it after each partial
/// write would move the rest every time, and a 64 MB result (written 64 KiB at a time) took
/// seconds of copying that way.
#[derive(Default)]
struct Outbox {
    bytes: Vec<u8>,
    sent: usize,
}

impl Outbox {
    fn is_empty(&self) -> bool {
        self.sent == self.bytes.len()
    }
}

/// Writes as much of `outbox` as the pipe takes without blocking.
fn flush_some(output: &mut File, outbox: &mut Outbox) -> io::Result<()> {
    while !outbox.is_empty() {
        match output.write(&outbox.bytes[outbox.sent..]) {
            Ok(n) => outbox.sent += n,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    outbox.bytes.clear();
    outbox.sent = 0;
    Ok(())
}

/// Writes all of `outbox`, sleeping in `poll` while the pipe is full (used only at exit, when
/// there is nothing left to read).
fn flush_blocking(output: &mut File, outbox: &mut Outbox) -> io::Result<()> {
    while !outbox.is_empty() {
        flush_some(output, outbox)?;
        if !outbox.is_empty() {
            poll(&mut [pollfd(output, libc::POLLOUT)])?;
        }
    }
    Ok(())
}

/// Sleeps until a request arrives (or the input closes), or, if results are waiting, until
/// the output pipe has room.
fn wait_for(input: &File, output: &File, want_write: bool) -> io::Result<()> {
    let mut fds = [pollfd(input, libc::POLLIN), pollfd(output, 0)];
    if want_write {
        fds[1].events = libc::POLLOUT;
    }
    poll(&mut fds)
}

fn pollfd(file: &File, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd: file.as_raw_fd(),
        events,
        revents: 0,
    }
}

fn poll(fds: &mut [libc::pollfd]) -> io::Result<()> {
    // SAFETY: `fds` is a valid, exclusively borrowed array of `pollfd`s, and its length is
    // passed with it.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
    if ready < 0 {
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    Ok(())
}

fn set_nonblocking(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is an open descriptor owned by `file`; F_GETFL/F_SETFL only change its flags.
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) >= 0
    };
    if ok {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Moves the protocol pipes (stdin and stdout as the pool started us) to new descriptors and
/// points stdin at /dev/null and stdout at stderr, so that a task that prints or reads cannot
/// corrupt the protocol.
fn take_pipes() -> io::Result<(File, File)> {
    let null = File::open("/dev/null")?;
    // SAFETY: descriptors 0, 1 and 2 are open (the pool set them up); `dup` returns new ones
    // that we own and wrap in `File` exactly once; `dup2` only replaces 0 and 1, whose old
    // pipes we keep through the duplicates. This runs before any other thread exists.
    unsafe {
        let input = libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 3);
        let output = libc::fcntl(1, libc::F_DUPFD_CLOEXEC, 3);
        if input < 0 || output < 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::dup2(null.as_raw_fd(), 0) < 0 || libc::dup2(2, 1) < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((File::from_raw_fd(input), File::from_raw_fd(output)))
    }
}

/// Asks Linux to kill this worker when the pool's thread that started it dies (with the whole
/// parent, typically), so an early exit of the parent leaves no orphan working on. The end of
/// file on the request pipe would stop the worker too, but only after its current task.
#[cfg(target_os = "linux")]
fn die_with_parent(parent: i32) {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and changes only this process's settings.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    // The parent may have died before the call above: then we were already re-parented.
    // SAFETY: getppid has no preconditions.
    if parent != 0 && unsafe { libc::getppid() } != parent {
        std::process::exit(1);
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_parent: i32) {}
