//! The one redirect policy of every download style: `follow_redirects=True` of the httpx calls in
//! `flags.py` and the flags2 scripts, written down so that ureq and reqwest apply it alike.
//!
//! # The policy
//! - A 301, 302, 303, 307 or 308 answer is followed to its `Location`, resolved against the URL
//!   that answered (so `Location: /elsewhere/br.gif` stays on the same server).
//! - Only `http` and `https` targets are followed. Anything else (`file:///etc/passwd`,
//!   `javascript:alert(1)`, `data:...`) is an error that names the target and its scheme, as
//!   httpx's `UnsupportedProtocol` is.
//! - At most [`MAX_REDIRECTS`] in a row; one more is an error, which is also how a redirect loop
//!   ends. (httpx allows 20; a flag site has no reason to redirect more than once or twice.)
//! - A redirect with no `Location`, or with one that is not a URL, is an error.
//! - Other 3xx answers (300, 304...) are not redirects to follow: like any status that is not
//!   2xx, they are HTTP errors.
//!
//! # Why it is written down
//! Left to their defaults the two clients disagree. ureq 3 reads a `Location` that is not an
//! HTTP URI (`file:///etc/passwd`) as a relative path and asks the same server for
//! `/flags/rc/file:///etc/passwd`, so the program counted a 404; reqwest (through tower-http)
//! cannot follow it either, returns the 302 itself, and the program reported `HTTP error 302`.
//! Neither let the user see what the server had asked for. So:
//! - the ureq agent follows no redirect itself (`max_redirects(0)`: every 3xx comes back as an
//!   answer) and `flags_sequential::get_flag` follows them with [`next_url`];
//! - the reqwest client has a `redirect::Policy::custom` that asks [`check`] about each hop, and a
//!   3xx that reqwest hands back unfollowed is explained by [`next_url`] too.
//!
//! Production code might also refuse a redirect from `https` down to `http`, or to another
//! host; httpx follows both, and so do we.

use url::Url;

/// The most redirects followed in a row before the download fails.
pub const MAX_REDIRECTS: usize = 5;

/// True for the statuses that redirect a `GET` to another URL: 301, 302, 303, 307 and 308.
///
/// ```
/// use flags_common::redirect::is_redirect;
/// assert!(is_redirect(302) && is_redirect(308));
/// assert!(!is_redirect(304) && !is_redirect(200));
/// ```
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Why a redirect was not followed. The text completes "bad redirect from URL: ...".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    /// The answer is a redirect but says nowhere to go.
    #[error("the {status} answer has no Location header")]
    NoLocation {
        /// The redirect's status.
        status: u16,
    },
    /// The `Location` is not a URL, even relative to the one that answered.
    #[error("its Location {location:?} is not a URL")]
    BadLocation {
        /// The header as sent (invalid UTF-8 replaced).
        location: String,
    },
    /// The target is not an `http` or `https` URL.
    #[error("it leads to {location}, and only http and https URLs are followed (not {scheme}:)")]
    NotHttp {
        /// The target, resolved.
        location: String,
        /// Its scheme, without the colon.
        scheme: String,
    },
    /// One redirect more than [`MAX_REDIRECTS`] in a row.
    #[error("more than {limit} redirects in a row (a loop?); the last one led to {location}")]
    TooMany {
        /// [`MAX_REDIRECTS`].
        limit: usize,
        /// Where the redirect that broke the limit led.
        location: String,
    },
}

/// Whether the policy follows a redirect to `next`, the `hop`-th redirect in a row (1 for the
/// first). This is what the reqwest client's custom policy asks.
///
/// ```
/// use flags_common::redirect::{MAX_REDIRECTS, check};
/// let next = url::Url::parse("http://127.0.0.1:8001/flags/br/br.gif")?;
/// assert!(check(&next, 1).is_ok());
/// assert!(check(&next, MAX_REDIRECTS + 1).is_err());
/// assert!(check(&url::Url::parse("file:///etc/passwd")?, 1).is_err());
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn check(next: &Url, hop: usize) -> Result<(), RedirectError> {
    if !matches!(next.scheme(), "http" | "https") {
        return Err(RedirectError::NotHttp {
            location: next.to_string(),
            scheme: next.scheme().to_owned(),
        });
    }
    if hop > MAX_REDIRECTS {
        return Err(RedirectError::TooMany {
            limit: MAX_REDIRECTS,
            location: next.to_string(),
        });
    }
    Ok(())
}

