//! Downloading flags concurrently on one thread with async I/O (tokio + reqwest): the twin of
//! `flags_asyncio.py`.
//!
//! All 20 requests are in flight at once, yet a single thread runs them: each `.await` on the
//! network hands the thread back to the runtime, which polls whichever download has data ready.
//! The total time is close to the *slowest* round trip instead of their sum. We use tokio's
//! current-thread runtime on purpose, because that is what asyncio's event loop is; a
//! multi-threaded runtime would give the same timings here (the work is waiting, not computing).
//!
//! Run it with `cargo run -p flags-async`.

pub mod flags2;
pub mod flags2_executor;
pub mod flags3;

use flags_common::download::{
    DownloadError, MAX_BODY_BYTES, REQUEST_TIMEOUT, error_chain, flag_url,
};
use flags_common::harness::{Job, show_progress};
use flags_common::save::save_flag_in;
use futures::future::join_all;

/// A reqwest client: one connection pool for the whole run, shared by every download.
///
/// reqwest's `Client` is a handle to a pool behind an `Arc`, so passing `&Client` to each task is
/// how connections get reused; building one client per request would redo that set-up each time.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build()
}

// ANCHOR: get_flag
/// Fetches one flag image without blocking the thread: every `.await` is a point where the runtime
/// may switch to another download.
pub async fn get_flag(
    client: &reqwest::Client,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, DownloadError> {
    fetch(client, &flag_url(base_url, cc)).await
}

/// `GET url`, failing on any non-2xx status, and reads the body (capped; see
/// [`read_body_capped`]). flags3 fetches `metadata.json` through it too.
pub(crate) async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, DownloadError> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| to_download_error(url, e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(DownloadError::http(url, status.as_u16()));
    }
    read_body_capped(url, response).await
}
// ANCHOR_END: get_flag

/// Reads a body chunk by chunk, refusing to go past [`MAX_BODY_BYTES`]: a hostile server must not be
/// able to make us buffer gigabytes (reqwest's `bytes()` has no limit).
async fn read_body_capped(
    url: &str,
    mut response: reqwest::Response,
) -> Result<Vec<u8>, DownloadError> {
    let too_large = || DownloadError::TooLarge {
        url: url.to_owned(),
        limit: MAX_BODY_BYTES,
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| to_download_error(url, e))?
    {
        if body.len() as u64 + chunk.len() as u64 > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sorts reqwest's errors into the cases every style reports the same way.
fn to_download_error(url: &str, err: reqwest::Error) -> DownloadError {
    let url = url.to_owned();
    if err.is_timeout() {
        DownloadError::Timeout { url }
    } else if let Some(status) = err.status() {
        DownloadError::http(url, status.as_u16())
    } else {
        DownloadError::Transport {
            url,
            cause: error_chain(&err),
        }
    }
}

// ANCHOR: download_one
/// Downloads one flag and saves it as `{CC}.gif`.
///
/// The save is a plain blocking write on the runtime's only thread. For a 10 KB file on a local
/// disk that pause is shorter than any network wait, so `flags_asyncio.py` does the same; the flags2
/// programs move saving off the runtime with `spawn_blocking`.
pub async fn download_one(
    client: &reqwest::Client,
    job: &Job,
    cc: &str,
) -> Result<(), DownloadError> {
    let image = get_flag(client, &job.base_url, cc).await?;
    save_flag_in(&job.dest_dir, &image, &format!("{cc}.gif"))?;
    show_progress(cc);
    Ok(())
}
// ANCHOR_END: download_one

// ANCHOR: supervisor
/// Starts every download at once and waits for all of them: `asyncio.gather` is `join_all`.
///
/// `join_all` polls the 20 futures on the current task; none of them runs until it is polled,
/// which is the big difference from a thread pool, where work starts as soon as it is submitted.
pub async fn supervisor(job: &Job) -> anyhow::Result<usize> {
    let client = http_client()?;
    let codes = job.sorted_codes();
    let to_do = codes.iter().map(|cc| download_one(&client, job, cc));
    let results = join_all(to_do).await;
    // `join_all` waits for every download, then the first error (if any) is reported. `gather`
    // differs here: it raises the first exception at once, and `asyncio.run` then cancels the
    // downloads still running.
    let saved = results.into_iter().collect::<Result<Vec<()>, _>>()?;
    Ok(saved.len())
}
// ANCHOR_END: supervisor

// ANCHOR: download_many
/// Runs [`supervisor`] on a single-threaded tokio runtime: `asyncio.run(supervisor(cc_list))`.
pub fn download_many(job: &Job) -> anyhow::Result<usize> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(supervisor(job))
}
// ANCHOR_END: download_many
