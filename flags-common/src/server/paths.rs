//! Refusing request paths that try to leave the served tree (`..`, `%2e%2e`, `//etc`, backslashes,
//! NUL bytes), before any route or file lookup sees them. `slow_server.py` leans on
//! `http.server` for this; here it is spelled out.
//!
//! # Two locks on one door
//! The built-in routes never touch the file system, and `--directory` mode uses tower-http's
//! `ServeDir`, which already rejects `..` after decoding. This guard is a second, independent
//! check in front of both, so a bug or a change in either cannot expose files, and every refused
//! attempt gets a clear `400 Bad Request` and a log line. Production servers do the same: a
//! normalising proxy in front, and a file server that checks again.
//!
//! The check works on the *decoded* path, decoded exactly once, as `ServeDir` decodes it: checking
//! the raw text would miss `%2e%2e`. A `%` left after decoding means double encoding (`%252e`),
//! which no flag path needs, so it is refused too.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("the path does not start with '/'")]
    NotAbsolute,
    #[error("the path has a malformed %-escape or is not UTF-8")]
    BadEncoding,
    #[error("the path is encoded twice (a '%' remains after decoding)")]
    DoubleEncoding,
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
    let decoded = percent_decode(rest)?;
    if decoded.contains('%') {
        return Err(Refusal::DoubleEncoding);
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

/// Decodes `%XX` escapes. Hand-written to keep the rules visible: a `%` must be followed by two
/// hex digits, and the result must be UTF-8.
fn percent_decode(text: &str) -> Result<String, Refusal> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let (high, low) = match tail {
                [high, low, ..] => (hex_value(*high)?, hex_value(*low)?),
                _ => return Err(Refusal::BadEncoding),
            };
            bytes.push(high * 16 + low);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).map_err(|_| Refusal::BadEncoding)
}

fn hex_value(digit: u8) -> Result<u8, Refusal> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(Refusal::BadEncoding),
    }
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
            ("/flags/%252e%252e/etc", Refusal::DoubleEncoding),
            ("/flags/%zz", Refusal::BadEncoding),
            ("/flags/%2", Refusal::BadEncoding),
            ("/flags/%ff", Refusal::BadEncoding),
        ];
        for (path, refusal) in cases {
            assert_eq!(check(path), Err(refusal), "{path}");
        }
    }

    #[test]
    fn percent_decoding_handles_both_hex_cases_and_multibyte_utf8() {
        assert_eq!(percent_decode("%2e%2E"), Ok("..".to_owned()));
        assert_eq!(percent_decode("C%C3%B4te"), Ok("Côte".to_owned()));
    }
}
