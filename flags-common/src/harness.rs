//! The timing harness every first-generation downloader shares: `main(download_many)` of `flags.py`.
//!
//! Each style crate supplies only its `download_many`; this module parses the command line, starts
//! the flag site, times the call, and prints the summary line (`20 downloads in 1.23s`). Keeping the
//! harness in one place is what makes the three programs comparable: the only thing that differs
//! between them is the strategy being timed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::codes::POP20_CC;
use crate::save::DEST_DIR;
use crate::site::{DEFAULT_SEED, ServerChoice, Site};

// ANCHOR: job
/// Everything a `download_many` strategy needs: which flags, from where, and where to save them.
#[derive(Debug, Clone)]
pub struct Job {
    /// Country codes to download, upper case (`POP20_CC` unless a test says otherwise).
    pub codes: Vec<String>,
    /// Base URL of the flag site, e.g. `http://127.0.0.1:8001/flags`.
    pub base_url: String,
    /// Folder the flags are saved into (`downloaded/` by default).
    pub dest_dir: PathBuf,
}
// ANCHOR_END: job

impl Job {
    /// The job the programs run: the 20 most populous countries, saved into `downloaded/`.
    pub fn pop20(base_url: impl Into<String>) -> Job {
        Job {
            codes: POP20_CC.iter().map(|cc| cc.to_string()).collect(),
            base_url: base_url.into(),
            dest_dir: PathBuf::from(DEST_DIR),
        }
    }

    /// The codes in alphabetical order: the order the sequential script downloads them in.
    pub fn sorted_codes(&self) -> Vec<String> {
        let mut codes = self.codes.clone();
        codes.sort();
        codes
    }
}

/// Command-line options of the first-generation programs (the flags2 programs have more).
#[derive(Debug, Parser)]
#[command(about = "Download the flags of the 20 most populous countries and time it.")]
struct Args {
    /// Where to download from: LOCAL, DELAY, ERROR (built-in server profiles), REMOTE (the book's
    /// public site) or an http(s):// base URL. Default: the built-in server with 0.1-0.3 s latency.
    #[arg(short, long, value_name = "LABEL|URL")]
    server: Option<ServerChoice>,

    /// Seed for the built-in server's random delays and errors, for reproducible runs.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

// ANCHOR: main
/// Runs `download_many` on the 20 most populous countries and prints how long it took.
///
/// This is the whole `main` of each first-generation program. `download_many` prints each code as
/// its flag is saved and returns how many it saved; an error ends the run with a message and a
/// non-zero exit status (usage errors exit with 2, like Python's argparse).
pub fn main(download_many: impl FnOnce(&Job) -> anyhow::Result<usize>) -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            // clap prints the message (and exits 0 for --help, 2 for usage errors).
            err.exit();
        }
    };
    let site = match Site::start(&args.server.unwrap_or_default(), args.seed) {
        Ok(site) => site,
        Err(err) => {
            eprintln!("error: could not start the built-in flag server: {err}");
            return ExitCode::FAILURE;
        }
    };
    say(&format!("Downloading from the {site}"));
    let job = Job::pop20(site.base_url());

    let t0 = Instant::now();
    let outcome = download_many(&job);
    let elapsed = t0.elapsed();
    // The strategies print codes on one line without a newline; end it before anything else.
    say("");
    match outcome {
        Ok(count) => {
            say(&format!(
                "{count} downloads in {:.2}s",
                elapsed.as_secs_f64()
            ));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main

/// Prints one line on stdout. A closed stdout (`| head`) must not end the program with a
/// panic: `println!` panics on a broken pipe, so the error is ignored here instead.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Parses the command line, naming the program after the binary that runs (not this library).
fn parse_args() -> Result<Args, clap::Error> {
    let name = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "flags".to_owned());
    let matches = Args::command().bin_name(name).try_get_matches()?;
    Args::from_arg_matches(&matches)
}

/// Prints a code followed by a space and flushes, so codes appear one by one as flags arrive
/// (stdout is line-buffered and our line only ends when the run does).
pub fn show_progress(cc: &str) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not abort the download: ignore the write error.
    let _ = write!(out, "{cc} ");
    let _ = out.flush();
}
