//! The parent's thread for one worker process, its *watcher*: it starts the process, waits for
//! it to exit, and then either retires it or breaks the pool (Python's management thread, split
//! per worker). A second thread per worker, the reader (`reader.rs`), reads its results.
//!
//! Two threads because a worker can end in two ways that one blocking call cannot both see:
//! its channel can close while it lives on (a task closed it; the reader sees that and kills
//! the worker), and it can die while its channel stays open (a task started a program that
//! inherited it and outlives the worker; only waiting for the process sees that). The
//! watcher learns of a death within milliseconds either way, and the pool breaks at once.
//!
//! The watcher, not `submit`, starts the process because Linux's `PR_SET_PDEATHSIG` (see
//! `sys/unix.rs`) fires when the *thread* that started the worker ends, not the whole parent.
//! A submitting thread may be short-lived; the watcher lives exactly as long as its worker.

use std::io::{self, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use super::protocol::{self, Request};
use super::reader::{self, Handover};
use super::sys::{self, ChildEnds, Process};
use super::worker::WORKER_ENV;
use super::{Shared, Sink, State, WatcherThread, WorkerSlot};
use crate::errors::{SubmitError, TaskError};

/// How long (twice over) a dead worker's reader may wait in one read before the channel counts
/// as held open by another process. Reading what is left takes microseconds; the
/// reader may also be busy completing futures (done-callbacks are user code), which does not
/// count: see [`await_reader`].
const END_OF_PIPE_GRACE: Duration = Duration::from_millis(250);

/// Starts one worker process (through its watcher thread) and adds it to the pool; returns its
/// index in `state.workers`. Called with the pool lock held, so two submits cannot both start
/// the last allowed worker; the new threads do not touch the lock until after the hand-shake.
pub(super) fn start_worker(shared: &Arc<Shared>, state: &mut State) -> Result<usize, SubmitError> {
    let init = match &shared.initializer {
        Some((name, Ok(args))) => Some(Request::Init {
            function: (*name).to_owned(),
            args: args.clone(),
        }),
        Some((name, Err(error))) => {
            let reason: Arc<str> = format!("the initializer `{name}` failed: {error}").into();
            state.broken = Some(Arc::clone(&reason));
            return Err(SubmitError::BrokenProcessPool { reason });
        }
        None => None,
    };
    let id = state.next_worker;
    state.next_worker += 1;
    let (started_tx, started_rx) = mpsc::sync_channel(1);
    let thread_shared = Arc::clone(shared);
    let handle = thread::Builder::new()
        .name(format!("process-pool-watcher-{id}"))
        .spawn(move || watch(&thread_shared, id, init, &started_tx))
        .map_err(|error| SubmitError::SpawnProcess(Arc::new(error)))?;
    let started = match started_rx.recv() {
        Ok(Ok(started)) => started,
        Ok(Err(error)) => {
            let _ = handle.join();
            return Err(SubmitError::SpawnProcess(Arc::new(error)));
        }
        Err(_) => {
            let _ = handle.join();
            return Err(SubmitError::SpawnProcess(Arc::new(io::Error::other(
                "the worker's thread ended before starting it",
            ))));
        }
    };
    // Forget the threads of retired workers (dropping a finished thread's handle detaches
    // nothing), so a long-lived pool with `max_tasks_per_child` does not pile them up.
    state.threads.retain(|thread| !thread.handle.is_finished());
    state.threads.push(WatcherThread {
        handle,
        reader: started.reader,
    });
    state.processes_started += 1;
    state.live_workers += 1;
    state.workers.push(WorkerSlot {
        id,
        pid: started.pid,
        process: started.process,
        requests: Some(started.requests),
        in_flight: Default::default(),
        sent: 0,
        exited: false,
    });
    Ok(state.workers.len() - 1)
}

/// What the watcher hands back to `start_worker` once the process runs.
struct Started {
    pid: u32,
    process: Process,
    requests: sys::Requests,
    reader: thread::ThreadId,
}

/// The watcher's body: start the worker and its reader, wait for the process to exit, then
/// settle its account with the pool.
fn watch(
    shared: &Arc<Shared>,
    id: u64,
    init: Option<Request>,
    started: &mpsc::SyncSender<io::Result<Started>>,
) {
    let spawned = match spawn(init) {
        Ok(spawned) => spawned,
        Err(error) => {
            let _ = started.send(Err(error));
            return;
        }
    };
    let Spawned {
        mut child,
        requests,
        results,
        child_ends,
    } = spawned;
    let process = Process::of(&child);
    // The parent's copies of the worker's ends, if it must keep them: the reader drops them
    // once the worker's greeting proves it has its own, and this thread once it is gone.
    let handover = Arc::new(Handover::new(child_ends));
    let waker = sys::ReaderWaker::new(&results);
    let (done_tx, done_rx) = mpsc::channel();
    let reader = {
        let shared = Arc::clone(shared);
        let handover = Arc::clone(&handover);
        thread::Builder::new()
            .name(format!("process-pool-reader-{id}"))
            .spawn(move || {
                let failure = reader::run(&shared, id, results, &handover);
                let _ = done_tx.send(failure);
            })
    };
    let reader = match reader {
        Ok(reader) => reader,
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            let _ = started.send(Err(error));
            return;
        }
    };
    let sent = started.send(Ok(Started {
        pid: child.id(),
        process,
        requests,
        reader: reader.thread().id(),
    }));
    if sent.is_err() {
        // `start_worker` is gone (it cannot be, but then nobody owns this process).
        let _ = child.kill();
    }

    let exited = sys::wait_without_reaping(&mut child);
    handover.release_child_ends();
    let failure = match await_reader(&done_rx, &handover) {
        ReaderEnd::Finished(failure) => {
            let _ = reader.join();
            failure
        }
        ReaderEnd::Stuck => {
            // Cut the channel on our side, which ends the reader's read where the platform
            // allows (see `sys::ReaderWaker`); elsewhere the reader stays blocked until the other
            // process lets go, then finds its worker gone and ends, unjoined.
            if waker.wake() && done_rx.recv_timeout(Duration::from_secs(1)).is_ok() {
                let _ = reader.join();
            }
            Some(format!(
                "a worker process (pid {}) exited, but its channel to the pool is still held open \
             by another process (did a task start a program that inherited it?)",
                child.id()
            ))
        }
    };
    if let Err(error) = exited {
        // Waiting failed: something else reaped the worker (a program that set SIGCHLD to
        // SIG_IGN, or called `waitpid(-1)`), so its pid may name another process now. Signal
        // nothing; count it as a death.
        let failure = failure.unwrap_or_else(|| format!("could not wait for a worker: {error}"));
        settle(shared, id, &mut child, Some(failure));
    } else {
        settle(shared, id, &mut child, failure);
    }
}

