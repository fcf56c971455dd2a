//! The pool's admission gate: how `submit` and `shutdown` agree, without a shared lock, that no
//! job enters the queue once shutdown has begun (CPython's `_shutdown_lock` does this job).
//!
//! One atomic word holds two flags and a count of submits in progress:
//!
//! * `submit` *enters* (adds one submitter), pushes its job, and *leaves* (subtracts one); if the
//!   word says `CLOSED` when it enters, it leaves at once and refuses the task;
//! * `close` sets `CLOSED`, waits until the count of submitters in progress drops to zero, then
//!   sets `DRAINED`.
//!
//! Every change is a read-modify-write on the same word, and those are totally ordered: a submit
//! that entered before `CLOSED` was set is counted, and `close` waits for its push; a submit that
//! enters after it sees the flag. So once a worker reads `DRAINED`, no job can ever arrive again,
//! and "drained and the queue is empty" is a safe moment for it to exit.

use crate::sync::{AtomicUsize, Ordering, yield_now};

/// Set by `close`: new submits are refused.
const CLOSED: usize = 1;
/// Set by `close` once no submit is in progress: the queue can only shrink from now on.
const DRAINED: usize = 2;
/// The count of submits in progress lives above the two flags.
const ONE_SUBMITTER: usize = 4;

/// See the module docs.
pub(crate) struct Gate {
    word: AtomicUsize,
}

/// A submit in progress; leaving the gate when dropped (also on unwinding).
pub(crate) struct Pass<'a> {
    gate: &'a Gate,
}

impl Gate {
    pub(crate) fn new() -> Self {
        Gate {
            word: AtomicUsize::new(0),
        }
    }

    /// Enters the gate for one push, or `None` once it is closed.
    pub(crate) fn enter(&self) -> Option<Pass<'_>> {
        // Relaxed would do for the count itself (read-modify-writes on one word are totally
        // ordered whatever their ordering); Acquire pairs with `close`'s Release so that a
        // refused submitter also sees what the closing thread wrote before, e.g. the broken
        // reason it is about to report.
        let word = self.word.fetch_add(ONE_SUBMITTER, Ordering::Acquire);
        let pass = Pass { gate: self };
        if word & CLOSED != 0 {
            // Dropping the pass leaves again; `close` may be waiting for exactly that.
            drop(pass);
            return None;
        }
        Some(pass)
    }

    /// Refuses new submits, waits for those in progress to finish their push, then marks the gate
    /// drained. Safe to call more than once and from several threads.
    pub(crate) fn close(&self) {
        let mut word = self.word.fetch_or(CLOSED, Ordering::AcqRel);
        // A submit in progress only pushes one job (or starts one thread): a few microseconds.
        // Yielding rather than sleeping keeps shutdown quick; yielding rather than spinning lets a
        // preempted submitter run again on a busy machine.
        while word >= ONE_SUBMITTER {
            yield_now();
            // Acquire: pairs with the Release of each leaving submitter, so its push is visible
            // to this thread, and through the Release below, to every worker that sees DRAINED.
            word = self.word.load(Ordering::Acquire);
        }
        self.word.fetch_or(DRAINED, Ordering::Release);
    }

    /// True once `close` finished: no job can be pushed any more.
    pub(crate) fn is_drained(&self) -> bool {
        // Acquire: pairs with the Release that set DRAINED, carrying every push made before it.
        self.word.load(Ordering::Acquire) & DRAINED != 0
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        // Release: the push made under this pass happens before `close` sees the count drop.
        self.gate.word.fetch_sub(ONE_SUBMITTER, Ordering::Release);
    }
}
