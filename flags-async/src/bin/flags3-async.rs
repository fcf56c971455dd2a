//! `flags3-async`: per code, download the flag and then its `metadata.json`, and save the flag
//! under the country's name (the twin of `flags3_asyncio.py`).
//!
//! ```text
//! $ cargo run -p flags-async --bin flags3-async -- -v US BR
//! LOCAL site: http://127.0.0.1:36813/flags
//! Searching for 2 flags: BR, US
//! 2 concurrent connections will be used.
//! BR OK
//! US OK
//! --------------------
//!   2 flags downloaded.
//! Elapsed time: 0.02s
//! ```
//!
//! The files are `downloaded/Brazil.gif` and `downloaded/United_States_of_America.gif`.

fn main() -> std::process::ExitCode {
    flags_common::flags2::main(flags_common::cli::ASYNC, flags_async::flags3::download_many)
}
