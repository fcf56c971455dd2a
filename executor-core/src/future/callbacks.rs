//! Done-callbacks (Python's `add_done_callback`) and the listeners that `wait`, `as_completed` and
//! `.await` register: everything a future must tell when it becomes done.
//!
//! Both lists live inside the future's mutex and are *taken out* by the thread that completes or
//! cancels the future; the calls happen after the mutex is released. That ordering is what lets a
//! callback call back into the same future (`future.result(None)` inside a callback) without
//! deadlocking, and it is why the lists can never be run twice: whoever empties them owns them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Waker;

use crate::errors::panic_message;
use crate::future::Future;
use crate::sync::Arc;
use crate::wait::Signal;

/// A boxed done-callback. `Send` because it may run in a worker thread.
pub(crate) type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send + 'static>;

/// Runs `callbacks` in order, each exactly once. A panicking callback is reported on stderr (as
/// Python logs "exception calling callback for <Future ...>") and does not stop the others.
pub(crate) fn run_callbacks<T>(future: &Future<T>, callbacks: Vec<Callback<T>>) {
    for callback in callbacks {
        run_callback(future, callback);
    }
}

/// Runs one callback, containing its panic.
pub(crate) fn run_callback<T>(future: &Future<T>, callback: Callback<T>) {
    // AssertUnwindSafe: the callback only sees `&Future<T>`, whose state is final and which
    // no panic can leave half-updated.
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(future))) {
        eprintln!(
            "exception calling callback for {future}: {}",
            panic_message(payload.as_ref())
        );
    }
}

/// Someone blocked on this future through `wait`, `as_completed` or `.await`.
pub(crate) enum Listener {
    /// `wait` / `as_completed`: push `token` into the shared signal.
    Signal { signal: Arc<Signal>, token: usize },
    /// An async task awaiting the future.
    Task(Waker),
}

impl Listener {
    fn notify(self) {
        match self {
            Listener::Signal { signal, token } => signal.notify(token),
            Listener::Task(waker) => waker.wake(),
        }
    }
}

/// Identifies one registered listener, so that it can be removed again when its owner gives up
/// (a `wait` that timed out, an `as_completed` iterator dropped early, an `.await` cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListenerId(u64);

/// The registered listeners of one future.
#[derive(Default)]
pub(crate) struct Listeners {
    next_id: u64,
    entries: Vec<(ListenerId, Listener)>,
}

impl Listeners {
    pub(crate) fn add(&mut self, listener: Listener) -> ListenerId {
        let id = ListenerId(self.next_id);
        self.next_id += 1;
        self.entries.push((id, listener));
        id
    }

    /// Replaces the waker of an existing task listener, or adds it if it was already notified.
    pub(crate) fn set_waker(&mut self, id: Option<ListenerId>, waker: &Waker) -> ListenerId {
        if let Some(id) = id {
            if let Some((_, Listener::Task(old))) = self.entries.iter_mut().find(|(i, _)| *i == id)
            {
                // Re-polled with the same waker (the common case): keep it, skip the clone.
                if !old.will_wake(waker) {
                    old.clone_from(waker);
                }
                return id;
            }
        }
        self.add(Listener::Task(waker.clone()))
    }

    pub(crate) fn remove(&mut self, id: ListenerId) {
        self.entries.retain(|(i, _)| *i != id);
    }

    /// Empties the list for notification, keeping the id counter so an id is never reused.
    pub(crate) fn take(&mut self) -> Listeners {
        Listeners {
            next_id: self.next_id,
            entries: std::mem::take(&mut self.entries),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Notifies every listener once; call after releasing the future's mutex.
    pub(crate) fn notify_all(self) {
        for (_, listener) in self.entries {
            listener.notify();
        }
    }
}
