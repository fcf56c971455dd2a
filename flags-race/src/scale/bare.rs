//! The sweep's third row, `bare`: async with no HTTP library. One tokio task per request on one
//! thread, exactly as the `async` row, but each task writes the few bytes of an HTTP/1.1 GET to
//! a bare `TcpStream` and reads the answer to its end.
//!
//! Hand-written on purpose: this is a measuring stick, not a client to copy (it knows nothing of
//! redirects, chunked bodies, proxies or TLS; the programs rightly use reqwest). What it shows is
//! the cost of the waiting itself: a socket, a small task and the bytes of the answer. The gap
//! between this row and `async` is the client library's share, mostly buffers hyper keeps per
//! connection (8 KiB to read and 8 KiB to write, allocated when the connection opens), which
//! reqwest offers no setting to shrink. No Python script has this row; `flags_asyncio.py`
//! always goes through its HTTP library.
//!
//! `flags_testkit::bare` is the same measuring stick for the flags2 speed benchmarks (per code,
//! status only); the race cannot use it, since a program must not depend on a test-support
//! crate, and this one also checks the body as the other rows' clients do.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::clients::{REQUEST_TIMEOUT, Tally, one_task_each};

/// Fetches every URL at once, one task each, on a single-threaded runtime, with a hand-written
/// GET per URL.
pub fn bare(urls: &[String]) -> Tally {
    one_task_each(urls, |url| async move {
        tokio::time::timeout(REQUEST_TIMEOUT, fetch_bare(&url))
            .await
            .unwrap_or_else(|_: tokio::time::error::Elapsed| Err("timeout".to_owned()))
    })
}

/// One GET: connect, send the request, read until the server closes, check the answer.
async fn fetch_bare(url: &str) -> Result<(), String> {
    let (authority, path) = split_url(url)?;
    let mut stream = TcpStream::connect(authority)
        .await
        .map_err(|error| format!("connect: {:?}", error.kind()))?;
    // `Connection: close` lets the end of the stream mark the end of the body: no chunked
    // decoding, no keep-alive bookkeeping.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|error| format!("write: {:?}", error.kind()))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|error| format!("read: {:?}", error.kind()))?;
    check_answer(&answer)
}

/// `http://host:port/path?query` as (`host:port`, `/path?query`); only plain `http` URLs, which
/// are all the sweep makes.
fn split_url(url: &str) -> Result<(&str, &str), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http:// URL: {url}"))?;
    let slash = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(slash);
    Ok((authority, if path.is_empty() { "/" } else { path }))
}

/// OK only for a `200` whose body is as long as its `Content-Length` says and is a GIF: the same
/// bar the other rows' clients set, so the rows count the same things.
fn check_answer(answer: &[u8]) -> Result<(), String> {
    let head_end = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or("read: no end of head")?;
    let head = std::str::from_utf8(&answer[..head_end]).map_err(|_| "read: head not UTF-8")?;
    let body = &answer[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .ok_or("read: no status line")?;
    if status != "200" {
        return Err(format!("HTTP {status}"));
    }
    let length = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    if length.is_some_and(|length| length != body.len()) {
        return Err("read: body cut short".to_owned());
    }
    if !body.starts_with(b"GIF8") {
        return Err("read: not a GIF".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_splits_into_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:8001/flags/br/br.gif?copy=3"),
            Ok(("127.0.0.1:8001", "/flags/br/br.gif?copy=3"))
        );
        assert_eq!(split_url("http://h:1"), Ok(("h:1", "/")));
        assert!(split_url("https://h/x").is_err());
    }

    #[test]
    fn only_a_whole_gif_with_200_is_ok() {
        let answer = |head: &str, body: &[u8]| [head.as_bytes(), b"\r\n\r\n", body].concat();
        let ok = answer("HTTP/1.1 200 OK\r\nContent-Length: 6", b"GIF89a");
        assert_eq!(check_answer(&ok), Ok(()));
        let lower = answer("HTTP/1.1 200 OK\r\ncontent-length: 6", b"GIF89a");
        assert_eq!(check_answer(&lower), Ok(()));
        let not_found = answer("HTTP/1.1 404 Not Found\r\ncontent-length: 0", b"");
        assert_eq!(check_answer(&not_found), Err("HTTP 404".to_owned()));
        let short = answer("HTTP/1.1 200 OK\r\nContent-Length: 9", b"GIF89a");
        assert_eq!(check_answer(&short), Err("read: body cut short".to_owned()));
        let html = answer("HTTP/1.1 200 OK", b"<html>");
        assert_eq!(check_answer(&html), Err("read: not a GIF".to_owned()));
        assert!(
            check_answer(b"HTTP/1.1 200 OK\r\n").is_err(),
            "no end of head"
        );
    }
}
