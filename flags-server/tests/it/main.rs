//! The flag server's integration tests, one module per behaviour, in one test binary (each
//! binary links the whole tokio and axum stack; one link instead of eight keeps
//! `cargo test` quick).
//!
//! Run one part with a filter: `cargo test -p flags-server --test it traversal`.

mod art;
mod binary;
mod builtin;
mod concurrency;
mod directory;
mod limits;
mod profile;
mod protocol;
mod shutdown;
// FIFOs are made with mkfifo, which Windows does not have.
#[cfg(unix)]
mod special_files;
mod support;
mod traversal;
