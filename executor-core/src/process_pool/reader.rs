//! The parent's reader for one worker process: it reads the worker's results from its pipe and
//! completes the futures, and notices when the pipe ends. The worker's watcher (`watcher.rs`)
//! started both; this thread runs while the worker's pipe is open.

use std::io::{BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::Shared;
use super::protocol::{self, Response};
use super::sys::{self, ChildEnds};

/// What the reader and the watcher share about one worker.
pub(super) struct Handover {
    /// The parent's copies of the worker's pipe ends, while the platform needs them kept (see
    /// `sys::keep_until_taken`); whoever learns first that the worker has its own, or is gone,
    /// drops them.
    pub(super) child_ends: Mutex<Option<ChildEnds>>,
    /// Counts the reads from the pipe, odd while one is under way, so the watcher can tell a
    /// reader that is completing futures (slowly, perhaps: callbacks are user code) from one
    /// that has waited in one read for bytes that will never come.
    pub(super) reads: AtomicU64,
}

impl Handover {
    pub(super) fn new(child_ends: Option<ChildEnds>) -> Handover {
        Handover {
            child_ends: Mutex::new(child_ends),
            reads: AtomicU64::new(0),
        }
    }

    /// Closes the parent's copies of the worker's ends, if it kept any.
    pub(super) fn release_child_ends(&self) {
        *self
            .child_ends
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The read under way now, if one is: the same value twice, a while apart, means the reader
    /// waited in one read all that time.
    pub(super) fn read_under_way(&self) -> Option<u64> {
        let reads = self.reads.load(Ordering::Acquire);
        (reads % 2 == 1).then_some(reads)
    }
}

/// The reader's body. Returns why the worker must count as failed, if it must beyond what its
/// exit shows (an initializer that failed, an unreadable message, a pipe closed early).
pub(super) fn run(
    shared: &Arc<Shared>,
    id: u64,
    results: sys::Results,
    handover: &Handover,
) -> Option<String> {
    let failure = read_results(shared, id, results, handover);
    // A worker that stopped talking while it still owed results (or sent something we cannot
    // use) may still be running: it must not be left so, nor waited for while it waits for
    // us. Killing it wakes its watcher. Not yet recorded as exited, so it is still ours to kill.
    let state = shared.lock();
    if let Some(worker) = state.workers.iter().find(|w| w.id == id) {
        let owes = !worker.in_flight.is_empty() || worker.requests.is_some();
        if !worker.exited && (failure.is_some() || owes) {
            sys::kill(worker.process);
        }
    }
    failure
}

/// Reads results until the end of the pipe.
fn read_results(
    shared: &Arc<Shared>,
    id: u64,
    results: sys::Results,
    handover: &Handover,
) -> Option<String> {
    let mut input = BufReader::with_capacity(
        64 * 1024,
        Counted {
            pipe: results,
            reads: &handover.reads,
        },
    );
    let greeted = protocol::expect_greeting(&mut input);
    // Greeted or not, the worker has its own copies now or never will: ours must go, or the
    // pipe could never report its end.
    handover.release_child_ends();
    match greeted {
        Ok(true) => {}
        Ok(false) => return None,
        Err(failure) => return Some(failure),
    }
    loop {
        match protocol::read_message::<Response>(&mut input) {
            Ok(Some(Response::Done {
                id: request,
                results,
            })) => {
                let sink = {
                    let mut state = shared.lock();
                    // Gone only if the pool broke meanwhile and removed us: nothing to add.
                    let index = state.workers.iter().position(|w| w.id == id)?;
                    let worker = &mut state.workers[index];
                    let sink = match worker.in_flight.pop_front() {
                        Some(expected) if expected.id == request => expected.sink,
                        other => {
                            // Back where the watcher fails it with the rest, after the lock:
                            // dropping it here would complete it, under the lock.
                            if let Some(expected) = other {
                                worker.in_flight.push_front(expected);
                            }
                            return Some(format!(
                                "worker {} answered an unknown request",
                                worker.pid
                            ));
                        }
                    };
                    // Feeds this worker (and the others) from the queue; after shutdown, once
                    // the queue is empty, closes the pipes of the idle ones. Errors here mean
                    // a replacement could not start; the queue keeps the requests for the
                    // workers still running.
                    let _ = shared.dispatch(&mut state, true);
                    sink
                };
                // Outside the lock: completing runs done-callbacks.
                sink.finish(results);
            }
            Ok(Some(Response::InitFailed { message })) => {
                return Some(format!("a worker's initializer failed: {message}"));
            }
            Ok(None) => return None,
            Err(error) => return Some(format!("could not read a worker's result: {error}")),
        }
    }
}

/// The pipe, counting its reads (see [`Handover::reads`]).
struct Counted<'a> {
    pipe: sys::Results,
    reads: &'a AtomicU64,
}

impl Read for Counted<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.reads.fetch_add(1, Ordering::AcqRel);
        let read = self.pipe.read(buffer);
        self.reads.fetch_add(1, Ordering::AcqRel);
        read
    }
}
