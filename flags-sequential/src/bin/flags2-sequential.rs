//! `flags2-sequential`: download flags one at a time, counting every outcome, with a progress bar
//! (the twin of `flags2_sequential.py`).
//!
//! ```text
//! $ cargo run -p flags-sequential --bin flags2-sequential -- -s ERROR --seed 7 -a -l 12
//! ERROR site: http://127.0.0.1:38217/flags
//! Searching for 12 flags: from AD to BA
//! 1 connection will be used.
//! --------------------
//!  10 flags downloaded.
//!   2 errors.
//! Elapsed time: 6.24s
//! ```

fn main() -> std::process::ExitCode {
    flags_common::flags2::main(
        flags_common::cli::SEQUENTIAL,
        flags_sequential::flags2::download_many,
    )
}
