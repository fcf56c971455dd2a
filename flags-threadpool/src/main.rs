//! `flags-threadpool`: download 20 flags on a pool of threads with `ThreadPoolExecutor::map`
//! (the twin of `flags_threadpool.py`).
//!
//! ```text
//! $ cargo run -p flags-threadpool
//! Downloading from the built-in flag server at http://127.0.0.1:45091/flags (0.1-0.3 s per request, like a remote site)
//! BR CN BD CD DE EG ET ID FR IN JP IR MX NG PK PH RU TR US VN
//! 20 downloads in 0.81s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_threadpool::download_many)
}
