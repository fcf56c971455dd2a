//! The sequential programs' integration tests, one module per behaviour, in one test binary
//! (each binary links the whole HTTP and server stack; one link instead of six keeps
//! `cargo test` quick).
//!
//! Run one part with a filter: `cargo test -p flags-sequential --test it flags2_cli`.

mod builtin_server;
mod cli;
mod errors;
mod flags2_builtin;
mod flags2_cli;
mod flags2_interrupt;
mod misbehaving;
