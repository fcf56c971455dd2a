//! Downloading flags one after another with blocking HTTP (ureq): the twin of `flags.py`.
//!
//! This is the baseline the rest of the workspace is measured against. Each request waits for the
//! previous one to finish, so the total time is the sum of every round trip: with 20 flags and a
//! site that answers in 0.1 s, at least 2 s. The concurrent crates reuse [`get_flag`] and the agent
//! built here, and change only how the calls are scheduled.
//!
//! Run it with `cargo run -p flags-sequential` (it starts the built-in flag server itself).

pub mod flags2;

use std::time::Duration;

use flags_common::download::{
    DownloadError, MAX_BODY_BYTES, REQUEST_TIMEOUT, error_chain, flag_url,
};
use flags_common::harness::{Job, show_progress};
use flags_common::save::save_flag_in;

/// A ureq agent: the connection pool and settings shared by every request of a run.
///
/// One agent is cheap to clone and safe to share between threads, and reusing it keeps connections
/// alive between requests (`flags.py` opens a fresh connection for each flag). The pool keeps
/// enough idle connections per host for the thread-pool downloader's workers.
///
/// ```
/// let agent = flags_sequential::http_agent(std::time::Duration::from_secs(5));
/// # drop(agent);
/// ```
pub fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_idle_connections(1000)
        .max_idle_connections_per_host(1000)
        .build()
        .into()
}

// ANCHOR: get_flag
/// Fetches one flag image: `GET {base_url}/{cc}/{cc}.gif`, failing on any non-2xx status.
pub fn get_flag(agent: &ureq::Agent, base_url: &str, cc: &str) -> Result<Vec<u8>, DownloadError> {
    let url = flag_url(base_url, cc);
    let mut response = agent
        .get(&url)
        .call()
        .map_err(|e| to_download_error(&url, e))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|e| to_download_error(&url, e))
}
// ANCHOR_END: get_flag

/// Sorts ureq's errors into the cases every style reports the same way.
fn to_download_error(url: &str, err: ureq::Error) -> DownloadError {
    let url = url.to_owned();
    match err {
        ureq::Error::StatusCode(status) => DownloadError::http(url, status),
        ureq::Error::Timeout(_) => DownloadError::Timeout { url },
        ureq::Error::BodyExceedsLimit(limit) => DownloadError::TooLarge { url, limit },
        other => DownloadError::Transport {
            url,
            cause: error_chain(&other),
        },
    }
}

// ANCHOR: download_one
/// Downloads one flag and saves it as `{CC}.gif` in the job's folder.
pub fn download_one(agent: &ureq::Agent, job: &Job, cc: &str) -> Result<(), DownloadError> {
    let image = get_flag(agent, &job.base_url, cc)?;
    save_flag_in(&job.dest_dir, &image, &format!("{cc}.gif"))?;
    Ok(())
}
// ANCHOR_END: download_one

// ANCHOR: download_many
/// Downloads every flag of the job, one after another, in alphabetical order.
///
/// The first failure ends the run, as an exception does in `flags.py`: this baseline has no error
/// handling (the flags2 programs add it).
pub fn download_many(job: &Job) -> anyhow::Result<usize> {
    let agent = http_agent(REQUEST_TIMEOUT);
    for cc in job.sorted_codes() {
        download_one(&agent, job, &cc)?;
        show_progress(&cc);
    }
    Ok(job.codes.len())
}
// ANCHOR_END: download_many
