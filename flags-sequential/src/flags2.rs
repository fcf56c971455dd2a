//! The flags2 sequential downloader: the twin of `flags2_sequential.py`. One request at a time,
//! but every outcome is counted (404 = not found; any other failure = error) instead of the first
//! failure ending the run, with a progress bar and Ctrl-C handling.
//!
//! Run it with `cargo run -p flags-sequential --bin flags2-sequential -- -s ERROR -v`.

use flags_common::download::FLAGS2_REQUEST_TIMEOUT;
use flags_common::flags2::Flags2Job;
use flags_common::observe::Event;
use flags_common::progress::Progress;
use flags_common::status::Counter;

use crate::{download_one, http_agent};

// ANCHOR: download_many
/// Downloads the job's codes in order, counting each outcome.
///
/// The download itself is the first-generation [`download_one`], unchanged; what is new is that
/// its error is a value to count, not a reason to stop. Ctrl-C is checked before each download:
/// the one in flight (at most [`FLAGS2_REQUEST_TIMEOUT`] per phase, 3.1 s as in
/// `flags2_sequential.py`) is allowed to finish, so its file is whole.
pub fn download_many(run: &Flags2Job) -> anyhow::Result<Counter> {
    let agent = http_agent(FLAGS2_REQUEST_TIMEOUT);
    let mut progress = Progress::new(run.job.codes.len(), run.progress);
    for cc in &run.job.codes {
        if run.interrupt.is_set() {
            break;
        }
        run.observe(Event::Started { code: cc });
        let result = download_one(&agent, &run.job, cc);
        let status = progress.record(cc, &result);
        run.observe(Event::Finished { code: cc, status });
    }
    Ok(progress.finish())
}
// ANCHOR_END: download_many
