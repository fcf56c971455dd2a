//! `flags2-async`: download flags with tokio, a semaphore limiting requests in flight, counting
//! every outcome, with a progress bar (the twin of `flags2_asyncio.py`).
//!
//! ```text
//! $ cargo run -p flags-async --bin flags2-async -- -s ERROR --seed 7 -m 50 -a
//! ERROR site: http://127.0.0.1:35121/flags
//! Searching for 194 flags: from AD to ZW
//! 50 concurrent connections will be used.
//! --------------------
//! 146 flags downloaded.
//!  48 errors.
//! Elapsed time: 2.23s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::flags2::main(flags_common::cli::ASYNC, flags_async::flags2::download_many)
}
