//! Registered functions: what crosses the process boundary instead of a closure. A closure's
//! code and captures cannot be sent to another process (Python cannot pickle a lambda either);
//! a function's *name* can, and the worker, running the same executable, looks the name up in
//! the same list.

use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::{SubmitError, TaskError};

/// A plain function a worker process can run, known by a name unique in the program.
///
/// Arguments and results are serde types (several arguments: a tuple). List every `Function`
/// the program uses in the call to [`run_worker_if_child`](super::run_worker_if_child).
///
/// ```
/// use executor_core::process_pool::Function;
///
/// fn square(n: u64) -> u64 {
///     n * n
/// }
/// static SQUARE: Function<u64, u64> = Function::new("square", square);
/// assert_eq!(SQUARE.name(), "square");
/// ```
pub struct Function<A, R> {
    name: &'static str,
    run: fn(A) -> R,
    _types: PhantomData<fn(A) -> R>,
}

impl<A, R> Function<A, R> {
    /// Names `run` for the worker processes; the name must be unique among registered functions.
    pub const fn new(name: &'static str, run: fn(A) -> R) -> Self {
        Function {
            name,
            run,
            _types: PhantomData,
        }
    }

    /// The name that travels over the pipe.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// This function applied to `args`: a task for
    /// [`ProcessPoolExecutor::submit`](crate::Executor::submit) (Python's `submit(fn, *args)`).
    ///
    /// ```
    /// use executor_core::process_pool::Function;
    ///
    /// static DOUBLE: Function<u32, u32> = Function::new("double", |n| n * 2);
    /// let call = DOUBLE.call(21);
    /// assert_eq!(call.function().name(), "double");
    /// ```
    pub fn call(&self, args: A) -> Call<A, R> {
        Call {
            function: *self,
            args,
        }
    }

    /// Runs the function here, in this process (what a worker does after decoding).
    /// The argument and result types, which the worker's function must share (see
    /// [`RemoteFunction::types`]).
    pub(crate) fn types(&self) -> Types {
        Types {
            args: std::any::type_name::<A>(),
            result: std::any::type_name::<R>(),
        }
    }

    pub(crate) fn run_here(&self, args: A) -> R {
        (self.run)(args)
    }
}

// Manual impls: a derive would ask `A: Copy` and `R: Copy`, which a fn pointer does not need.
impl<A, R> Clone for Function<A, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A, R> Copy for Function<A, R> {}

impl<A, R> fmt::Debug for Function<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Function({})", self.name)
    }
}

/// A registered function with its arguments: the process pool's task, like the
/// `(fn, args)` pair Python pickles for each `submit`.
pub struct Call<A, R> {
    pub(crate) function: Function<A, R>,
    pub(crate) args: A,
}

impl<A, R> Call<A, R> {
    /// The function this call will run.
    pub fn function(&self) -> Function<A, R> {
        self.function
    }
}

impl<A: fmt::Debug, R> fmt::Debug for Call<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({:?})", self.function.name, self.args)
    }
}

/// A [`Function`] with its types erased, as the worker's lookup table holds it. Implemented for
/// every `Function<A, R>` whose types are serde types; you never implement it yourself.
pub trait RemoteFunction: Send + Sync {
    /// The registered name.
    fn name(&self) -> &'static str;

    /// Decodes the arguments, runs the function in this process and encodes the result. A
    /// panic in the function unwinds out of this call; decoding or encoding failures are
    /// [`TaskError::Serialization`].
    fn call_encoded(&self, args: &[u8]) -> Result<Vec<u8>, TaskError>;

    /// The names of the argument and result types, to tell apart two functions that were given
    /// the same name.
    fn types(&self) -> Types;
}

/// The argument and result types of a [`Function`], by name (`std::any::type_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types {
    /// The argument type, `A` of `Function<A, R>`.
    pub args: &'static str,
    /// The result type, `R`.
    pub result: &'static str,
}

