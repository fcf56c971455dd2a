//! Handing queued requests to workers (`dispatch`, `feed`), closing the channels of idle workers
//! after shutdown, and breaking the pool: everything done under the pool lock.

use std::io::Write;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, MutexGuard, PoisonError};

use super::function::serialization_error;
use super::protocol::{self, Request};
use super::sink::Sink;
use super::{InFlight, Shared, State, sys, watcher};
use crate::errors::SubmitError;

/// After shutdown, once the queue is empty, an idle worker will never get another request:
/// closing its pipe tells it to exit. (A busy one is closed the same way once it is idle; a
/// request dropped because its futures were cancelled can make the queue empty at any time,
/// so every dispatch ends with this.)
pub(super) fn release_idle_workers(state: &mut State) {
    if state.shutdown && state.queue.is_empty() {
        for worker in &mut state.workers {
            if worker.in_flight.is_empty() {
                worker.requests = None;
            }
        }
    }
}

/// How many bytes of requests a busy worker may have waiting in its channel: one page, the
/// least the channel surely holds (a Linux pipe holds 64 KiB normally, one page when the user's
/// pipes use too much memory; a Unix socket's buffer is larger still, 8 KiB on macOS; the pool
/// asks Windows for 64 KiB pipes). A write within it never blocks, whatever the worker does.
const PIPE_BUDGET: usize = 4096;

/// The pool's state, locked. Futures that must fail while it is locked (`State::deferred`) fail
/// when it is unlocked: failing a future runs its done-callbacks, user code that may call back
/// into the pool, and so must never run under this lock.
pub(crate) struct Locked<'a> {
    guard: Option<MutexGuard<'a, State>>,
}

impl Locked<'_> {
    /// Unlocks, sleeps on `condvar` and locks again.
    pub(super) fn wait_on(mut self, condvar: &Condvar) -> Self {
        let guard = self.guard.take().unwrap_or_else(|| unreachable!("locked"));
        Locked {
            guard: Some(condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)),
        }
    }
}

impl Deref for Locked<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        self.guard
            .as_deref()
            .unwrap_or_else(|| unreachable!("locked"))
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut State {
        self.guard
            .as_deref_mut()
            .unwrap_or_else(|| unreachable!("locked"))
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        let deferred = std::mem::take(&mut guard.deferred);
        drop(guard);
        for (sink, error) in deferred {
            sink.fail(error);
        }
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> Locked<'_> {
        // No user code runs under this lock, so it is never poisoned by a task; recover anyway.
        Locked {
            guard: Some(self.state.lock().unwrap_or_else(PoisonError::into_inner)),
        }
    }

    /// Hands queued requests to workers, and starts a worker if requests are left over and the
    /// limit allows (Python's `_adjust_process_count`, one process per call). `feed_busy` also
    /// tops up workers that are running something (the reader threads do that, in batches).
    pub(super) fn dispatch(
        self: &Arc<Self>,
        state: &mut State,
        feed_busy: bool,
    ) -> Result<(), SubmitError> {
        let workers = state.workers.len().max(1);
        for index in 0..state.workers.len() {
            if state.queue.is_empty() {
                break;
            }
            // How many requests a worker may hold: one while the queue is short, so that long
            // tasks spread evenly over the workers; up to 64 when it is long, so that a flood
            // of small tasks travels in big writes. Written requests can no longer be
            // cancelled or moved to another worker; that is the price of the batches.
            let target = if feed_busy || state.workers[index].in_flight.is_empty() {
                1 + (state.queue.len() / (workers * 8)).min(63)
            } else {
                0
            };
            self.feed(state, index, target);
        }
        if !state.queue.is_empty()
            && state.workers.len() < self.max_workers
            && state.broken.is_none()
        {
            let index = watcher::start_worker(self, state)?;
            self.feed(state, index, 1);
        }
        release_idle_workers(state);
        Ok(())
    }

    /// Writes up to `target - in_flight` queued requests to worker `index`, in one write, as
    /// far as [`PIPE_BUDGET`] allows (see "Locks" in the module docs).
    pub(super) fn feed(&self, state: &mut State, index: usize, target: usize) {
        let mut frames = Vec::new();
        let mut written: Vec<InFlight> = Vec::new();
        loop {
            let worker = &state.workers[index];
            let tasks_left = self
                .max_tasks_per_child
                .is_none_or(|max| worker.sent + written.len() < max.get());
            if worker.requests.is_none()
                || worker.in_flight.len() + written.len() >= target
                || !tasks_left
            {
                break;
            }
            let Some(next) = state.queue.front() else {
                break;
            };
            // The oldest request the worker holds is the one it runs (read whole) or is reading,
            // so the first request of an idle worker may be of any size. Every later one may
            // sit unread in the pipe, and together they must fit in what it surely holds.
            let mut held = worker.in_flight.iter().chain(&written);
            let busy = held.next().is_some();
            let unread: usize = held.map(|request| request.bytes).sum();
            if busy && unread + next.frame_bound() > PIPE_BUDGET {
                break;
            }
            let Some(mut queued) = state.queue.pop_front() else {
                break;
            };
            if !queued.sink.start(&mut queued.args) {
                continue; // every future of it was cancelled while queued
            }
            let id = state.next_request;
            state.next_request += 1;
            let request = Request::Run {
                id,
                function: queued.function.to_owned(),
                args: queued.args,
            };
            let before = frames.len();
            if let Err(error) = protocol::encode_into(&request, &mut frames) {
                state
                    .deferred
                    .push((queued.sink, serialization_error(error)));
                continue;
            }
            written.push(InFlight {
                id,
                bytes: frames.len() - before,
                sink: queued.sink,
            });
        }
        let worker = &mut state.workers[index];
        if let (Some(requests), false) = (&mut worker.requests, frames.is_empty()) {
            // An error means the worker is dead or dying: its watcher will see it and break the
            // pool, failing these requests with the others.
            let _ = requests.write_all(&frames);
        }
        worker.sent += written.len();
        worker.in_flight.extend(written);
        let retire = self
            .max_tasks_per_child
            .is_some_and(|max| worker.sent >= max.get());
        if retire {
            // Closing the pipe tells the worker to exit after its last result; its watcher
            // then starts a replacement if work is waiting.
            worker.requests = None;
        }
    }

    /// Marks the pool broken, kills the workers and takes every unfinished request, to be failed
    /// by the caller once the lock is released.
    pub(super) fn break_pool(&self, state: &mut State, reason: Arc<str>) -> Vec<Box<dyn Sink>> {
        state.broken.get_or_insert(reason);
        let mut sinks: Vec<Box<dyn Sink>> = state.queue.drain(..).map(|q| q.sink).collect();
        for worker in &mut state.workers {
            worker.requests = None;
            sinks.extend(worker.in_flight.drain(..).map(|r| r.sink));
            if !worker.exited {
                sys::kill(worker.process);
            }
        }
        sinks
    }
}
