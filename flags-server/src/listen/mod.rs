//! The server's listening socket: bound, with a deep queue of pending connections, set up the
//! way each platform needs (`unix.rs`, `windows.rs` beside this file); and how many connections
//! the process can afford to hold, which is also a platform matter.

use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;

// The platform layer: `prepare(socket)`, `backlog(wanted)` and `open_files_limit()`, one module
// per platform.
#[cfg(unix)]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[path = "windows.rs"]
mod sys;

/// How many finished handshakes the kernel queues for us before refusing connections.
///
/// `slow_server.py` inherits `http.server`'s queue of 5: when 20 downloads connect at once, the
/// rest wait for retransmission timeouts, and the asyncio downloader looks far slower than it is.
/// We ask for 4096. Linux caps the request at `net.core.somaxconn` (4096 on current kernels),
/// macOS at `kern.ipc.somaxconn`; Windows caps a plain number at a "reasonable maximum" of its
/// own unless asked in its own way (see `windows.rs`), and there a full queue refuses the next
/// connection outright instead of letting the client retry.
pub const LISTEN_BACKLOG: u32 = 4096;

/// Binds `addr` and starts listening with a queue of [`LISTEN_BACKLOG`] connections.
///
/// Must be called inside a Tokio runtime, which the returned listener registers with.
pub fn bind_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    sys::prepare(&socket)?;
    socket.bind(&addr.into())?;
    socket.listen(sys::backlog(LISTEN_BACKLOG))?;
    // Tokio drives the socket through its reactor, which needs it non-blocking.
    socket.set_nonblocking(true)?;
    TcpListener::from_std(socket.into())
}

/// Descriptors kept back from the connection cap for everything else in the process: standard
/// streams, the listener, the runtime's own, a client in the same process.
const RESERVED_FILES: u64 = 64;

/// The bounds of the derived cap: at least a few connections whatever the limit says, and no more
/// than any exercise here needs ten times over (the downloaders open at most 1,000 at once).
const MIN_CONNECTIONS: u64 = 16;
const MAX_CONNECTIONS: u64 = 10_000;

/// The connection cap when none is given (see `ServerConfig::connection_limit`): half of the
/// open-files limit left after [`RESERVED_FILES`], within [`MIN_CONNECTIONS`] and
/// [`MAX_CONNECTIONS`].
pub(crate) fn default_max_connections() -> usize {
    let cap = match sys::open_files_limit() {
        Some(limit) => limit.saturating_sub(RESERVED_FILES) / 2,
        None => MAX_CONNECTIONS,
    };
    let cap = cap.clamp(MIN_CONNECTIONS, MAX_CONNECTIONS);
    usize::try_from(cap).unwrap_or(usize::MAX)
}
