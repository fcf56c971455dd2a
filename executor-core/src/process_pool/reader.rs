//! The parent's thread for one worker process: it starts the process, reads its results and
//! completes the futures, and notices when the process dies (Python's management thread, one
//! per worker here so that a blocking read per pipe is all it takes).
//!
//! The thread, not `submit`, starts the process because Linux's `PR_SET_PDEATHSIG` (set by the
//! worker, see `worker.rs`) fires when the *thread* that forked the worker exits, not the whole
//! process. A submitting thread may be short-lived; this thread lives exactly as long as its
//! worker.

use std::io::{self, BufReader};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, mpsc};
use std::thread;

use super::protocol::{self, Request, Response};
use super::worker::WORKER_ENV;
use super::{Shared, Sink, State, WorkerSlot};
use crate::errors::{SubmitError, TaskError};

/// Starts one worker process (through its reader thread) and adds it to the pool; returns its
/// index in `state.workers`. Called with the pool lock held, so two submits cannot both start
/// the last allowed worker; the new thread does not touch the lock until after the hand-shake.
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
        .name(format!("process-pool-worker-{id}"))
        .spawn(move || run(&thread_shared, id, init, &started_tx))
        .map_err(|error| SubmitError::SpawnProcess(Arc::new(error)))?;
    let (pid, stdin) = match started_rx.recv() {
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
    state.threads.retain(|thread| !thread.is_finished());
    state.threads.push(handle);
    state.processes_started += 1;
    state.workers.push(WorkerSlot {
        id,
        pid,
        stdin: Some(stdin),
        in_flight: Default::default(),
        sent: 0,
        exited: false,
    });
    Ok(state.workers.len() - 1)
}

type Started = io::Result<(u32, ChildStdin)>;

/// The thread's body: start the worker, hand its request pipe to the pool, read results until
/// the pipe closes, reap the process and either retire it or break the pool.
fn run(shared: &Arc<Shared>, id: u64, init: Option<Request>, started: &mpsc::SyncSender<Started>) {
    let (mut child, stdout) = match spawn(init) {
        Ok((mut child, stdin, stdout)) => {
            if started.send(Ok((child.id(), stdin))).is_err() {
                // `start_worker` is gone (it cannot be, but then nobody owns this process).
                let _ = child.kill();
                let _ = child.wait();
                return;
            }
            (child, stdout)
        }
        Err(error) => {
            let _ = started.send(Err(error));
            return;
        }
    };
    let failure = read_results(shared, id, stdout);
    if failure.is_some() {
        // The worker may still be alive (it sent something we cannot use): it must not be
        // waited for while it waits for us. Not reaped yet, so its pid is still ours to kill.
        let _ = child.kill();
    }
    let clean = {
        let mut state = shared.lock();
        let Some(worker) = state.workers.iter_mut().find(|w| w.id == id) else {
            return;
        };
        worker.exited = true;
        failure.is_none() && worker.stdin.is_none() && worker.in_flight.is_empty()
    };
    // Reap outside the lock: a process that closed its output is exiting, but may not be gone.
    let status = child.wait();

    let mut state = shared.lock();
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

fn spawn(init: Option<Request>) -> io::Result<(Child, ChildStdin, ChildStdout)> {
    let mut child = Command::new(std::env::current_exe()?)
        .env(WORKER_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(io::Error::other("the worker's pipes were not created"));
    };
    if let Some(init) = init
        && let Err(error) = protocol::write_message(&mut stdin, &init)
    {
        let _ = child.kill();
        let _ = child.wait();
        return Err(error);
    }
    Ok((child, stdin, stdout))
}

/// Reads results until end of file. Returns why the worker must count as failed, if it must
/// beyond what the end of file shows (an initializer that failed, an unreadable message).
fn read_results(shared: &Arc<Shared>, id: u64, stdout: ChildStdout) -> Option<String> {
    let mut input = BufReader::with_capacity(64 * 1024, stdout);
    match protocol::expect_greeting(&mut input) {
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
                        _ => {
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
