//! The parent's side of one request: the completers of its futures (one for `submit`, one per
//! item for a `map` chunk), kept in the pool until the worker answers, fails, or is cancelled.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::de::DeserializeOwned;

use super::function::serialization_error;
use super::protocol::{Failure, Outcome};
use crate::errors::{TaskError, panic_message};
use crate::implementer::Completer;

/// What the pool can do with a request's futures without knowing their result type.
pub(crate) trait Sink: Send {
    /// Marks the futures running (Python's `set_running_or_notify_cancel`), removing the
    /// cancelled ones and their arguments from `args`. False if none is left to run.
    fn start(&mut self, args: &mut Vec<Vec<u8>>) -> bool;
    /// Decodes the worker's results into the futures.
    fn finish(self: Box<Self>, results: Vec<Outcome>);
    /// Fails every future with `error` (a broken pool).
    fn fail(self: Box<Self>, error: TaskError);
    /// Cancels every future (`shutdown(cancel_futures = true)`).
    fn cancel(self: Box<Self>);
    /// Every future of the request was cancelled: nobody waits for it to run.
    fn all_cancelled(&self) -> bool;
}

/// Decodes one result. `R`'s `Deserialize` is user code and may panic: that fails this future
/// like a panicking task, instead of killing the reader thread, which would leave the worker's
/// other futures waiting forever.
fn decode<R: DeserializeOwned>(bytes: &[u8]) -> Result<R, TaskError> {
    match catch_unwind(AssertUnwindSafe(|| postcard::from_bytes::<R>(bytes))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(serialization_error(format!(
            "could not decode a result sent by the worker: {error}"
        ))),
        Err(payload) => Err(TaskError::Panicked {
            message: format!(
                "decoding the result panicked: {}",
                panic_message(payload.as_ref())
            )
            .into(),
            location: None,
        }),
    }
}

pub(crate) struct Completers<R> {
    pub(crate) completers: Vec<Completer<R>>,
}

impl<R: DeserializeOwned + Send + 'static> Sink for Completers<R> {
    fn start(&mut self, args: &mut Vec<Vec<u8>>) -> bool {
        let mut keep = Vec::with_capacity(self.completers.len());
        for (index, completer) in self.completers.iter_mut().enumerate() {
            keep.push(matches!(completer.set_running_or_notify_cancel(), Ok(true)));
            debug_assert!(index < args.len());
        }
        if keep.iter().all(|&k| k) {
            return !self.completers.is_empty();
        }
        let mut flags = keep.iter();
        args.retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        // Dropping a cancelled future's completer is harmless: the future is already done.
        self.completers
            .retain(|_| flags.next().copied().unwrap_or(false));
        !self.completers.is_empty()
    }

    fn finish(self: Box<Self>, results: Vec<Outcome>) {
        // A missing result (a worker bug) leaves its completer to fail with `Abandoned`.
        for (completer, outcome) in self.completers.into_iter().zip(results) {
            let outcome = match outcome {
                Ok(bytes) => match decode::<R>(&bytes) {
                    Ok(value) => completer.set_result(value),
                    Err(error) => completer.set_exception(error),
                },
                Err(Failure::Panicked { message, location }) => {
                    completer.set_exception(TaskError::Panicked {
                        message: message.into(),
                        location: location.map(Into::into),
                    })
                }
                Err(Failure::Serialization(message)) => {
                    completer.set_exception(TaskError::Serialization {
                        message: message.into(),
                    })
                }
            };
            // Running futures cannot be cancelled, so completing them cannot fail.
            debug_assert!(outcome.is_ok());
        }
    }

    fn fail(self: Box<Self>, error: TaskError) {
        for completer in self.completers {
            // Fails only on a cancelled future, which is just as final.
            let _ = completer.set_exception(error.clone());
        }
    }

    fn cancel(self: Box<Self>) {
        for completer in self.completers {
            completer.future().cancel();
        }
    }

    fn all_cancelled(&self) -> bool {
        self.completers
            .iter()
            .all(|completer| completer.future().cancelled())
    }
}
