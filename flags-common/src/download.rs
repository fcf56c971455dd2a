//! What can go wrong with one download, shared by every style so their messages read the same.
//!
//! The Python scripts let the HTTP library's exceptions escape (`flags.py`) or sort them into a
//! status (`flags2_*.py`). Here each client maps its own error type into [`DownloadError`], so a
//! student comparing the sequential, thread and async programs sees the same message for the same
//! failure: an HTTP error status, a timeout, a body over the cap. A transport error (a refused
//! or dropped connection) keeps its cause as the HTTP library words it, and ureq and reqwest word
//! them differently.

use std::time::Duration;

use crate::save::SaveError;

/// How long one request may take before it counts as failed (`timeout=6.1` in `flags.py`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(6100);

/// The largest response body we accept: a flag is a few KB, so anything bigger is a broken or
/// hostile server, and reading it all into memory would be the bug.
pub const MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;

/// Builds the URL of one flag image: `{base_url}/{cc}/{cc}.gif` with the code in lower case,
/// the layout of the flag site.
///
/// ```
/// use flags_common::download::flag_url;
/// assert_eq!(flag_url("http://127.0.0.1:8001/flags", "BR"), "http://127.0.0.1:8001/flags/br/br.gif");
/// ```
pub fn flag_url(base_url: &str, cc: &str) -> String {
    let cc = cc.to_ascii_lowercase();
    format!("{}/{cc}/{cc}.gif", base_url.trim_end_matches('/'))
}

/// Why one flag did not arrive.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The server answered, with an error status (404, 418, 500...).
    #[error("HTTP error {status} - {reason}: {url}")]
    Http {
        /// The URL requested.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The status's standard reason phrase (`Not Found`, `I'm a teapot`).
        reason: String,
    },
    /// The server did not answer within the client's time limit.
    #[error("timed out waiting for {url}")]
    Timeout {
        /// The URL requested.
        url: String,
    },
    /// No HTTP answer at all: connection refused or reset, DNS failure, TLS failure.
    #[error("could not download {url}: {cause}")]
    Transport {
        /// The URL requested.
        url: String,
        /// The client library's explanation, with its causes.
        cause: String,
    },
    /// The body was larger than [`MAX_BODY_BYTES`].
    #[error("response from {url} is larger than {limit} bytes; refusing to read it")]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The limit that was exceeded.
        limit: u64,
    },
    /// The flag arrived but could not be written.
    #[error(transparent)]
    Save(#[from] SaveError),
}

impl DownloadError {
    /// An [`DownloadError::Http`] for `status`, with the standard reason phrase.
    ///
    /// ```
    /// let e = flags_common::download::DownloadError::http("http://x/flags/cd/cd.gif", 418);
    /// assert_eq!(e.to_string(), "HTTP error 418 - I'm a teapot: http://x/flags/cd/cd.gif");
    /// ```
    pub fn http(url: impl Into<String>, status: u16) -> Self {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown status");
        DownloadError::Http {
            url: url.into(),
            status,
            reason: reason.to_owned(),
        }
    }

    /// True for a 404: the flag does not exist, as opposed to the download failing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, DownloadError::Http { status: 404, .. })
    }
}

/// An error and its chain of sources on one line, skipping a cause its parent already quotes
/// (client libraries often wrap `Connection refused (os error 111)` two or three times).
///
/// ```
/// let io = std::io::Error::other("connection reset");
/// assert_eq!(flags_common::download::error_chain(&io), "connection reset");
/// ```
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}
