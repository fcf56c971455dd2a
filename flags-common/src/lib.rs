//! What the flag downloaders share: the twin of the helpers the chapter's scripts import from
//! `flags.py` and `flags2_common.py`.
//!
//! The downloaders (`flags-sequential`, `flags-threadpool`, `flags-async`) only bring their own
//! `download_many`; the country codes, saving a flag, the timing harness, the flags2 command
//! line, reports and progress bar live here. By default every program downloads from a flag
//! server it starts in-process (the `flags-server` crate), so everything works offline.
//!
//! # Layout
//! The `flags.py` harness:
//! - [`codes`]: `POP20_CC` and the 194 codes the flag site serves (from `flags-server`, which
//!   serves them).
//! - [`site`]: choosing where to download from: the built-in server, the public site or a URL.
//! - [`download`]: the error type, time limits, URL layout and GIF check every download style
//!   shares.
//! - [`redirect`]: the one redirect policy (which redirects are followed), for ureq and reqwest.
//! - [`save`]: writing a downloaded flag atomically into `downloaded/`.
//! - [`harness`]: `main(download_many)`, the timing harness of `flags.py`.
//!
//! The `flags2_common.py` harness:
//! - [`cli`]: the one command line of the flags2 and flags3 programs (`process_args`).
//! - [`status`]: `DownloadStatus` and the `Counter` of each run.
//! - [`report`]: the reports printed before and after a flags2 run.
//! - [`progress`]: the progress bar, one line per code in verbose mode, or nothing.
//! - [`interrupt`]: Ctrl-C (and SIGTERM) as a flag the download loops check, on every platform.
//! - [`flags2`]: `main(download_many)` of `flags2_common.py`, the harness of the flags2 programs.
//! - [`observe`]: an optional observer of a flags2 run (each request sent, each download
//!   counted), for a caller that draws the run itself: the race's `--live` view.
//!
//! What tests and benchmarks share (checking a download folder, stopping a program with Ctrl-C,
//! timing against a floor) is in `flags-testkit`, a dev-dependency only.

pub mod cli;
pub mod download;
pub mod flags2;
pub mod harness;
pub mod interrupt;
pub mod observe;
pub mod progress;
pub mod redirect;
pub mod report;
pub mod save;
pub mod site;
pub mod status;

pub use flags_server::codes;
