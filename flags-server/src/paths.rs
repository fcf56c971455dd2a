//! Refusing request paths that try to leave the served tree (`..`, `%2e%2e`, `//etc`, backslashes,
//! NUL bytes), before any route or file lookup sees them. `slow_server.py` leans on
//! `http.server` for this; here it is spelled out.
//!
//! # Two locks on one door
//! The built-in routes never touch the file system, and `--directory` mode's file handler
//! (`files`) joins only plain names to its folder, refusing `..` after decoding. This guard is a
//! second, independent check in front of both, so a bug or a change in either cannot expose
//! files, and every refused attempt gets a clear `400 Bad Request` and a log line. Production
//! servers do the same: a normalising proxy in front, and a file server that checks again.
//!
//! The check works on the *decoded* path, decoded exactly once, as `files` decodes it: checking
//! the raw text would miss `%2e%2e`. The decoding itself is the `percent-encoding` crate's (the
//! one `url` uses); the rules about what a decoded path may hold are the lesson here. A `%` left
//! after decoding is either an escape that is not one (`%zz`, a lone `%`) or a path encoded twice
//! (`%252e`); no flag path needs either, so both are refused.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("the path does not start with '/'")]
    NotAbsolute,
    #[error("the path is not UTF-8 once decoded")]
    BadEncoding,
    #[error("a '%' remains after decoding (a malformed escape, or a path encoded twice)")]
    StrayPercent,
    #[error("the path contains a NUL or another control character")]
    ControlCharacter,
    #[error("the path contains a backslash")]
    Backslash,
    #[error("the path contains a '.' or '..' segment")]
    DotSegment,
    #[error("the path contains an empty segment ('//')")]
    EmptySegment,
}

/// Checks a request path (as sent, still percent-encoded, without the query string).
pub(crate) fn check(raw_path: &str) -> Result<(), Refusal> {
    let Some(rest) = raw_path.strip_prefix('/') else {
        return Err(Refusal::NotAbsolute);
    };
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| Refusal::BadEncoding)?;
    if decoded.contains('%') {
        return Err(Refusal::StrayPercent);
    }
    if decoded.chars().any(char::is_control) {
        return Err(Refusal::ControlCharacter);
    }
    if decoded.contains('\\') {
        return Err(Refusal::Backslash);
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." | ".." => return Err(Refusal::DotSegment),
            // An empty last segment is a trailing slash (`/flags/`), which is harmless; an empty
            // segment elsewhere (`//etc/passwd`) could turn into an absolute path when joined.
            "" if index + 1 < segments.len() => return Err(Refusal::EmptySegment),
            _ => {}
        }
    }
    Ok(())
}

/// Middleware: answers `400 Bad Request` for a refused path, passes the rest on.
pub(crate) async fn refuse_escapes(request: Request, next: Next) -> Response {
    match check(request.uri().path()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => (
            StatusCode::BAD_REQUEST,
            format!("400 Bad Request: {refusal}\n"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_paths_pass() {
        for path in [
            "/",
            "/flags/",
            "/flags/cn/cn.gif",
            "/flags/cn/metadata.json",
            "/flags/%63n/cn.gif",
            "/flags/C%C3%B4te/",
        ] {
            assert_eq!(check(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn traversal_attempts_are_refused() {
        let cases = [
            ("flags/cn/cn.gif", Refusal::NotAbsolute),
            ("*", Refusal::NotAbsolute),
            ("/flags/../../etc/passwd", Refusal::DotSegment),
            ("/flags/%2e%2e/%2E%2E/etc/passwd", Refusal::DotSegment),
            ("/flags/..%2f..%2fetc/passwd", Refusal::DotSegment),
            ("/flags/./cn/cn.gif", Refusal::DotSegment),
            ("/..", Refusal::DotSegment),
            ("//etc/passwd", Refusal::EmptySegment),
            ("/flags/%2fetc/passwd", Refusal::EmptySegment),
            ("/flags/..%5c..%5cetc/passwd", Refusal::Backslash),
            ("/flags/cn/cn.gif%00.txt", Refusal::ControlCharacter),
            ("/flags/%0a", Refusal::ControlCharacter),
            ("/flags/%252e%252e/etc", Refusal::StrayPercent),
            ("/flags/%zz", Refusal::StrayPercent),
            ("/flags/%2", Refusal::StrayPercent),
            ("/flags/%", Refusal::StrayPercent),
            ("/flags/%ff", Refusal::BadEncoding),
            ("/flags/C%C3%B4te/%2E%2e", Refusal::DotSegment),
        ];
        for (path, refusal) in cases {
            assert_eq!(check(path), Err(refusal), "{path}");
        }
    }
}
