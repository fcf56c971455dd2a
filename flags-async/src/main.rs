//! `flags-async`: download 20 flags concurrently with tokio and reqwest (the twin of
//! `flags_asyncio.py`).
//!
//! ```text
//! $ cargo run -p flags-async
//! Downloading from the built-in flag server at http://127.0.0.1:40117/flags (0.1-0.3 s per request, like a remote site)
//! ID PK BR CN EG JP RU NG IN VN US MX ET DE FR BD IR TR CD PH
//! 20 downloads in 0.31s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_async::download_many)
}
