//! Shared by the server tests: a hand-written HTTP/1.0 client over a plain `TcpStream`.
//!
//! Real clients (curl, ureq, reqwest) normalise paths, removing `..` before sending, so they
//! cannot test what the server does with a hostile request line. Writing the bytes by hand can.
//! HTTP/1.0 keeps the parsing trivial: the server closes the connection after one response.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

/// A parsed response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends `GET {target} HTTP/1.0` with `target` exactly as given.
pub fn get(addr: SocketAddr, target: &str) -> Reply {
    send_raw(
        addr,
        format!("GET {target} HTTP/1.0\r\nHost: test\r\n\r\n").as_bytes(),
    )
}

/// Sends `request` byte for byte and reads the whole reply.
pub fn send_raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    stream.write_all(request).expect("send the request");
    let mut bytes = Vec::new();
    // The server may close as soon as it has answered a malformed request, which can surface
    // as a reset on our side after the reply has arrived; keep what was read.
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

/// Like [`send_raw`], but waits at most `patience` for each read: for requests a broken server
/// would never answer, so that the test fails instead of hanging. (Unix only: its one user, the
/// FIFO test, needs a FIFO.)
#[cfg(unix)]
pub fn send_raw_within(addr: SocketAddr, request: &[u8], patience: std::time::Duration) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(patience))
        .expect("set a read timeout");
    stream.write_all(request).expect("send the request");
    let mut bytes = Vec::new();
    if let Err(error) = stream.read_to_end(&mut bytes) {
        // Unix reports a read timeout as WouldBlock, Windows as TimedOut.
        if matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            let request = String::from_utf8_lossy(request);
            let line = request.lines().next().unwrap_or_default();
            panic!("no answer to {line:?} within {patience:?}");
        }
    }
    parse(&bytes)
}

/// Splits a raw HTTP response into status, head and body.
pub fn parse(bytes: &[u8]) -> Reply {
    let split = bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status code in {head:?}"));
    Reply {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}
