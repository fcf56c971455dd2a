//! The thread-pool programs' integration tests, one module per behaviour, in one test binary
//! (each binary links the whole HTTP and server stack; one link instead of three keeps
//! `cargo test` quick).
//!
//! Run one part with a filter: `cargo test -p flags-threadpool --test it flags2`.

mod builtin_server;
mod cli;
mod flags2;
