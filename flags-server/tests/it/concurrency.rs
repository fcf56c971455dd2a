//! The server answers 1,000 concurrent delayed requests without refusing any: delays are timers,
//! not blocked threads, and the listen backlog is deep enough for a burst of connections.
//! (`slow_server.py` queues only 5 pending connections; a burst like this makes most of them wait
//! for TCP retransmission timeouts.)

use std::time::{Duration, Instant};

use flags_server::{Delay, FlagServer, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

const REQUESTS: usize = 1000;
const DELAY: Duration = Duration::from_millis(200);

async fn fetch_status(addr: std::net::SocketAddr, target: String) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(format!("GET {target} HTTP/1.0\r\n\r\n").as_bytes())
        .await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    let head = String::from_utf8_lossy(&reply[..reply.len().min(64)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {head:?}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_delayed_requests_all_succeed() {
    // The server runs on its own thread with a single-threaded runtime, as the blocking
    // downloaders use it: one thread is enough to hold a thousand sleeping requests.
    let server = FlagServer::start(ServerConfig {
        delay: Delay::Fixed(DELAY),
        ..ServerConfig::default()
    })
    .expect("start");
    let codes = flags_server::codes::all_cc();
    let started = Instant::now();
    let mut requests = JoinSet::new();
    for i in 0..REQUESTS {
        let cc = codes[i % codes.len()].to_lowercase();
        requests.spawn(fetch_status(server.addr(), format!("/flags/{cc}/{cc}.gif")));
    }
    let mut ok = 0;
    while let Some(joined) = requests.join_next().await {
        let status = joined.expect("client task").expect("request answered");
        assert_eq!(status, 200);
        ok += 1;
    }
    assert_eq!(ok, REQUESTS);
    // Not a speed test: a server that handled these one at a time would need 200 s. The bound
    // is generous enough that no amount of machine load makes it fail.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}