/// Where a redirect from `from` leads, if the policy follows it: `location` (the raw header,
/// if any) resolved against `from`, then [`check`]ed as the `hop`-th redirect in a row.
///
/// ```
/// use flags_common::redirect::next_url;
///
/// let from = "http://127.0.0.1:8001/flags/br/br.gif";
/// let next = next_url(from, 302, Some(b"/moved/br.gif".as_slice()), 1).unwrap();
/// assert_eq!(next.as_str(), "http://127.0.0.1:8001/moved/br.gif");
/// let refused = next_url(from, 302, Some(b"javascript:alert(1)".as_slice()), 1).unwrap_err();
/// assert!(refused.to_string().contains("(not javascript:)"), "{refused}");
/// assert!(next_url(from, 301, None, 1).is_err());
/// ```
pub fn next_url(
    from: &str,
    status: u16,
    location: Option<&[u8]>,
    hop: usize,
) -> Result<Url, RedirectError> {
    let location = location.ok_or(RedirectError::NoLocation { status })?;
    let text = String::from_utf8_lossy(location);
    let bad = || RedirectError::BadLocation {
        location: text.to_string(),
    };
    // A header that is not UTF-8 is not a URL we can follow (nor one that means what it seems).
    let text_ok = std::str::from_utf8(location).map_err(|_| bad())?;
    let next = Url::parse(from)
        .and_then(|from| from.join(text_ok))
        .map_err(|_| bad())?;
    check(&next, hop)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "http://127.0.0.1:8001/flags/br/br.gif";

    fn follow(location: &str) -> Result<Url, RedirectError> {
        next_url(FROM, 302, Some(location.as_bytes()), 1)
    }

    #[test]
    fn relative_and_absolute_http_locations_are_followed() {
        assert_eq!(
            follow("../cn/cn.gif").unwrap().as_str(),
            "http://127.0.0.1:8001/flags/cn/cn.gif"
        );
        assert_eq!(
            follow("https://example.com/br.gif").unwrap().as_str(),
            "https://example.com/br.gif"
        );
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        for (location, scheme) in [
            ("file:///etc/passwd", "file"),
            ("javascript:alert(1)", "javascript"),
            ("data:image/gif;base64,R0lGODlh", "data"),
            ("ftp://example.com/br.gif", "ftp"),
        ] {
            let err = follow(location).unwrap_err();
            assert!(
                matches!(&err, RedirectError::NotHttp { scheme: s, .. } if s == scheme),
                "{location}: {err:?}"
            );
            let text = err.to_string();
            assert!(text.contains(location), "{text}");
            assert!(text.contains(&format!("(not {scheme}:)")), "{text}");
        }
    }

    #[test]
    fn the_hop_after_the_limit_is_refused() {
        let location = Some(b"/flags/br/br.gif".as_slice());
        assert!(next_url(FROM, 307, location, MAX_REDIRECTS).is_ok());
        let err = next_url(FROM, 307, location, MAX_REDIRECTS + 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "more than {MAX_REDIRECTS} redirects in a row (a loop?); the last one led to {FROM}"
            )
        );
    }

    #[test]
    fn a_redirect_without_a_usable_location_is_refused() {
        assert_eq!(
            next_url(FROM, 301, None, 1).unwrap_err().to_string(),
            "the 301 answer has no Location header"
        );
        for bad in [&b"http://[::1"[..], b"\xff\xfe"] {
            let err = next_url(FROM, 302, Some(bad), 1).unwrap_err();
            assert!(matches!(err, RedirectError::BadLocation { .. }), "{err:?}");
        }
    }
}
