//! One timed run of one style, and the site it runs against: a server child that records spans,
//! or a URL given on the command line.

use std::time::Duration;

use flags_common::flags2::Flags2Job;
use flags_common::harness::Job;
use flags_common::interrupt::Interrupt;
use flags_common::observe::Observer;
use flags_common::progress::Shown;
use flags_common::status::Counter;

use crate::measure::{Cost, measure};
use crate::server_process::{ServerProcess, Span};
use crate::style::Style;

/// Where the downloads go.
pub struct Site {
    /// The base URL of the flag site.
    pub base_url: String,
    /// The built-in server, when we started it (it records the spans).
    pub server: Option<ServerProcess>,
}

/// What one run did and cost.
#[derive(Debug, Clone)]
pub struct Run {
    /// Which style ran.
    pub style: Style,
    /// With how many requests in flight at most.
    pub concurrency: usize,
    /// How each download ended, as the strategy counted it.
    pub counter: Counter,
    /// Wall time, CPU, memory.
    pub cost: Cost,
    /// When each request was served (empty against a `--server` URL).
    pub spans: Vec<Span>,
}

/// The race was stopped by Ctrl-C (or SIGTERM) during a run: it ends without a table.
#[derive(Debug, thiserror::Error)]
#[error("interrupted: the run in flight finished, no table for an unfinished race")]
pub struct Interrupted;

/// Runs `style` once on `codes` with at most `concurrency` requests in flight, into a fresh
/// temporary folder (real files are written, as in the programs).
///
/// `interrupt` is the race's Ctrl-C flag, handed to the strategy as the flags2 programs hand
/// theirs: on Ctrl-C the run finishes what is in flight, and this returns [`Interrupted`] (its
/// folder removed as it returns).
///
/// `observer`, if any, goes into the job: the style tells it of each request and each outcome
/// (the `--live` view); the plain race passes `None`.
pub fn run_once(
    site: &mut Site,
    style: Style,
    concurrency: usize,
    codes: &[String],
    interrupt: &Interrupt,
    observer: Option<Observer>,
) -> anyhow::Result<Run> {
    if interrupt.is_set() {
        return Err(Interrupted.into());
    }
    let dest = tempfile::tempdir()?;
    let job = Flags2Job {
        job: Job {
            codes: codes.to_vec(),
            base_url: site.base_url.clone(),
            dest_dir: dest.path().to_path_buf(),
        },
        // The strategies' progress bars would land between the lines of the table.
        progress: Shown::Nothing,
        concur_req: concurrency,
        interrupt: interrupt.clone(),
        observer,
    };
    if let Some(server) = site.server.as_mut() {
        server.mark()?;
    }
    let (counter, cost) = measure(|| style.download_many(&job));
    if interrupt.is_set() {
        return Err(Interrupted.into());
    }
    let counter = counter?;
    let spans = match site.server.as_mut() {
        Some(server) => server.dump()?,
        None => Vec::new(),
    };
    Ok(Run {
        style,
        concurrency,
        counter,
        cost,
        spans,
    })
}

/// The median of some durations (the upper one of the middle two for an even count).
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
