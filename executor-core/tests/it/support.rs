//! Helpers shared by the modules of this test binary: a generous timeout, futures made ready in
//! each final state through the implementer API, and a task that blocks until the test lets it go.

use std::sync::mpsc;
use std::time::Duration;

use executor_core::implementer::new_future;
use executor_core::{Future, TaskError};

/// A generous timeout for "this will happen soon" waits: long enough never to flake on a busy
/// machine, short enough to fail a broken test instead of hanging CI.
pub const SOON: Duration = Duration::from_secs(60);

/// A future finished with `value`.
pub fn finished<T>(value: T) -> Future<T> {
    let (future, completer) = new_future();
    completer
        .set_result(value)
        .expect("a fresh future accepts a result");
    future
}

/// A future failed as if its task had panicked with `message`.
pub fn failed<T>(message: &str) -> Future<T> {
    let (future, completer) = new_future();
    completer
        .set_exception(TaskError::Panicked {
            message: message.into(),
            location: None,
        })
        .expect("a fresh future accepts an exception");
    future
}

/// A future cancelled while pending.
pub fn cancelled<T>() -> Future<T> {
    let (future, _completer) = new_future();
    assert!(future.cancel());
    future
}

/// The test's side of [`gated_task`]: learn that the task started, let it finish.
pub struct Gate {
    /// Receives once the task has started.
    pub started: mpsc::Receiver<()>,
    /// Send (or drop) to let the task return.
    pub release: mpsc::Sender<()>,
}

/// A task that reports when it starts, then blocks until released (or until the [`Gate`] is
/// dropped), and returns 7. A channel, not a sleep, so the test decides when it ends.
pub fn gated_task() -> (Gate, impl FnOnce() -> u32 + Send + 'static) {
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let task = move || {
        // The test may have dropped its gate already: it no longer cares when this started.
        let _ = started_tx.send(());
        let _ = released.recv();
        7
    };
    (Gate { started, release }, task)
}
