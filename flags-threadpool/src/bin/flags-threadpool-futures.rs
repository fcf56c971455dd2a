//! `flags-threadpool-futures`: `submit` + `as_completed` on 3 workers, printing the futures
//! themselves (the twin of `flags_threadpool_futures.py`).
//!
//! ```text
//! $ cargo run -p flags-threadpool --bin flags-threadpool-futures
//! Downloading from the built-in flag server at http://127.0.0.1:33577/flags (0.1-0.3 s per request, like a remote site)
//! Scheduled for BD: <Future at 0x559b10a32e00 state=pending>
//! Scheduled for BR: <Future at 0x559b10a33820 state=pending>
//! Scheduled for CD: <Future at 0x559b10a33b50 state=pending>
//! Scheduled for CN: <Future at 0x559b10a33e80 state=pending>
//! Scheduled for DE: <Future at 0x559b10a33f70 state=pending>
//! BR <Future at 0x559b10a33820 state=finished returned Result<String, DownloadError>> result: "BR"
//! BD <Future at 0x559b10a32e00 state=finished returned Result<String, DownloadError>> result: "BD"
//! CD <Future at 0x559b10a33b50 state=finished returned Result<String, DownloadError>> result: "CD"
//! CN <Future at 0x559b10a33e80 state=finished returned Result<String, DownloadError>> result: "CN"
//! DE <Future at 0x559b10a33f70 state=finished returned Result<String, DownloadError>> result: "DE"
//!
//! 5 downloads in 0.50s
//! ```
//!
//! Each line that ends with `result:` starts with the code `download_one` printed from its worker
//! thread a moment earlier, as in the Python original.

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_threadpool::download_many_futures)
}
