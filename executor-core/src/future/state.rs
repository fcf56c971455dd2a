//! The `Future` state machine as one byte: Python's `PENDING`, `RUNNING`, `FINISHED`, `CANCELLED`,
//! plus two flag bits Rust needs and Python does not.
//!
//! ```text
//!              set_running_or_notify_cancel          set_result / set_exception
//!   PENDING ───────────────────────────────▶ RUNNING ─────────────────────────▶ FINISHED
//!      │  ╲                                                                      ▲
//!      │   ╲────────── set_result / set_exception (executors that skip RUNNING) ─╯
//!      │ cancel
//!      ▼
//!   CANCELLED
//! ```
//!
//! `FINISHED` and `CANCELLED` are final: no transition leaves them. Python's fifth state,
//! `CANCELLED_AND_NOTIFIED`, is gone: this crate notifies waiters in the same step that cancels, so
//! a future cancelled by `shutdown(cancel_futures = true)` is immediately done for `wait` and
//! `as_completed` (in CPython it is not, and `wait` can hang).
//!
//! The flag [`CALLBACKS_RUNNING`] rides along with `FINISHED` while the completing thread still runs
//! done-callbacks that were registered before completion. Those callbacks may hold a `&T` borrowed
//! from the stored value, so [`into_result`](crate::Future::into_result), which moves the value
//! out, waits for the flag to clear. Everything else treats `FINISHED | CALLBACKS_RUNNING` as
//! `FINISHED`.
//!
//! The flag [`WATCHED`] is set, under the future's mutex, by anyone who starts waiting for the
//! future there: a done-callback, a `wait`/`as_completed`/`.await` listener, a thread blocked in
//! `result()`. While it is clear, nobody can be waiting, and the executor may finish a running
//! future with a single compare-and-swap, without the lock (see `Future::complete`). Most pool
//! tasks finish before anyone looks at them, so this is the common case.

/// Submitted, not started; the only state `cancel` can leave.
pub(crate) const PENDING: u8 = 0;
/// A worker has claimed the task; it can no longer be cancelled.
pub(crate) const RUNNING: u8 = 1;
/// The outcome (value or error) is stored. Final.
pub(crate) const FINISHED: u8 = 2;
/// Cancelled while pending; no outcome will ever be stored. Final.
pub(crate) const CANCELLED: u8 = 3;
/// Set together with `FINISHED` while pre-registered callbacks run in the completing thread.
pub(crate) const CALLBACKS_RUNNING: u8 = 0b100;

/// Set under the mutex by whoever registers to be told of completion; see the module docs.
pub(crate) const WATCHED: u8 = 0b1000;

/// The state without the flags.
pub(crate) const fn base(word: u8) -> u8 {
    word & !(CALLBACKS_RUNNING | WATCHED)
}

/// `FINISHED` or `CANCELLED`: what Python's `done()` reports.
pub(crate) const fn is_done(word: u8) -> bool {
    matches!(base(word), FINISHED | CANCELLED)
}

/// Done, and no callback can still be reading the value: safe to move the value out.
pub(crate) const fn is_settled(word: u8) -> bool {
    is_done(word) && word & CALLBACKS_RUNNING == 0
}

/// The lowercase name Python's repr uses.
pub(crate) const fn name(word: u8) -> &'static str {
    match base(word) {
        PENDING => "pending",
        RUNNING => "running",
        FINISHED => "finished",
        _ => "cancelled",
    }
}
