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

pub mod art;
pub mod bench;
pub mod codes;
pub mod countries;
pub mod download;
pub mod harness;
pub mod save;
pub mod server;
pub mod site;
pub mod verify;
