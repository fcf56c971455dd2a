//! Watching code under test from the outside: a flag server that records what it was asked and
//! when ([`WatchedServer`]), and a guard that turns a hang into a failure ([`returns_within`]).
//!
//! Made for the classroom exercises (`docs/exercises`), whose tests must tell a concurrent answer
//! from a sequential one without looking at threads or timing the run. Counting threads proves
//! little: a loop that downloads one flag after another plus one dummy `submit` starts a worker
//! too. The server sees what matters. Each answer waits a fixed delay on the server, so a
//! client that sends its requests one after another never has two of them there at once, and a
//! client that overlaps them has several: [`WatchedServer::peak_in_flight`] is 1 for the first
//! and close to the number of workers for the second, on a fast machine or a loaded one.
//!
//! The server is the built-in one (`flags_server::router`) with one more layer around it: the
//! same way `flags-race` records its timeline (`flags-race/src/serve.rs`).

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use flags_server::{ServerConfig, base_url, bind_listener, router};
use tokio::sync::oneshot;

/// How long the server waits before answering a request, chosen from the request's path.
type DelayFor = dyn Fn(&str) -> Duration + Send + Sync;

/// What the server has seen so far.
#[derive(Debug, Default)]
struct Log {
    /// Requests being answered now.
    in_flight: usize,
    /// The most requests ever answered at once.
    peak: usize,
    /// The path of every request, in the order the server received them.
    arrivals: Vec<String>,
}

/// The log and the delay rule, shared by every request the server handles.
struct Watch {
    // A `std::sync::Mutex`, not a Tokio one: it is held for an increment or a push, never
    // across an `.await`.
    log: Mutex<Log>,
    delay_for: Box<DelayFor>,
}

impl Watch {
    fn log(&self) -> MutexGuard<'_, Log> {
        // A panic while holding the lock cannot leave a count half-written: ignore the poison.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A flag server on a background thread that answers every request after a delay and records
/// how many requests it was answering at once, and in which order they arrived.
///
/// A request counts as in flight from the moment the server has read it until its answer is
/// ready (the delay included). A client that hangs up early ends its request at once.
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::TcpStream;
/// use std::time::Duration;
/// use flags_testkit::watch::WatchedServer;
///
/// let server = WatchedServer::start(Duration::from_millis(50))?;
/// let mut connection = TcpStream::connect(server.addr())?;
/// write!(connection, "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = Vec::new();
/// connection.read_to_end(&mut answer)?;
/// assert!(answer.starts_with(b"HTTP/1.1 200 OK"));
/// assert_eq!(server.arrivals(), ["/flags/br/br.gif"]);
/// assert_eq!(server.peak_in_flight(), 1, "one request, so never two at once");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct WatchedServer {
    addr: SocketAddr,
    watch: Arc<Watch>,
    /// Sending (or dropping) it stops the server.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl WatchedServer {
    /// Starts a server of the built-in flags that answers every request after `delay`, and
    /// returns once it is listening on 127.0.0.1 (a free port).
    pub fn start(delay: Duration) -> io::Result<WatchedServer> {
        WatchedServer::start_with_delays(move |_| delay)
    }

    /// Like [`start`](Self::start), with a delay chosen for each request from its path (such
    /// as `/flags/br/br.gif`): to make one download finish last, for example.
    pub fn start_with_delays(
        delay_for: impl Fn(&str) -> Duration + Send + Sync + 'static,
    ) -> io::Result<WatchedServer> {
        let watch = Arc::new(Watch {
            log: Mutex::new(Log::default()),
            delay_for: Box::new(delay_for),
        });
        // No delay of the server's own: ours is added by `watch_request`, inside the recording.
        let app = router(&ServerConfig::default())
            .layer(from_fn_with_state(Arc::clone(&watch), watch_request));
        let (ready_tx, ready) = mpsc::sync_channel::<io::Result<SocketAddr>>(1);
        let (stop, stopped) = oneshot::channel::<()>();
        // One thread with a current-thread runtime, as `flags_server::FlagServer` does: the
        // server only waits, on sockets and timers, and waiting costs no thread.
        let thread = thread::Builder::new()
            .name("watched-flag-server".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let local = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
                    let listener = match bind_listener(local) {
                        Ok(listener) => listener,
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                            return;
                        }
                    };
                    let _ = ready_tx.send(listener.local_addr());
                    // Stop at once, not gracefully: the test is over, and a request still
                    // waiting out its delay has nobody left to answer to. Dropping the runtime
                    // when this thread ends drops every connection with it.
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        match ready.recv() {
            Ok(Ok(addr)) => Ok(WatchedServer {
                addr,
                watch,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(mpsc::RecvError) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "the watched flag server thread died while starting",
                ))
            }
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to download from, such as `http://127.0.0.1:40123/flags`.
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }

    /// The most requests the server has been answering at the same moment: 1 for a client
    /// that waits for each answer before it asks again, whatever the machine's load.
    pub fn peak_in_flight(&self) -> usize {
        self.watch.log().peak
    }

    /// The path of every request so far (such as `/flags/br/br.gif`), in the order they
    /// reached the server.
    pub fn arrivals(&self) -> Vec<String> {
        self.watch.log().arrivals.clone()
    }
}

impl Drop for WatchedServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was printed already; a second one here could abort.
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for WatchedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchedServer")
            .field("addr", &self.addr)
            .field("log", &*self.watch.log())
            .finish_non_exhaustive()
    }
}

/// The axum middleware: counts the request in, waits its delay, lets the flag server answer,
/// and counts it out.
async fn watch_request(State(watch): State<Arc<Watch>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let delay = (watch.delay_for)(&path);
    let _in_flight = InFlight::enter(&watch, path);
    tokio::time::sleep(delay).await;
    next.run(request).await
}

/// One request in flight; dropping it counts the request out, also when the client hung up
/// and the server dropped this handler in the middle of its delay.
struct InFlight<'a>(&'a Watch);

impl<'a> InFlight<'a> {
    fn enter(watch: &'a Watch, path: String) -> Self {
        let mut log = watch.log();
        log.in_flight += 1;
        log.peak = log.peak.max(log.in_flight);
        log.arrivals.push(path);
        InFlight(watch)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.log().in_flight -= 1;
    }
}

/// Runs `f` on a thread of its own and returns its value, or `None` if it has not returned
/// after `limit`: a guard that turns a hang (a deadlock, a wait nobody will end) into a test
/// failure with a message, instead of a test run that never ends. A panic in `f` is re-raised
/// here with its own message.
///
/// The limit is not a measurement: give the code under test many times what it needs (seconds
/// for work of microseconds), so only a real hang reaches it on a loaded machine. A thread that
/// hangs is left behind; the test process ends it when it exits.
///
/// ```
/// use std::time::Duration;
/// use flags_testkit::watch::returns_within;
///
/// assert_eq!(returns_within(Duration::from_secs(10), || 6 * 7), Some(42));
/// let (_keep_open, never) = std::sync::mpsc::channel::<()>();
/// let hung = returns_within(Duration::from_millis(50), move || never.recv());
/// assert!(hung.is_none(), "nobody sends, so recv() never returns");
/// ```
pub fn returns_within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, outcome) = mpsc::channel();
    let thread = thread::spawn(move || {
        let _ = done.send(f());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => Some(value),
        Err(mpsc::RecvTimeoutError::Timeout) => None,
        // The sender is gone without a value: `f` panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => match thread.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends, unless it panics"),
        },
    }
}
