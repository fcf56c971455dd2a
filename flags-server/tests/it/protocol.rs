//! The server speaks HTTP/1.1 and HTTP/1.0 only, in every build.
//!
//! It used to follow whatever hyper was compiled with: a workspace-wide `cargo test` turns on
//! hyper's HTTP/2 (mockito, a dev-dependency elsewhere, asks for it, and Cargo unifies features),
//! so a test build answered HTTP/2 "prior knowledge" (h2c) while `cargo build` did not. This
//! crate's own dev-dependencies switch HTTP/2 on in the same way (see Cargo.toml), so these tests
//! run in the build where a server that followed the features would speak it.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use flags_server::{FlagServer, ServerConfig};

/// What an HTTP/2 client sends first when it knows the server speaks HTTP/2 (RFC 9113, 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Sends the HTTP/2 preface and returns what came back before the server closed the connection
/// (or before a generous wait ran out: an HTTP/2 server answers with its SETTINGS frame and then
/// waits for ours, so it never closes by itself).
fn answer_to_h2_preface(addr: SocketAddr) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    stream.write_all(H2_PREFACE).expect("send the preface");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
            // A reset after the server's last word is a way of closing too.
            Err(error) if error.kind() == ErrorKind::ConnectionReset => break,
            // Timed out with the connection still open: whatever came is the answer.
            Err(_) => break,
        }
    }
    answer
}

/// The answer is nothing (the connection closed) or an HTTP/1 status line, never an HTTP/2
/// frame (a SETTINGS frame starts with a 3-byte length and the type byte 4).
fn assert_not_http2(answer: &[u8]) {
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1."),
        "the server answered the HTTP/2 preface with {:?}",
        String::from_utf8_lossy(&answer[..answer.len().min(64)])
    );
}

#[test]
fn http2_prior_knowledge_is_refused() {
    let server = FlagServer::start(ServerConfig::default()).expect("start");
    assert_not_http2(&answer_to_h2_preface(server.addr()));
    // Still an HTTP/1 server for everyone else.
    assert_eq!(
        crate::support::get(server.addr(), "/flags/cn/cn.gif").status,
        200
    );
}

#[test]
fn the_program_refuses_http2_prior_knowledge_too() {
    let server = crate::binary::Running::start(&["0", "-q"]);
    assert_not_http2(&answer_to_h2_preface(server.addr));
}
