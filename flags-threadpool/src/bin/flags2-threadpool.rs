//! `flags2-threadpool`: download flags on a pool of threads with `submit` + `as_completed`,
//! counting every outcome, with a progress bar (the twin of `flags2_threadpool.py`).
//!
//! ```text
//! $ cargo run -p flags-threadpool --bin flags2-threadpool -- -e -m 100
//! LOCAL site: http://127.0.0.1:41035/flags
//! Searching for 676 flags: from AA to ZZ
//! 100 concurrent connections will be used.
//! --------------------
//! 194 flags downloaded.
//! 482 not found.
//! Elapsed time: 0.54s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::flags2::main(
        flags_common::cli::THREADPOOL,
        flags_threadpool::flags2::download_many,
    )
}