enum ReaderEnd {
    Finished(Option<String>),
    Stuck,
}

/// Waits for the reader to finish, now that the worker has exited. It normally does within
/// microseconds; it may also be completing futures (user callbacks, however slow). Only a
/// reader blocked in a read past the grace period is stuck: the worker is dead and our copies
/// of its pipe ends are closed, so some other process holds the write end.
fn await_reader(done: &mpsc::Receiver<Option<String>>, handover: &Handover) -> ReaderEnd {
    let mut before = handover.read_under_way();
    // Seen in the same read at this many checks in a row: two, so that a reader merely
    // descheduled on a busy machine for one grace period is not taken for a stuck one.
    let mut seen = 0;
    loop {
        match done.recv_timeout(END_OF_PIPE_GRACE) {
            Ok(failure) => return ReaderEnd::Finished(failure),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return ReaderEnd::Finished(Some("the worker's reader thread panicked".into()));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = handover.read_under_way();
                seen = if now.is_some() && now == before {
                    seen + 1
                } else {
                    0
                };
                if seen == 2 {
                    return ReaderEnd::Stuck;
                }
                before = now;
            }
        }
    }
}

/// Records the exit, reaps the process, and either retires the worker (starting a replacement
/// if work is waiting) or breaks the pool.
fn settle(shared: &Arc<Shared>, id: u64, child: &mut Child, failure: Option<String>) {
    let clean = {
        let mut state = shared.lock();
        let Some(worker) = state.workers.iter_mut().find(|w| w.id == id) else {
            let _ = child.wait();
            state.live_workers = state.live_workers.saturating_sub(1);
            shared.reaped.notify_all();
            return;
        };
        // From here on nobody signals the process: reaping frees its pid for reuse.
        worker.exited = true;
        failure.is_none() && worker.requests.is_none() && worker.in_flight.is_empty()
    };
    let status = child.wait();

    let mut state = shared.lock();
    state.live_workers = state.live_workers.saturating_sub(1);
    shared.reaped.notify_all();
    let index = state.workers.iter().position(|w| w.id == id);
    let worker = index.map(|index| state.workers.remove(index));
    let pid = worker.as_ref().map_or(0, |w| w.pid);
    if clean {
        // Retired (max_tasks_per_child) or shut down: start a replacement if work is waiting
        // (never after `terminate_workers`, which took the queue).
        if state.terminated.is_some() {
            return;
        }
        if let Err(error) = shared.dispatch(&mut state, true) {
            let reason: Arc<str> = error.to_string().into();
            let sinks = shared.break_pool(&mut state, Arc::clone(&reason));
            drop(state);
            fail_all(sinks, &reason);
        }
        return;
    }
    let mut sinks: Vec<Box<dyn Sink>> = worker
        .map(|mut w| w.in_flight.drain(..).map(|r| r.sink).collect())
        .unwrap_or_default();
    if let Some(reason) = state.terminated {
        // `terminate_workers` stopped every worker on purpose: fail what this one was running,
        // but the pool is shut down, not broken.
        drop(state);
        fail_all(sinks, &reason.into());
        return;
    }
    let reason: Arc<str> = match (&state.broken, failure) {
        (Some(reason), _) => Arc::clone(reason),
        (None, Some(failure)) => failure.into(),
        (None, None) => describe_death(pid, status).into(),
    };
    sinks.extend(shared.break_pool(&mut state, Arc::clone(&reason)));
    drop(state);
    fail_all(sinks, &reason);
}

