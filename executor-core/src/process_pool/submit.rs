//! What `submit` and `map` do for a process pool: encode the arguments, queue a request for
//! them (one per `submit`, one per `map` chunk), and hand it to a worker.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::function::{self, Call, Function, Types, serialization_error};
use super::sink::Completers;
use super::{ProcessPoolExecutor, Queued};
use crate::errors::{SubmitError, TaskError};
use crate::executor::{MapFn, Task};
use crate::future::Future;
use crate::implementer::{self, Completer};

impl ProcessPoolExecutor {
    fn submit_queued(&self, queued: Queued, types: Types) -> Result<(), SubmitError> {
        let Some(registry) = function::registry() else {
            return Err(SubmitError::NoWorkerHook);
        };
        function::check_registered(registry, queued.function, types)?;
        let mut state = self.shared.lock();
        if let Some(reason) = &state.broken {
            return Err(SubmitError::BrokenProcessPool {
                reason: Arc::clone(reason),
            });
        }
        if state.shutdown {
            return Err(SubmitError::Shutdown);
        }
        state.queue.push_back(queued);
        if let Err(error) = self.shared.dispatch(&mut state, false) {
            // No worker could start. With workers running, they will get to the request; with
            // none, it would wait forever: take it back and refuse it.
            if state.workers.is_empty() {
                let refused = state.queue.pop_back();
                drop(state);
                drop(refused);
                return Err(error);
            }
        }
        Ok(())
    }
}

/// Encodes the arguments of one call; a failure becomes a future failed at once. (Postcard
/// keeps no custom message, so the error says whose arguments failed.)
pub(super) fn encode_args<A: Serialize>(name: &str, args: &A) -> Result<Vec<u8>, TaskError> {
    postcard::to_allocvec(args).map_err(|error| {
        serialization_error(format!(
            "could not encode the arguments of `{name}`: {error}"
        ))
    })
}

fn failed_future<R>(error: TaskError) -> Future<R> {
    let (future, completer) = implementer::new_future();
    // A brand-new future cannot be in a final state, so this cannot fail.
    let _ = completer.set_exception(error);
    future
}

impl<A, R> Task<ProcessPoolExecutor> for Call<A, R>
where
    A: Serialize + Send + 'static,
    R: DeserializeOwned + Send + 'static,
{
    type Output = R;

    fn submit_to(self, executor: &ProcessPoolExecutor) -> Result<Future<R>, SubmitError> {
        let args = match encode_args(self.function.name(), &self.args) {
            Ok(args) => args,
            // Only this future fails, like a PicklingError in Python; the pool is untouched.
            Err(error) => return Ok(failed_future(error)),
        };
        let (future, completer) = implementer::new_future();
        executor.submit_queued(
            Queued {
                function: self.function.name(),
                args: vec![args],
                sink: Box::new(Completers {
                    completers: vec![completer],
                }),
            },
            self.function.types(),
        )?;
        Ok(future)
    }
}

impl<A, R> MapFn<ProcessPoolExecutor, A> for Function<A, R>
where
    A: Serialize + Send + 'static,
    R: DeserializeOwned + Send + 'static,
{
    type Output = R;

    fn submit_item(
        self: Arc<Self>,
        executor: &ProcessPoolExecutor,
        item: A,
    ) -> Result<Future<R>, SubmitError> {
        self.call(item).submit_to(executor)
    }

    /// One request for the whole chunk: one message each way, however many items.
    fn submit_chunk(
        self: Arc<Self>,
        executor: &ProcessPoolExecutor,
        items: Vec<A>,
    ) -> Result<Vec<Future<R>>, SubmitError> {
        let mut futures = Vec::with_capacity(items.len());
        let mut args = Vec::with_capacity(items.len());
        let mut completers: Vec<Completer<R>> = Vec::with_capacity(items.len());
        for item in &items {
            match encode_args(self.name(), item) {
                Ok(encoded) => {
                    let (future, completer) = implementer::new_future();
                    futures.push(future);
                    args.push(encoded);
                    completers.push(completer);
                }
                Err(error) => futures.push(failed_future(error)),
            }
        }
        if !completers.is_empty() {
            executor.submit_queued(
                Queued {
                    function: self.name(),
                    args,
                    sink: Box::new(Completers { completers }),
                },
                self.types(),
            )?;
        }
        Ok(futures)
    }
}
