//! Stopping a server is prompt: idle connections do not hold it up, and requests sleeping
//! through an injected delay are answered at once instead of waiting it out.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use flags_server::{Delay, FlagServer, ServerConfig};

#[test]
fn shutdown_closes_the_port() {
    let server = FlagServer::start(ServerConfig::default()).expect("start");
    let addr = server.addr();
    server.shutdown();
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn shutdown_does_not_wait_for_idle_connections() {
    let server = FlagServer::start(ServerConfig::default()).expect("start");
    // One connection that never sends a request, one kept alive after a request.
    let silent = TcpStream::connect(server.addr()).expect("connect");
    let mut kept_alive = TcpStream::connect(server.addr()).expect("connect");
    kept_alive
        .write_all(b"GET /flags/cn/metadata.json HTTP/1.1\r\nHost: test\r\n\r\n")
        .expect("send");
    let mut buffer = [0u8; 1024];
    let read = kept_alive.read(&mut buffer).expect("reply");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200 OK"));
    // If graceful shutdown waited for these clients, this would hang until the test times out.
    server.shutdown();
    drop((silent, kept_alive));
}

#[test]
fn shutdown_cuts_a_long_delay_short() {
    let long = Duration::from_secs(600);
    let server = FlagServer::start(ServerConfig {
        delay: Delay::Fixed(long),
        ..ServerConfig::default()
    })
    .expect("start");
    let addr = server.addr();
    let (sent_tx, sent_rx) = mpsc::channel();
    let client = thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"GET /flags/cn/metadata.json HTTP/1.0\r\n\r\n")
            .expect("send");
        sent_tx.send(()).expect("main thread waits");
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        reply
    });
    sent_rx.recv().expect("the client sent its request");
    let started = Instant::now();
    server.shutdown();
    // Not a speed test: without the cut, shutdown would take the whole 600 s delay.
    assert!(started.elapsed() < long / 10, "{:?}", started.elapsed());
    let reply = client.join().expect("client thread");
    // If the server had read the request, it answers it in full; if shutdown won the race
    // before the request was read, the connection is simply closed. Never anything else.
    if !reply.is_empty() {
        let reply = crate::support::parse(&reply);
        assert_eq!(reply.status, 200);
    }
}
