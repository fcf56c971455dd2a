//! `flags-threadpool-futures`: `submit` + `as_completed` on 3 workers, printing the futures
//! themselves (the twin of `flags_threadpool_futures.py`).
//!
//! ```text
//! $ cargo run -p flags-threadpool --bin flags-threadpool-futures
//! Downloading from the built-in flag server at http://127.0.0.1:44539/flags (0.1-0.3 s per request, like a remote site)
//! Scheduled for BR: <Future at 0x55aa57351a10 state=pending>
//! Scheduled for CN: <Future at 0x55aa57352410 state=pending>
//! Scheduled for ID: <Future at 0x55aa57352de0 state=pending>
//! Scheduled for IN: <Future at 0x55aa573537b0 state=pending>
//! Scheduled for US: <Future at 0x55aa573538f0 state=pending>
//! BR <Future at 0x55aa57351a10 state=finished returned Result<String, DownloadError>> result: "BR"
//! CN <Future at 0x55aa57352410 state=finished returned Result<String, DownloadError>> result: "CN"
//! ID IN <Future at 0x55aa57352de0 state=finished returned Result<String, DownloadError>> result: "ID"
//! <Future at 0x55aa573537b0 state=finished returned Result<String, DownloadError>> result: "IN"
//! US <Future at 0x55aa573538f0 state=finished returned Result<String, DownloadError>> result: "US"
//!
//! 5 downloads in 0.37s
//! ```
//!
//! Each line that ends with `result:` starts with the code `download_one` printed from its worker
//! thread a moment earlier, as in the Python original (here `IN` finished before the main thread
//! printed `ID`'s line, so its code landed on that line). The five codes are the five most populous
//! countries (`POP20_CC[:5]`), scheduled in alphabetical order.

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_threadpool::download_many_futures)
}
