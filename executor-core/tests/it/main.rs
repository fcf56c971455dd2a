//! executor-core's integration tests, in one binary: one module per subject, using the crate as
//! a Python user of `concurrent.futures` would. Ported tests name the CPython test they follow
//! (`Lib/test/test_concurrent_futures/`, PSF-licensed); the cases are CPython's, the code ours.
//!
//! One binary, not one per file, because every file in `tests/` is a crate of its own that links
//! executor-core and its dev-dependencies (tokio among them) again: five links became one. Two
//! test files stay apart on purpose: `tests/process_pool.rs` has its own `main` (the workers are
//! that binary started again), and `tests/loom.rs` is built only with
//! `RUSTFLAGS="--cfg executor_core_loom"`.
//!
//! ```text
//! cargo test -p executor-core --test it                  # all of them
//! cargo test -p executor-core --test it thread_pool::    # one module
//! cargo test -p executor-core --test it map_             # by name
//! ```

mod async_bridge;
mod future;
mod stress;
mod support;
mod thread_pool;
mod wait_and_as_completed;
