//! One timed run of one style, and the site it runs against: a server child that records spans,
//! or a URL given on the command line.

use std::time::Duration;

use flags_common::flags2::Flags2Job;
use flags_common::harness::Job;
use flags_common::interrupt::Interrupt;
use flags_common::status::Counter;

use crate::measure::{Cost, QuietStderr, measure};
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

/// Runs `style` once on `codes` with at most `concurrency` requests in flight, into a fresh
/// temporary folder (real files are written, as in the programs).
pub fn run_once(
    site: &mut Site,
    style: Style,
    concurrency: usize,
    codes: &[String],
) -> anyhow::Result<Run> {
    let dest = tempfile::tempdir()?;
    let job = Flags2Job {
        job: Job {
            codes: codes.to_vec(),
            base_url: site.base_url.clone(),
            dest_dir: dest.path().to_path_buf(),
        },
        verbose: false,
        concur_req: concurrency,
        // Never raised: the race has no Ctrl-C handling of its own (Ctrl-C just ends it).
        interrupt: Interrupt::new(),
    };
    if let Some(server) = site.server.as_mut() {
        server.mark()?;
    }
    let (counter, cost) = {
        let _quiet = QuietStderr::new();
        measure(|| style.download_many(&job))
    };
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
