//! The async programs' integration tests, one module per behaviour, in one test binary (each
//! binary links the whole HTTP and server stack; one link instead of five keeps `cargo test`
//! quick).
//!
//! Run one part with a filter: `cargo test -p flags-async --test it flags3_hostile`.

mod builtin_server;
mod cli;
mod errors;
mod flags2;
mod flags3_hostile;
mod pool;
