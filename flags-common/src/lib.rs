//! What the flag downloaders share, and a built-in flag server so every program works offline.
//!
//! This crate is the twin of the helpers the chapter's scripts import from `flags.py` and
//! `flags2_common.py`: the country codes, saving a flag, the timing harness, plus the server that
//! `slow_server.py` provides. The downloaders (`flags-sequential`, `flags-threadpool`,
//! `flags-async`) only bring their own `download_many`; everything else lives here.
//!
//! # Layout
//! - [`codes`]: `POP20_CC` and the 194 codes the flag site serves.
//! - [`countries`]: the metadata of those 194 countries (`metadata.json` on the site).
//! - [`art`]: our own flag drawings, encoded as GIFs.
//! - [`server`]: the built-in flag server (library API; the `flags-server` binary wraps it).
//! - [`site`]: choosing where to download from: the embedded server, the public site or a URL.
//! - [`download`]: the error type and URL layout every download style shares.
//! - [`save`]: writing a downloaded flag atomically into `downloaded/`.
//! - [`harness`]: `main(download_many)`, the timing harness of `flags.py`.
//! - [`verify`]: checking that a run saved every flag, whole and valid.
//! - [`bench`]: timing a strategy against a server of fixed latency, for the bench binaries.
//! - [`cli`]: the one command line of the flags2 and flags3 programs (`process_args`).
//! - [`status`]: `DownloadStatus` and the `Counter` of each run.
//! - [`report`]: the reports printed before and after a flags2 run.
//! - [`progress`]: the progress bar, or one line per code in verbose mode.
//! - [`interrupt`]: Ctrl-C (and SIGTERM) as a flag the download loops check, on every platform.
//! - [`flags2`]: `main(download_many)` of `flags2_common.py`, the harness of the flags2 programs.
//! - [`testing`]: what the flags2 tests of every style share (check the folder; on Unix, stop a
//!   child with Ctrl-C or SIGTERM).
//! - [`speed`]: running a flags2 program as a child process and measuring its time, CPU and memory.
//! - [`bare`]: the least a client can do per flag, timed beside the downloaders as a floor.

pub mod art;
pub mod bare;
pub mod bench;
pub mod cli;
pub mod codes;
pub mod countries;
pub mod download;
pub mod flags2;
pub mod harness;
pub mod interrupt;
pub mod progress;
pub mod report;
pub mod save;
pub mod server;
pub mod site;
pub mod speed;
pub mod status;
pub mod testing;
pub mod verify;
