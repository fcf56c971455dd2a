//! `flags2-async-executor`: `flags2-async`, saving each flag through executor-core's thread pool
//! and awaiting the executor's future (the twin of `flags2_asyncio_executor.py`).
//!
//! ```text
//! $ cargo run -p flags-async --bin flags2-async-executor -- -v BR XX
//! LOCAL site: http://127.0.0.1:44391/flags
//! Searching for 2 flags: BR, XX
//! 2 concurrent connections will be used.
//! XX not found: http://127.0.0.1:44391/flags/xx/xx.gif
//! BR OK
//! --------------------
//!   1 flag downloaded.
//!   1 not found.
//! Elapsed time: 0.00s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::flags2::main(
        flags_common::cli::ASYNC,
        flags_async::flags2_executor::download_many,
    )
}
