//! The synchronisation types the `Future` state machine is built from, switched between `std` and
//! loom by the crate's own `--cfg executor_core_loom` (the crossbeam and rayon idiom).
//!
//! Only the code that the loom models explore takes its types from here: `future/`, `wait.rs`'s
//! signal, and the thread pool's admission gate and sleep protocol (`thread_pool/gate.rs`,
//! `thread_pool/sleep.rs`). The rest of the pool uses `std` directly: loom cannot model real OS
//! threads or crossbeam's queue, and the models stand a small queue of their own in for it.
//!
//! A bare `--cfg loom` would also switch tokio's internals to loom and break the build, hence the
//! crate-specific name (see the `check-cfg` list in the workspace `Cargo.toml`).

#[cfg(not(executor_core_loom))]
pub(crate) use std::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering, fence},
};
#[cfg(not(executor_core_loom))]
pub(crate) use std::thread::yield_now;

#[cfg(executor_core_loom)]
pub(crate) use loom::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering, fence},
};
#[cfg(executor_core_loom)]
pub(crate) use loom::thread::yield_now;

/// Always `std`'s `Arc`, even under loom: the pool turns a future's `Arc<Inner<T>>` into an
/// `Arc<dyn Job>`, a coercion loom's mock `Arc` cannot do. Reference counts are not part of the
/// protocol the models check (states, the outcome cell, the mutex and the condition variable).
pub(crate) use std::sync::Arc;

#[cfg(executor_core_loom)]
pub(crate) use loom::cell::UnsafeCell;

/// Locks `mutex`, ignoring poisoning.
///
/// Poisoning cannot happen here: no code in this crate panics while it holds one of these locks
/// (user callbacks and tasks always run after the guard is dropped). Ignoring it instead of
/// unwrapping keeps a bug elsewhere from turning into a second panic in an unrelated thread.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `std`'s `UnsafeCell` wearing loom's closure-based API, so the same code compiles in both modes
/// and loom can check every access to the cell in the models.
#[cfg(not(executor_core_loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(executor_core_loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(std::cell::UnsafeCell::new(value))
    }

    /// Gives `f` a pointer for reading; the caller upholds the aliasing rules.
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Gives `f` a pointer for writing; the caller upholds the aliasing rules.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
