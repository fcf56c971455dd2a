//! The worker process's side: [`run_worker_if_child`] and the loop that reads requests, runs
//! registered functions and writes results (Python's `_process_worker`).
//!
//! # One thread, plain blocking reads and writes
//!
//! The worker runs tasks on its main thread, inline, so a request costs no thread hand-off. It
//! reads a request, runs it, writes the result, and blocks on each step, the same way on every
//! platform. That cannot deadlock against the pool, which writes requests under its lock: the
//! pool writes to a busy worker only what surely fits in the pipe (`PIPE_BUDGET` in `dispatch.rs`),
//! and to an idle one, which has no result left to write and so is reading, anything.
//!
//! # A channel of its own, not stdout
//!
//! The protocol travels on a channel of its own (`sys/`: a socket on Unix, two pipes on
//! Windows), so stdout and stderr stay the program's: a task's `println!` reaches the program's
//! stdout, as a Python worker's `print` does.

use std::cell::Cell;
use std::ffi::OsStr;
use std::io::{self, BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::function::{self, RemoteFunction};
use super::protocol::{self, Failure, Outcome, Request, Response};
use super::sys;
use crate::errors::{TaskError, panic_message};

/// The environment variable that puts a started copy of the program in worker mode; its value
/// is the parent's pid and where to find the protocol channel.
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
    let Some(handover) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    if std::thread::current().name() != Some("main") {
        // A libtest `#[test]` that made a pool: the worker runs the test binary, whose harness
        // starts every test on a thread of its own, and several would take the channel.
        eprintln!(
            "executor-core worker {}: `run_worker_if_child` was called off the main thread; \
             call it first thing in `main` (a pool in a libtest `#[test]` needs a test target \
             with `harness = false`, whose `main` calls it)",
            std::process::id()
        );
        std::process::exit(2);
    }
    let code = match serve(&handover) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("executor-core worker {}: {error}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

/// Parses [`WORKER_ENV`]: `PARENT_PID:WHERE`, where `WHERE` says how to find the protocol
/// channel on this platform (see `sys/`).
fn parse_handover(value: &OsStr) -> io::Result<(u32, String)> {
    let invalid = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{WORKER_ENV}={value:?} is not what a process pool sets"),
        )
    };
    let value = value.to_str().ok_or_else(invalid)?;
    let (parent, place) = value.split_once(':').ok_or_else(invalid)?;
    let parent = parent.parse().map_err(|_| invalid())?;
    Ok((parent, place.to_owned()))
}

fn serve(handover: &OsStr) -> io::Result<()> {
    let (parent, place) = parse_handover(handover)?;
    sys::die_with_parent(parent);
    let (input, mut output) = sys::take_channel(parent, &place)?;
    output.write_all(&protocol::GREETING)?;
    // A task's panic goes back to the parent as its future's error, with the place it happened;
    // printing it here as well would only be noise on the terminal.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(ToString::to_string);
        PANIC_LOCATION.with(|slot| slot.replace(location));
    }));

    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut outbox: Vec<u8> = Vec::new();
    // One request at a time, its results sent before the next one runs: holding them back to
    // send several in one write would save system calls in a flood of tiny tasks, but delay a
    // finished result for as long as the next task runs (and lose it if that task crashes).
    // CPython's workers send each result as soon as it is ready, and so do these. (A `map`
    // chunk is one request: its results do travel together.)
    while let Some(request) = protocol::read_message::<Request>(&mut input)? {
        let flow = handle(request, &mut outbox)?;
        output.write_all(&outbox)?;
        outbox.clear();
        if flow == Flow::Stop {
            return Ok(());
        }
    }
    // The pool closed the channel: shut down (or retire), every result already sent.
    Ok(())
}

thread_local! {
    /// Where the last panic on this thread happened, written by the worker's panic hook (which
    /// runs before the unwinding that `catch_unwind` stops) and read right after.
    static PANIC_LOCATION: Cell<Option<String>> = const { Cell::new(None) };
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
                Err(Failure::Panicked { message, location }) => match location {
                    Some(location) => format!("the initializer panicked at {location}: {message}"),
                    None => format!("the initializer panicked: {message}"),
                },
                Err(Failure::Serialization(message)) => message,
            };
            protocol::encode_into(&Response::InitFailed { message: failure }, outbox)?;
            Ok(Flow::Stop)
        }
        Request::Run { id, function, args } => {
            let results: Vec<Outcome> = args.iter().map(|args| run_one(&function, args)).collect();
            if let Err(error) = protocol::encode_into(&Response::Done { id, results }, outbox) {
                // Too big for one frame (see `protocol::MAX_FRAME`): the futures fail, as an
                // unpicklable result does in Python, and the worker goes on.
                let message = format!("could not send the results of `{function}`: {error}");
                let results = args
                    .iter()
                    .map(|_| Err(Failure::Serialization(message.clone())))
                    .collect();
                protocol::encode_into(&Response::Done { id, results }, outbox)?;
            }
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
    // A payload re-raised with `resume_unwind` skips the hook: it must not be given the location
    // of an earlier panic.
    PANIC_LOCATION.with(|slot| slot.set(None));
    // AssertUnwindSafe: after a panic nothing of the call is used again; the worker lives on.
    match catch_unwind(AssertUnwindSafe(|| function.call_encoded(args))) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(TaskError::Serialization { message })) => {
            Err(Failure::Serialization(message.to_string()))
        }
        Ok(Err(other)) => Err(Failure::Serialization(other.to_string())),
        Err(payload) => Err(Failure::Panicked {
            message: panic_message(payload.as_ref()),
            location: PANIC_LOCATION.with(Cell::take),
        }),
    }
}
