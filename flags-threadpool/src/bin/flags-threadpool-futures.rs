//! `flags-threadpool-futures`: `submit` + `as_completed` on 3 workers, printing the futures
//! themselves (the twin of `flags_threadpool_futures.py`).
//!
//! ```text
//! $ cargo run -p flags-threadpool --bin flags-threadpool-futures
//! ```

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_threadpool::download_many_futures)
}
