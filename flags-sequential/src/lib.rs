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
    DownloadError, MAX_BODY_BYTES, REQUEST_TIMEOUT, check_gif, error_chain, flag_url,
};
use flags_common::harness::{Job, show_progress};
use flags_common::redirect::{is_redirect, next_url};
use flags_common::save::save_flag_in;

/// A ureq agent: the connection pool and settings shared by every request of a run.
///
/// One agent is cheap to clone and safe to share between threads, and reusing it keeps connections
/// alive between requests (`flags.py` opens a fresh connection for each flag). The pool keeps
/// enough idle connections per host for the thread-pool downloader's workers.
///
/// The agent follows no redirect itself (`max_redirects(0)`): ureq would follow a `Location` it
/// cannot parse as an HTTP URI (`file:///etc/passwd`) as a path on the same server. [`get_flag`]
/// follows redirects instead, by the one policy of every style
/// ([`flags_common::redirect`]).
///
/// Three more settings differ from ureq's defaults, each because profiling `flags2-threadpool`
/// (see `flags-threadpool/benches/flags2_speed.rs`) showed what the default cost:
///
/// - `timeout` limits each phase (connect, send, wait for the answer, read the body), which is
///   what `timeout=` means in the scripts' httpx calls (6.1 s in `flags.py`, 3.1 s in the
///   flags2 scripts: `REQUEST_TIMEOUT` and `FLAGS2_REQUEST_TIMEOUT`). A *global* timeout would also
///   cover name resolution, and ureq enforces a resolution timeout by starting a thread for every
///   new connection (`getaddrinfo` cannot be interrupted): 184 extra thread starts in one
///   `-a -m 194` run, even though `127.0.0.1` needs no lookup. Resolution is left to the system
///   resolver's own time limit instead.
/// - 4xx and 5xx answers are not turned into errors by ureq: [`get_flag`] checks the status and
///   reads the short error page first. ureq drops an unread response together with its
///   connection, so every 404 used to cost a new connection (486 connects for the 676
///   requests of `-e -m 1000`, where 194 would do).
/// - The buffers are 8 KiB for answers and 4 KiB for requests instead of 128 KiB each. Every new
///   connection zero-fills both: a fifth of the client's CPU time at `-e -m 100`, and most of its
///   peak memory at `-e -m 1000` (149 MiB with ureq's defaults, 52 MiB with 16 KiB each, now
///   38–40 MiB). A flag is a few KB and is read through the buffer in pieces; what must fit whole
///   is the answer's head (status line and headers), a few hundred bytes from the flag sites,
///   and the request's head, 70 bytes. An answer whose head outgrows the input buffer fails
///   with a transport error, it is not cut short.
///
/// ```
/// let agent = flags_sequential::http_agent(std::time::Duration::from_secs(5));
/// # drop(agent);
/// ```
pub fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(timeout))
        .timeout_send_request(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_recv_body(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .input_buffer_size(INPUT_BUFFER_BYTES)
        .output_buffer_size(OUTPUT_BUFFER_BYTES)
        .max_idle_connections(1000)
        .max_idle_connections_per_host(1000)
        .build()
        .into()
}

/// Size of each connection's input buffer (see [`http_agent`]).
const INPUT_BUFFER_BYTES: usize = 8 * 1024;

/// Size of each connection's output buffer (see [`http_agent`]).
const OUTPUT_BUFFER_BYTES: usize = 4 * 1024;

/// How much of an error page we read to keep its connection: a 404 page is a line of text; a
/// bigger one is dropped with its connection rather than read.
const ERROR_PAGE_BYTES: u64 = 64 * 1024;

// ANCHOR: get_flag
/// Fetches one flag image: `GET {base_url}/{cc}/{cc}.gif`, failing on any non-2xx status and on
/// a body that is not a GIF.
pub fn get_flag(agent: &ureq::Agent, base_url: &str, cc: &str) -> Result<Vec<u8>, DownloadError> {
    let url = flag_url(base_url, cc);
    let image = fetch(agent, &url)?;
    check_gif(&url, &image)?;
    Ok(image)
}
// ANCHOR_END: get_flag

/// `GET url`, following redirects as the [policy](flags_common::redirect) says, and reads the
/// body (capped at [`MAX_BODY_BYTES`]). Errors name `url`, the URL the caller asked for.
fn fetch(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, DownloadError> {
    let mut target = url.to_owned();
    // Redirects followed so far; the policy ends the loop after `MAX_REDIRECTS`.
    let mut hops = 0;
    loop {
        let mut response = agent
            .get(&target)
            .call()
            .map_err(|e| to_download_error(agent, url, e))?;
        let status = response.status();
        if status.is_success() {
            return response
                .body_mut()
                .with_config()
                .limit(MAX_BODY_BYTES)
                .read_to_vec()
                .map_err(|e| to_download_error(agent, url, e));
        }
        let location = response
            .headers()
            .get(ureq::http::header::LOCATION)
            .map(|value| value.as_bytes().to_vec());
        // Reading the error page (or the redirect's) to its end hands the connection back to the
        // pool for the next request; its text is not needed, so a failure to read it changes
        // nothing.
        let _ = response
            .body_mut()
            .with_config()
            .limit(ERROR_PAGE_BYTES)
            .read_to_vec();
        if !is_redirect(status.as_u16()) {
            return Err(DownloadError::http(url, status.as_u16()));
        }
        hops += 1;
        target = next_url(&target, status.as_u16(), location.as_deref(), hops)
            .map_err(|problem| DownloadError::Redirect {
                url: url.to_owned(),
                problem,
            })?
            .into();
    }
}

/// Sorts ureq's errors into the cases every style reports the same way.
fn to_download_error(agent: &ureq::Agent, url: &str, err: ureq::Error) -> DownloadError {
    let url = url.to_owned();
    match err {
        // Only from an agent that turns statuses into errors (ureq's default); `http_agent`'s
        // does not, and `get_flag` checks the status itself.
        ureq::Error::StatusCode(status) => DownloadError::http(url, status),
        ureq::Error::Timeout(phase) => DownloadError::Timeout {
            url,
            after: time_limit(agent, phase),
        },
        ureq::Error::BodyExceedsLimit(limit) => DownloadError::TooLarge { url, limit },
        other => DownloadError::Transport {
            url,
            cause: error_chain(&other),
        },
    }
}

/// The limit the agent set for the phase of a request that timed out, for the message.
fn time_limit(agent: &ureq::Agent, phase: ureq::Timeout) -> Option<Duration> {
    let limits = agent.config().timeouts();
    match phase {
        ureq::Timeout::Global => limits.global,
        ureq::Timeout::PerCall => limits.per_call,
        ureq::Timeout::Resolve => limits.resolve,
        ureq::Timeout::Connect => limits.connect,
        ureq::Timeout::SendRequest => limits.send_request,
        ureq::Timeout::SendBody => limits.send_body,
        ureq::Timeout::RecvResponse => limits.recv_response,
        ureq::Timeout::RecvBody => limits.recv_body,
        _ => None,
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
