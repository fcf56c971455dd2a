//! What can go wrong with one download, shared by every style so their messages read the same.
//!
//! The Python scripts let the HTTP library's exceptions escape (`flags.py`) or sort them into a
//! status (`flags2_*.py`). Here each client maps its own error type into [`DownloadError`], so a
//! student comparing the sequential, thread and async programs sees the same message for the same
//! failure: an HTTP error status, a timeout, a body over the cap. A transport error (a refused
//! or dropped connection) keeps its cause as the HTTP library words it, and ureq and reqwest word
//! them differently.
//!
//! What every style checks the same way lives here or beside it: the time limits
//! ([`REQUEST_TIMEOUT`], [`FLAGS2_REQUEST_TIMEOUT`]), the size cap ([`MAX_BODY_BYTES`]), that
//! a flag is a GIF ([`check_gif`]), and which redirects are followed (the policy in
//! [`redirect`](crate::redirect)).

use std::time::Duration;

use crate::redirect::RedirectError;
use crate::save::SaveError;

/// How long each phase of a request may take before it counts as failed, in the first-generation
/// programs: `timeout=6.1` in `flags.py` (which `flags_threadpool.py` and
/// `flags_threadpool_futures.py` import) and in `flags_asyncio.py`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(6100);

/// The same limit in the flags2 and flags3 programs: `timeout=3.1` in `flags2_sequential.py`
/// (which `flags2_threadpool.py` imports), `flags2_asyncio.py`, `flags2_asyncio_executor.py`
/// and `flags3_asyncio.py`. Shorter, because those scripts expect failures (the ERROR and DELAY
/// servers) and count them instead of stopping.
pub const FLAGS2_REQUEST_TIMEOUT: Duration = Duration::from_millis(3100);

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
    #[error("timed out {}waiting for {url}", after_text(*.after))]
    Timeout {
        /// The URL requested.
        url: String,
        /// The limit that ran out, when the client can say which.
        after: Option<Duration>,
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
    /// The server redirected somewhere the [redirect policy](crate::redirect) does not follow.
    #[error("bad redirect from {url}: {problem}")]
    Redirect {
        /// The URL requested.
        url: String,
        /// What was wrong with the redirect.
        problem: RedirectError,
    },
    /// The answer was 2xx but its body is not a whole GIF ([`check_gif`]).
    #[error("{url} did not send a GIF image: {problem}")]
    NotAGif {
        /// The URL requested.
        url: String,
        /// What is wrong with the body.
        problem: &'static str,
    },
    /// The flag arrived but could not be written.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// `after 3.1s ` for a known limit, nothing otherwise.
fn after_text(after: Option<Duration>) -> String {
    after.map(|d| format!("after {d:?} ")).unwrap_or_default()
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

/// Checks that `body`, downloaded from `url`, looks like a whole GIF image: it starts with the
/// signature `GIF87a` or `GIF89a` and ends with the trailer byte `0x3B`, which every GIF must end
/// with.
///
/// Cheap on purpose (two looks, no decoding): it catches what a flag site gets wrong in practice,
/// an empty answer (a 200 or 204 with no body), an error page sent with a 200, and a body cut
/// short by a connection that closed early, which an answer without a `Content-Length` cannot
/// tell from a complete one. It is not a GIF decoder: a body with a good start and end and
/// garbage between them passes.
///
/// ```
/// use flags_common::download::check_gif;
/// assert!(check_gif("http://x/br/br.gif", b"GIF89a...;").is_ok());
/// let err = check_gif("http://x/br/br.gif", b"").unwrap_err();
/// assert_eq!(err.to_string(), "http://x/br/br.gif did not send a GIF image: the body is empty");
/// ```
pub fn check_gif(url: &str, body: &[u8]) -> Result<(), DownloadError> {
    let problem = if body.is_empty() {
        "the body is empty"
    } else if !(body.starts_with(b"GIF87a") || body.starts_with(b"GIF89a")) {
        "it does not start with GIF87a or GIF89a"
    } else if body.last() != Some(&0x3B) {
        "it does not end with the GIF trailer byte 0x3B (cut short?)"
    } else {
        return Ok(());
    };
    Err(DownloadError::NotAGif {
        url: url.to_owned(),
        problem,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_program_generation_keeps_its_scripts_time_limit() {
        // `timeout=6.1` in flags.py and flags_asyncio.py; `timeout=3.1` in flags2_sequential.py,
        // flags2_asyncio.py, flags2_asyncio_executor.py and flags3_asyncio.py.
        assert_eq!(REQUEST_TIMEOUT, Duration::from_secs_f64(6.1));
        assert_eq!(FLAGS2_REQUEST_TIMEOUT, Duration::from_secs_f64(3.1));
    }

    #[test]
    fn a_timeout_says_how_long_it_waited_when_it_knows() {
        let url = "http://x/flags/br/br.gif".to_owned();
        let known = DownloadError::Timeout {
            url: url.clone(),
            after: Some(FLAGS2_REQUEST_TIMEOUT),
        };
        assert_eq!(
            known.to_string(),
            "timed out after 3.1s waiting for http://x/flags/br/br.gif"
        );
        let unknown = DownloadError::Timeout { url, after: None };
        assert_eq!(
            unknown.to_string(),
            "timed out waiting for http://x/flags/br/br.gif"
        );
    }

    #[test]
    fn only_a_whole_gif_passes() {
        let url = "http://x/flags/br/br.gif";
        assert!(check_gif(url, b"GIF87a;").is_ok());
        for (body, problem) in [
            (&b""[..], "empty"),
            (
                b"<html>Not here</html>;",
                "does not start with GIF87a or GIF89a",
            ),
            (b"GIF8", "does not start"),
            (b"GIF89a\x01\x00\x01\x00", "cut short"),
        ] {
            let err = check_gif(url, body).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with(url), "{text}");
            assert!(text.contains(problem), "{body:?}: {text}");
        }
    }

    #[test]
    fn a_save_error_names_the_flag_and_its_cause_once() {
        let err = DownloadError::from(SaveError::Io {
            path: "downloaded/BR.gif".into(),
            error: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        });
        let text = err.to_string();
        assert_eq!(text.matches("downloaded/BR.gif").count(), 1, "{text}");
        assert_eq!(text.matches("exists").count(), 1, "{text}");
        // The harnesses print errors with their chain of sources (anyhow's `{:#}`): the cause
        // is in the message already, so it must not come again as a source.
        assert_eq!(format!("{:#}", anyhow::Error::from(err)), text);
    }
}