impl<A, R> RemoteFunction for Function<A, R>
where
    A: DeserializeOwned,
    R: Serialize,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn types(&self) -> Types {
        Function::types(self)
    }

    fn call_encoded(&self, args: &[u8]) -> Result<Vec<u8>, TaskError> {
        let args: A = postcard::from_bytes(args).map_err(|error| {
            serialization_error(format!(
                "could not decode the arguments of `{}`: {error}",
                self.name
            ))
        })?;
        let result = self.run_here(args);
        postcard::to_allocvec(&result).map_err(|error| {
            serialization_error(format!(
                "could not encode the result of `{}`: {error}",
                self.name
            ))
        })
    }
}

pub(crate) fn serialization_error(error: impl fmt::Display) -> TaskError {
    TaskError::Serialization {
        message: error.to_string().into(),
    }
}

/// The functions given to `run_worker_if_child`, in the parent as in the workers.
static REGISTRY: OnceLock<&'static [&'static dyn RemoteFunction]> = OnceLock::new();

/// Records the program's functions; the first call wins (the hook runs once, at the top of
/// `main`).
pub(crate) fn register(functions: &'static [&'static dyn RemoteFunction]) {
    let _ = REGISTRY.set(functions);
}

/// `None` if `run_worker_if_child` was never called in this process.
pub(crate) fn registry() -> Option<&'static [&'static dyn RemoteFunction]> {
    REGISTRY.get().copied()
}

/// Finds a registered function by name.
pub(crate) fn lookup(name: &str) -> Option<&'static dyn RemoteFunction> {
    registry()?.iter().copied().find(|f| f.name() == name)
}

/// Checks, before a submit, that the worker will find the function submitted under `name`:
/// registered, alone with that name, and with the same types.
///
/// Functions travel by name, as Python pickles a function by its qualified name, so a name
/// must pick out one function. Two functions with the same name *and* the same types cannot be
/// told apart this way; the registry's names must simply be unique.
pub(crate) fn check_registered(
    registry: &[&'static dyn RemoteFunction],
    name: &'static str,
    types: Types,
) -> Result<(), SubmitError> {
    let mut named = registry.iter().filter(|f| f.name() == name);
    let Some(registered) = named.next() else {
        return Err(SubmitError::UnknownFunction { name });
    };
    if named.next().is_some() {
        return Err(SubmitError::AmbiguousFunction {
            name,
            reason: "two registered functions have this name; give each its own".into(),
        });
    }
    if registered.types() != types {
        let theirs = registered.types();
        return Err(SubmitError::AmbiguousFunction {
            name,
            reason: format!(
                "the registered `{name}` takes {} and returns {}, the one submitted takes {} and returns {}",
                theirs.args, theirs.result, types.args, types.result
            )
            .into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(n: u64) -> u64 {
        n * 2
    }
    fn length(s: String) -> u64 {
        s.len() as u64
    }
    static DOUBLE: Function<u64, u64> = Function::new("double", double);
    static ALSO_DOUBLE: Function<u64, u64> = Function::new("double", double);
    static LENGTH_AS_DOUBLE: Function<String, u64> = Function::new("double", length);

    #[test]
    fn a_registered_function_passes() {
        assert!(check_registered(&[&DOUBLE], "double", DOUBLE.types()).is_ok());
    }

    #[test]
    fn a_missing_function_is_unknown() {
        assert!(matches!(
            check_registered(&[], "double", DOUBLE.types()),
            Err(SubmitError::UnknownFunction { name: "double" })
        ));
    }

    #[test]
    fn two_registered_functions_with_one_name_are_ambiguous() {
        assert!(matches!(
            check_registered(&[&DOUBLE, &ALSO_DOUBLE], "double", DOUBLE.types()),
            Err(SubmitError::AmbiguousFunction { name: "double", .. })
        ));
    }

    #[test]
    fn a_function_with_the_name_but_not_the_types_of_a_registered_one_is_refused() {
        let refused = check_registered(&[&DOUBLE], "double", LENGTH_AS_DOUBLE.types());
        let Err(SubmitError::AmbiguousFunction { reason, .. }) = refused else {
            panic!("expected AmbiguousFunction, got {refused:?}");
        };
        assert!(reason.contains("String"), "{reason}");
    }
}
