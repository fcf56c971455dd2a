//! The two limits that keep slow or greedy clients from taking the server down (issue 16): a
//! client that is too slow to send a request's head is disconnected, and at most
//! `max_connections` connections are held at once; past that, new ones wait their turn.
//!
//! The waits here are bounds a correct server meets with a wide margin: a timer never fires
//! early, so the lower bounds hold on any machine, and the upper bounds are twenty times the
//! timeout.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use flags_server::{FlagServer, ServerConfig};
use predicates::prelude::*;

use crate::binary::Running;
use crate::support::{get, parse};

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a test waits for something the server must do before it counts as never done.
const PATIENCE: Duration = Duration::from_secs(20);

/// Waits until the server closes `stream` and returns how long that took from `since`; panics if
/// it is still open after [`PATIENCE`].
fn wait_for_close(mut stream: TcpStream, since: Instant) -> Duration {
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    let mut sink = Vec::new();
    match stream.read_to_end(&mut sink) {
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        Err(error) => panic!("still open after {PATIENCE:?} ({error})"),
    }
    since.elapsed()
}

/// Sends a complete HTTP/1.1 request on a kept-alive connection and reads the start of the answer.
fn request_kept_alive(stream: &mut TcpStream) {
    stream
        .write_all(b"GET /flags/cn/metadata.json HTTP/1.1\r\nHost: test\r\n\r\n")
        .expect("send a request");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    let mut buffer = [0u8; 512];
    let read = stream.read(&mut buffer).expect("an answer");
    assert!(
        buffer[..read].starts_with(b"HTTP/1.1 200 OK"),
        "{:?}",
        String::from_utf8_lossy(&buffer[..read])
    );
}

#[test]
fn slow_and_silent_clients_are_disconnected_after_the_header_timeout() {
    let server = FlagServer::start(ServerConfig {
        header_timeout: HEADER_TIMEOUT,
        ..ServerConfig::default()
    })
    .expect("start");
    let addr = server.addr();
    std::thread::scope(|scope| {
        // Sends half a request and stalls: the slowloris attack.
        let half_sent = scope.spawn(move || {
            let started = Instant::now();
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream
                .write_all(b"GET /flags/cn/cn.gif HTTP/1.1\r\nHost: te")
                .expect("send half a request");
            wait_for_close(stream, started)
        });
        // Connects and never sends a byte.
        let silent = scope.spawn(move || {
            let started = Instant::now();
            let stream = TcpStream::connect(addr).expect("connect");
            wait_for_close(stream, started)
        });
        // Gets one answer, then keeps the connection open and idle.
        let idle = scope.spawn(move || {
            let mut stream = TcpStream::connect(addr).expect("connect");
            request_kept_alive(&mut stream);
            wait_for_close(stream, Instant::now())
        });
        // The clock started before each connection existed, so the server's timer started later
        // and cannot have fired sooner than this.
        assert!(half_sent.join().expect("client thread") >= HEADER_TIMEOUT);
        assert!(silent.join().expect("client thread") >= HEADER_TIMEOUT);
        idle.join().expect("client thread");
    });
    // The server itself serves on.
    assert_eq!(get(addr, "/flags/cn/cn.gif").status, 200);
}

#[test]
fn past_the_cap_a_connection_waits_until_one_closes() {
    let server = FlagServer::start(ServerConfig {
        max_connections: Some(2),
        // Long enough that no connection here is closed for being idle.
        header_timeout: Duration::from_secs(600),
        ..ServerConfig::default()
    })
    .expect("start");
    let addr = server.addr();
    // Two connections, served and kept open: the cap is reached.
    let mut first = TcpStream::connect(addr).expect("connect");
    request_kept_alive(&mut first);
    let mut second = TcpStream::connect(addr).expect("connect");
    request_kept_alive(&mut second);

    // The third connects (the kernel queues it) and sends its request, which is not read yet.
    let mut third = TcpStream::connect(addr).expect("connect");
    third
        .write_all(b"GET /flags/cn/metadata.json HTTP/1.0\r\n\r\n")
        .expect("send a request");
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("set a read timeout");
    let mut buffer = [0u8; 64];
    // A correct server never answers here, however long we wait; half a second is enough to
    // catch one that does on any machine that is not badly overloaded.
    let early = third.read(&mut buffer);
    assert!(
        matches!(&early, Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the third connection was served while two were open: {early:?}"
    );

    drop(first);
    third
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    let mut answer = Vec::new();
    third.read_to_end(&mut answer).expect("the answer");
    assert_eq!(parse(&answer).status, 200);
    drop(second);
}

/// Reaching the cap is said on stderr once, not once per connection that has to wait.
#[test]
fn reaching_the_connection_cap_is_logged_once() {
    let mut server = Running::start(&["0", "-q", "--max-connections", "1"]);
    // With a cap of one, every connection reaches it.
    for _ in 0..3 {
        assert_eq!(get(server.addr, "/flags/cn/cn.gif").status, 200);
    }
    server.child.kill().expect("stop flags-server");
    let _ = server.child.wait();
    let mut stderr = String::new();
    server
        .child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let said = stderr.matches("connections open, the limit").count();
    assert_eq!(said, 1, "{stderr}");
    assert!(stderr.contains("up to 1 connections"), "{stderr}");
}

#[test]
fn the_limits_are_options_of_the_program() {
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .arg("--help")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--header-timeout <SECS>")
                .and(predicate::str::contains("[default: 10]"))
                .and(predicate::str::contains("--max-connections <N>"))
                .and(predicate::str::contains("open-files limit")),
        );
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .args(["--header-timeout", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--header-timeout"));
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .args(["--max-connections", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-connections"));
}