fn fail_all(sinks: Vec<Box<dyn Sink>>, reason: &Arc<str>) {
    for sink in sinks {
        sink.fail(TaskError::BrokenProcessPool {
            reason: Arc::clone(reason),
        });
    }
}

fn describe_death(pid: u32, status: io::Result<ExitStatus>) -> String {
    match status {
        Ok(status) => format!(
            "a worker process (pid {pid}) terminated abruptly ({status}) while the future was running or pending"
        ),
        Err(error) => format!("a worker process (pid {pid}) could not be waited for: {error}"),
    }
}

/// A started worker and the parent's ends of its channel.
struct Spawned {
    child: Child,
    requests: sys::Requests,
    results: sys::Results,
    /// The worker's ends, where the platform needs the parent to keep them until the worker has
    /// its own copies.
    child_ends: Option<ChildEnds>,
}

/// Starts this executable again as a worker. Its stdout and stderr are the program's own; the
/// protocol goes over a channel of its own (`sys/`), and stdin reads nothing: a worker reading
/// the terminal would fight the program for it (CPython's read nothing either).
fn spawn(init: Option<Request>) -> io::Result<Spawned> {
    let mut init_frame = Vec::new();
    if let Some(init) = &init {
        protocol::encode_into(init, &mut init_frame)?;
    }
    let mut command = Command::new(std::env::current_exe()?);
    let (mut requests, results, child_ends, how) = sys::channel(&mut command, init_frame.len())?;
    command
        .env(WORKER_ENV, format!("{}:{how}", std::process::id()))
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    let mut child = command.spawn()?;
    // Best effort: a program already in a Job Object that forbids nesting cannot put its
    // workers in one of its own; the end of the request channel still stops an orphan.
    let _ = sys::watch_over(&child);
    // The `Init` frame: on Windows the pipe was asked to hold all of it (`sys::channel`); on
    // Unix a worker that dies before reading it closes its end, and the write fails.
    if let Err(error) = requests.write_all(&init_frame) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(error);
    }
    Ok(Spawned {
        child,
        requests,
        results,
        child_ends,
    })
}
