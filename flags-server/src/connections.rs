//! Accepting connections and serving HTTP/1.1 on each: the loop `axum::serve` ran for us,
//! written out because a server open to slow or hostile clients needs what `axum::serve` does
//! not offer. (`slow_server.py` gets its loop from `http.server`, which has no timeout and no
//! cap, and leaves Nagle's algorithm on.)
//!
//! - **HTTP/1.1 only, decided here.** `axum::serve` speaks HTTP/2 too whenever hyper's `http2`
//!   feature is on, and Cargo turns on a feature for everyone if any crate in the build asks for
//!   it: a workspace-wide `cargo test` (mockito asks) built a server that answered HTTP/2, and
//!   `cargo build` one that did not. Hyper's `http1` builder speaks HTTP/1.x whatever the build.
//! - **A header timeout** (`ServerConfig::header_timeout`). A client gets that long to send each
//!   request's head, then it is disconnected; so does an idle kept-alive connection.
//! - **A cap on connections** (`ServerConfig::connection_limit`). Every connection holds a file
//!   descriptor; at the open-files limit `accept` fails, and in `--directory` mode so does
//!   opening a file, for everyone. The loop takes a permit from a semaphore before accepting,
//!   so at the cap new clients wait in the kernel's queue until a connection closes.
//! - **TCP_NODELAY on every connection**, turning off Nagle's algorithm. tower-http's `ServeDir`,
//!   which served `--directory` mode before our own handler (`files`), sent a file's head and
//!   body in two writes; with Nagle on, the kernel holds the second until the client
//!   acknowledges the first, and clients delay acknowledgements by up to 40 ms: every file
//!   request on a kept-alive connection took 40 ms more. (`benches/directory.rs` measures it.)
//!   Our handler answers with the whole file as one body, which hyper can write with the head,
//!   but the setting stays: any answer written in two pieces would meet the same stall.
//!
//! # Stopping
//! When `stop` is cancelled the loop stops accepting and closes the listener, and each connection
//! finishes gracefully: one between requests closes at once, one in the middle of a request
//! answers it first. A connection on which the client has not sent a byte is closed at once
//! too. Hyper counts it as busy (it may be about to send a request), and would wait for it up to
//! the header timeout; but nothing was asked, so nothing is lost by closing it.

use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Serves `app` on `listener` until `stop` is cancelled, then waits for the connections to finish
/// (see the module docs).
pub(crate) async fn serve_connections(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    max_connections: usize,
    stop: CancellationToken,
) {
    let mut http = http1::Builder::new();
    // Hyper measures the header timeout with a timer it is given; without one it has none.
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    // One permit per connection. Each connection's task holds its permit and drops it when the
    // connection ends, so the permits left are the connections still allowed.
    let slots = Arc::new(Semaphore::new(max_connections.min(Semaphore::MAX_PERMITS)));
    // The connection tasks, so that a graceful stop can wait for all of them.
    let connections = TaskTracker::new();
    let mut said_full = false;

    loop {
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                // Said once per server, not once per waiting client: a cap reached by a flood
                // of connections must not become a flood of log lines.
                if !said_full {
                    said_full = true;
                    eprintln!(
                        "flag server: {max_connections} connections open, the limit; new ones \
                         wait until one closes (the program's --max-connections sets the limit; \
                         this is said once)"
                    );
                }
                tokio::select! {
                    slot = Arc::clone(&slots).acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_closed) => break, // never happens: nothing closes the semaphore
                    },
                    () = stop.cancelled() => break,
                }
            }
        };
        let stream = tokio::select! {
            stream = accept(&listener) => stream,
            () = stop.cancelled() => break,
        };
        let heard = Arc::new(AtomicBool::new(false));
        let io = TokioIo::new(Heard {
            stream,
            heard: Arc::clone(&heard),
        });
        let connection = http.serve_connection(io, TowerToHyperService::new(app.clone()));
        let stop = stop.clone();
        connections.spawn(async move {
            // The permit goes back when this task ends, however it ends.
            let _slot = slot;
            let mut connection = pin!(connection);
            tokio::select! {
                // Errors are the client's doing (a reset, a malformed request, the header
                // timeout) and end only its connection; hyper has already answered what can be
                // answered, such as 400 for a malformed request.
                _ = connection.as_mut() => return,
                () = stop.cancelled() => {}
            }
            // `heard` is written and read on this task only (the connection is polled here),
            // so `Relaxed` suffices; it is atomic because the task must be `Send`.
            if heard.load(Ordering::Relaxed) {
                connection.as_mut().graceful_shutdown();
                let _ = connection.await;
            }
        });
    }

    // Closing the listener refuses new connections at once, rather than leaving them queued.
    drop(listener);
    connections.close();
    connections.wait().await;
}

/// Accepts the next connection and prepares it, retrying on errors: one failed `accept` must not
/// end the server.
async fn accept(listener: &TcpListener) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                prepare(&stream);
                return stream;
            }
            // The client gave up between connecting and being accepted: only its loss.
            Err(error) if is_only_that_connection(&error) => continue,
            // Out of descriptors or memory: retrying at once would spin, so wait for some to be
            // freed. (The connection cap should keep us from getting here at all.)
            Err(error) => {
                eprintln!("flag server: cannot accept a connection: {error} (retrying in 1 s)");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Sets up an accepted connection: Nagle's algorithm off (see the module docs).
fn prepare(stream: &TcpStream) {
    // Failing to set it costs speed, not correctness: serve the connection anyway.
    let _ = stream.set_nodelay(true);
}

fn is_only_that_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

/// A connection's stream that notes whether the client has sent anything yet (see "Stopping").
struct Heard {
    stream: TcpStream,
    heard: Arc<AtomicBool>,
}

// ===== impl AsyncRead, AsyncWrite: delegation, plus the one note in `poll_read` =====

impl AsyncRead for Heard {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.heard.store(true, Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for Heard {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    // Passed on so hyper can still send a response's head and body in one `writev`.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_connections_have_nagle_turned_off() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let _client = TcpStream::connect(addr).await.expect("connect");
        let accepted = accept(&listener).await;
        assert!(accepted.nodelay().expect("read TCP_NODELAY"));
    }
}
