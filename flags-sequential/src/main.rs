//! `flags-sequential`: download 20 flags one after another and time it (the twin of `flags.py`).
//!
//! ```text
//! $ cargo run -p flags-sequential
//! Downloading from the built-in flag server at http://127.0.0.1:39325/flags (0.1-0.3 s per request, like a remote site)
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 downloads in 4.02s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::harness::main(flags_sequential::download_many)
}
