//! The [`Signal`] that `wait` and `as_completed` block on: the listener a future notifies when
//! it becomes done. It lives with the future's waiters, which call it, so the future module
//! depends on nothing above it (`wait.rs` and `as_completed.rs` use it from here).

use std::time::Instant;

use crate::sync::{Condvar, Mutex, lock};

/// A mailbox of "future number `token` is done" messages, shared by all futures one `wait` or
/// `as_completed` call watches: the counterpart of CPython's `_Waiter` objects.
pub(crate) struct Signal {
    finished: Mutex<Vec<usize>>,
    arrived: Condvar,
}

impl Signal {
    pub(crate) fn new() -> Self {
        Signal {
            finished: Mutex::new(Vec::new()),
            arrived: Condvar::new(),
        }
    }

    /// Called by a future (after releasing its own lock) when it becomes done.
    pub(crate) fn notify(&self, token: usize) {
        lock(&self.finished).push(token);
        self.arrived.notify_one();
    }

    /// Waits for at least one token or the deadline; `None` means the deadline passed first.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> Option<Vec<usize>> {
        let mut finished = lock(&self.finished);
        while finished.is_empty() {
            finished = match deadline {
                None => self
                    .arrived
                    .wait(finished)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return None;
                    }
                    self.arrived
                        .wait_timeout(finished, deadline - now)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
        }
        Some(std::mem::take(&mut *finished))
    }
}
