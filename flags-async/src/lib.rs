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

use std::time::Duration;

use flags_common::download::{
    DownloadError, MAX_BODY_BYTES, REQUEST_TIMEOUT, check_gif, error_chain, flag_url,
};
use flags_common::harness::{Job, show_progress};
use flags_common::redirect::{RedirectError, check, is_redirect, next_url};
use flags_common::save::save_flag_in;
use futures::future::join_all;
use reqwest::redirect;

/// A reqwest client, one connection pool for the whole run shared by every download, and the
/// time limit it was built with.
///
/// reqwest's `Client` is a handle to a pool behind an `Arc`, so passing `&HttpClient` to each
/// task is how connections get reused; building one client per request would redo that set-up
/// each time. The limit is kept beside it because reqwest cannot tell it back, and a timeout
/// message should say how long it waited.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    timeout: Duration,
}

impl HttpClient {
    /// A GET of any URL with this client's settings: for measuring the client itself (the
    /// race's `--scale` asks for URLs no flag program does).
    ///
    /// ```
    /// let client = flags_async::http_client(std::time::Duration::from_secs(5))?;
    /// let request = client.get("http://127.0.0.1:8001/flags/br/br.gif?copy=1");
    /// # drop(request);
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.client.get(url)
    }
}

/// Builds the [`HttpClient`] of a run: `timeout` for each request (connecting included), and
/// redirects followed by the one policy of every style ([`flags_common::redirect`]).
///
/// ```
/// let client = flags_async::http_client(std::time::Duration::from_secs(5))?;
/// # drop(client);
/// # Ok::<(), reqwest::Error>(())
/// ```
pub fn http_client(timeout: Duration) -> reqwest::Result<HttpClient> {
    let client = client_builder(timeout).build()?;
    Ok(HttpClient { client, timeout })
}

/// Builds an [`HttpClient`] with the settings of [`http_client`] but no connection pool: each
/// request opens its own connection and closes it when done.
///
/// This is for a run whose requests are *all* in flight at once, as in the race's `--scale`.
/// There, no request could reuse another's connection, and the pool costs time that grows with
/// the crowd: while its own connection is being made, each request also waits in the pool's
/// list for an idle one, and leaving that list means looking through all of it. At 10,000 in
/// flight that is 10,000 scans of a list thousands long (quadratic), a third of the client's
/// CPU. The flag programs keep the pool: their requests are few and reuse connections.
///
/// ```
/// let client = flags_async::http_client_without_pool(std::time::Duration::from_secs(5))?;
/// # drop(client);
/// # Ok::<(), reqwest::Error>(())
/// ```
pub fn http_client_without_pool(timeout: Duration) -> reqwest::Result<HttpClient> {
    let client = client_builder(timeout).pool_max_idle_per_host(0).build()?;
    Ok(HttpClient { client, timeout })
}

/// The settings every client of this crate has.
fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(redirect::Policy::custom(shared_policy))
}

/// What reqwest asks before following each redirect. Its own policy (10 hops) would follow the
/// same ones, but refuses another scheme with words of its own; asking the shared policy keeps
/// every style's messages the same. `previous` holds the URLs already requested, so its length
/// is this redirect's number in the chain.
fn shared_policy(attempt: redirect::Attempt) -> redirect::Action {
    match check(attempt.url(), attempt.previous().len()) {
        Ok(()) => attempt.follow(),
        Err(problem) => attempt.error(problem),
    }
}

// ANCHOR: get_flag
/// Fetches one flag image without blocking the thread: every `.await` is a point where the runtime
/// may switch to another download. A body that is not a GIF is an error.
pub async fn get_flag(
    client: &HttpClient,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, DownloadError> {
    let url = flag_url(base_url, cc);
    let image = fetch(client, &url).await?;
    check_gif(&url, &image)?;
    Ok(image)
}

/// `GET url`, failing on any non-2xx status, and reads the body (capped; see
/// [`read_body_capped`]). flags3 fetches `metadata.json` through it too.
pub(crate) async fn fetch(client: &HttpClient, url: &str) -> Result<Vec<u8>, DownloadError> {
    let response = client
        .client
        .get(url)
        .send()
        .await
        .map_err(|e| to_download_error(client, url, e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(unfollowed(url, &response));
    }
    read_body_capped(client, url, response).await
}
// ANCHOR_END: get_flag

/// The error for a non-2xx answer. A redirect that reaches us was one reqwest could not follow
/// (its `Location` missing, or not an HTTP URL reqwest can parse, like `file:///etc/passwd`): the
/// shared policy says what was wrong with it.
fn unfollowed(url: &str, response: &reqwest::Response) -> DownloadError {
    let status = response.status().as_u16();
    if !is_redirect(status) {
        return DownloadError::http(url, status);
    }
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|value| value.as_bytes());
    // Hop 1: whatever the count so far, the policy refuses this one for what it is.
    let problem = match next_url(response.url().as_str(), status, location, 1) {
        Err(problem) => problem,
        // An http(s) URL by the policy's reading, and yet reqwest could not use it.
        Ok(_) => RedirectError::BadLocation {
            location: String::from_utf8_lossy(location.unwrap_or_default()).into_owned(),
        },
    };
    DownloadError::Redirect {
        url: url.to_owned(),
        problem,
    }
}

/// Reads a body chunk by chunk, refusing to go past [`MAX_BODY_BYTES`]: a hostile server must not be
/// able to make us buffer gigabytes (reqwest's `bytes()` has no limit).
async fn read_body_capped(
    client: &HttpClient,
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
        .map_err(|e| to_download_error(client, url, e))?
    {
        if body.len() as u64 + chunk.len() as u64 > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sorts reqwest's errors into the cases every style reports the same way.
fn to_download_error(client: &HttpClient, url: &str, err: reqwest::Error) -> DownloadError {
    let url = url.to_owned();
    if err.is_timeout() {
        DownloadError::Timeout {
            url,
            after: Some(client.timeout),
        }
    } else if let Some(problem) = redirect_problem(&err) {
        DownloadError::Redirect { url, problem }
    } else if let Some(status) = err.status() {
        DownloadError::http(url, status.as_u16())
    } else {
        DownloadError::Transport {
            url,
            cause: error_chain(&err),
        }
    }
}

/// The policy's refusal inside a reqwest redirect error (the custom policy's `attempt.error`).
fn redirect_problem(err: &reqwest::Error) -> Option<RedirectError> {
    if !err.is_redirect() {
        return None;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(problem) = cause.downcast_ref::<RedirectError>() {
            return Some(problem.clone());
        }
        source = cause.source();
    }
    None
}

// ANCHOR: download_one
/// Downloads one flag and saves it as `{CC}.gif`.
///
/// The save is a plain blocking write on the runtime's only thread. For a 10 KB file on a local
/// disk that pause is shorter than any network wait, so `flags_asyncio.py` does the same; the flags2
/// programs move saving off the runtime with `spawn_blocking`.
pub async fn download_one(client: &HttpClient, job: &Job, cc: &str) -> Result<(), DownloadError> {
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
    let client = http_client(REQUEST_TIMEOUT)?;
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
