//! Everyone a future must tell when it becomes done: done-callbacks (Python's
//! `add_done_callback`) and the listeners that `wait`, `as_completed` and `.await` register.
//!
//! They share one list, kept in registration order inside the future's mutex. The thread that
//! completes or cancels the future *takes the whole list out* under the lock and calls it after
//! releasing the lock. That is why each callback runs exactly once (whoever empties the list owns
//! it) and why a callback may call back into its own future (`f.result(None)`) without
//! deadlocking.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Waker;

use thin_vec::ThinVec;

use super::signal::Signal;
use crate::errors::panic_message;
use crate::future::Future;
use crate::sync::Arc;

/// A boxed done-callback. `Send` because it may run in a worker thread.
pub(crate) type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send + 'static>;

/// Someone blocked on the future through `wait`, `as_completed` or `.await`.
pub(crate) enum Listener {
    /// `wait` / `as_completed`: push `token` into the shared signal.
    Signal { signal: Arc<Signal>, token: usize },
    /// An async task awaiting the future.
    Task(Waker),
}

/// Identifies one registered listener, so that it can be removed again when its owner gives up
/// (a `wait` that timed out, an `as_completed` iterator dropped early, an `.await` abandoned).
///
/// 32 bits keep a future small (see DESIGN.md, "Speed"); ids wrap after four billion
/// registrations *on one future*, and a clash would also need the old one to be still waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListenerId(u32);

/// One entry of the list.
pub(crate) enum Waiter<T> {
    Callback(Callback<T>),
    Listener(ListenerId, Listener),
}

/// Everyone waiting for one future: the list, the counter that names listeners, and the number of
/// threads blocked in `result()` and friends on the future's condition variable.
pub(crate) struct Waiters<T> {
    /// A `ThinVec` (one pointer; the length and capacity live in its heap block) rather than a
    /// `Vec` (three words): every future carries this list, and most never use it.
    entries: ThinVec<Waiter<T>>,
    next_id: u32,
    /// Threads parked on the future's condition variable. Completion calls `notify_all` only
    /// when this is non-zero, which saves a futex system call on every task nobody waits on.
    pub(crate) blocked: u32,
}

impl<T> Waiters<T> {
    pub(crate) const fn new() -> Self {
        Waiters {
            entries: ThinVec::new(),
            next_id: 0,
            blocked: 0,
        }
    }

    pub(crate) fn add_callback(&mut self, callback: Callback<T>) {
        self.entries.push(Waiter::Callback(callback));
    }

    pub(crate) fn add_listener(&mut self, listener: Listener) -> ListenerId {
        let id = ListenerId(self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
        self.entries.push(Waiter::Listener(id, listener));
        id
    }

    /// Replaces the waker of a registered task, or registers it (again, after a notification).
    pub(crate) fn set_waker(&mut self, id: Option<ListenerId>, waker: &Waker) -> ListenerId {
        let existing = self.entries.iter_mut().find_map(|entry| match entry {
            Waiter::Listener(i, Listener::Task(old)) if Some(*i) == id => Some((*i, old)),
            _ => None,
        });
        match existing {
            Some((id, old)) => {
                // Re-polled by the same task (the usual case): skip the clone.
                if !old.will_wake(waker) {
                    old.clone_from(waker);
                }
                id
            }
            None => self.add_listener(Listener::Task(waker.clone())),
        }
    }

    pub(crate) fn remove(&mut self, id: ListenerId) {
        self.entries
            .retain(|entry| !matches!(entry, Waiter::Listener(i, _) if *i == id));
    }

    /// Empties the list for announcing (the id counter and the blocked count stay).
    pub(crate) fn take(&mut self) -> ThinVec<Waiter<T>> {
        std::mem::take(&mut self.entries)
    }
}

/// True if any entry is a callback (they need the `CALLBACKS_RUNNING` step).
pub(crate) fn has_callbacks<T>(entries: &[Waiter<T>]) -> bool {
    entries
        .iter()
        .any(|entry| matches!(entry, Waiter::Callback(_)))
}

/// Wakes every listener, then runs the callbacks in the order added. Call it only after
/// releasing the future's mutex.
pub(crate) fn announce<T>(entries: ThinVec<Waiter<T>>, future: &Future<T>) {
    for entry in &entries {
        match entry {
            Waiter::Listener(_, Listener::Signal { signal, token }) => signal.notify(*token),
            // A waker is user code too (some async runtime's): one that panics must not keep the
            // other waiters, or the callbacks, from hearing of the result.
            Waiter::Listener(_, Listener::Task(waker)) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| waker.wake_by_ref())) {
                    eprintln!(
                        "a waker panicked when {future} completed: {}",
                        panic_message(payload.as_ref())
                    );
                }
            }
            Waiter::Callback(_) => {}
        }
    }
    for entry in entries {
        if let Waiter::Callback(callback) = entry {
            run_callback(future, callback);
        }
    }
}

/// Runs one callback, containing its panic: reported on stderr (as Python logs "exception
/// calling callback for <Future ...>") so that the remaining callbacks still run.
pub(crate) fn run_callback<T>(future: &Future<T>, callback: Callback<T>) {
    // AssertUnwindSafe: the callback only sees `&Future<T>`, whose state is final and which no
    // panic can leave half-updated.
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(future))) {
        eprintln!(
            "exception calling callback for {future}: {}",
            panic_message(payload.as_ref())
        );
    }
}
