//! The harness every flags2 and flags3 program shares: `main(download_many, ...)` of
//! `flags2_common.py`.
//!
//! A style crate supplies only its `download_many(&Flags2Job) -> Counter`; this module parses the
//! command line ([`cli`](crate::cli)), starts the flag site, prints the reports
//! ([`report`](crate::report)), times the run and turns Ctrl-C into a flag
//! ([`interrupt`](crate::interrupt)).
//!
//! Exit status: 0 when the run completed (even if some downloads failed: they are counted, that is
//! the program working), 2 for a usage error, 130 when Ctrl-C stopped the run (the report is
//! still printed), 1 when the program could not run at all (no server, no runtime).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{self, Concurrency};
use crate::harness::Job;
use crate::interrupt::{EXIT_INTERRUPTED, Interrupt};
use crate::observe::{Event, Observer};
use crate::progress::Shown;
use crate::report::{final_report, initial_report};
use crate::site::Site;
use crate::status::Counter;

/// Everything a flags2 `download_many` needs (the arguments of the Python version:
/// `cc_list, base_url, verbose, concur_req`, with `verbose` grown into [`Shown`]), plus the Ctrl-C
/// flag.
#[derive(Debug, Clone)]
pub struct Flags2Job {
    /// The codes (sorted), the site and the destination folder.
    pub job: Job,
    /// A progress bar, one line per code (`-v`), or nothing.
    pub progress: Shown,
    /// How many requests may be in flight at once (already capped for the style).
    pub concur_req: usize,
    /// Raised by Ctrl-C: start no more downloads.
    pub interrupt: Interrupt,
    /// Told of each request sent and each download counted, if anyone is watching (the race's
    /// `--live` view); `None` for the programs. See [`observe`](crate::observe).
    pub observer: Option<Observer>,
}

impl Flags2Job {
    /// Hands `event` to the observer, if there is one: what each style calls where a request
    /// starts and where an outcome is counted. Without an observer this is one branch.
    pub fn observe(&self, event: Event<'_>) {
        if let Some(observer) = &self.observer {
            observer.notify(event);
        }
    }
}

/// Runs a flags2 program: parse, report, download, report. This is the whole `main` of each one.
///
/// `download_many` returns the counts; an `Err` means the program could not run at all (for
/// example, no runtime or thread pool could be built). Failed downloads are counts, not errors.
pub fn main(
    concurrency: Concurrency,
    download_many: impl FnOnce(&Flags2Job) -> anyhow::Result<Counter>,
) -> ExitCode {
    let options = cli::parse(concurrency);
    raise_open_files_limit();
    // Installed before anything is printed: once the header is out, Ctrl-C is handled.
    let interrupt = match Interrupt::on_ctrl_c() {
        Ok(interrupt) => interrupt,
        Err(err) => return fail(&format!("could not install the Ctrl-C handler: {err}")),
    };
    let site = match Site::start(&options.server, options.seed) {
        Ok(site) => site,
        Err(err) => return fail(&format!("could not start the built-in flag server: {err}")),
    };
    if let Err(err) = std::fs::create_dir_all(&options.dest_dir) {
        return fail(&format!(
            "could not create {}: {err}",
            options.dest_dir.display()
        ));
    }
    say(&initial_report(
        &options.server_label,
        site.base_url(),
        &options.codes,
        options.concur_req,
    ));
    let job = Flags2Job {
        job: Job {
            codes: options.codes,
            base_url: site.base_url().to_owned(),
            dest_dir: options.dest_dir,
        },
        progress: if options.verbose {
            Shown::Verbose
        } else {
            Shown::Bar
        },
        concur_req: options.concur_req,
        interrupt,
        observer: None,
    };

    let t0 = Instant::now();
    let counter = match download_many(&job) {
        Ok(counter) => counter,
        Err(err) => return fail(&format!("{err:#}")),
    };
    let elapsed = t0.elapsed();
    let interrupted = job.interrupt.is_set();
    say(&final_report(
        &counter,
        job.job.codes.len(),
        elapsed,
        interrupted,
    ));
    if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else {
        ExitCode::SUCCESS
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn say(text: &str) {
    // Flushed at once so a reader of a pipe (a test, `tee`) sees the header before the run ends.
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Raises the soft limit on open files to the hard limit.
///
/// Every connection is a file descriptor, and with the built-in server in the same process each
/// one costs two (the client's end and the server's). `-e -m 1000` has 676 downloads in flight,
/// so well over 1,352 descriptors, past the soft limit of 1,024 most Linux sessions start with
/// (256 on macOS); the next `connect` would fail with "Too many open files". The soft limit is a
/// default any process may raise up to the hard limit (what `ulimit -n` does in a shell, which is
/// how Python users get past this), so we do it here rather than make every student type it.
/// Failure is harmless: the run then just hits the old limit as it would have anyway.
///
/// The `rlimit` crate knows the platforms' quirks: macOS refuses a soft limit above
/// `kern.maxfilesperproc` even when the hard limit says "unlimited", so it asks for no more than
/// that; Windows has no such limit on sockets or files, so there the call does nothing.
pub fn raise_open_files_limit() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
}
