//! Running the flag server: [`serve`] inside a runtime you already have (the `flags-server`
//! binary, the async downloaders), or [`FlagServer`] on its own thread with its own runtime, so
//! blocking programs (the sequential and thread-pool downloaders) can start one in-process. The
//! listening socket itself is made in `listen`, and its connections are served in `connections`.

use std::io;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::config::{ServerConfig, base_url};
use super::listen::bind_listener;
use super::profile::{self, Profile, ProfileState};
use super::{connections, log, paths, routes};

/// The whole application: the content (built-in flags or a directory), wrapped in the profile
/// (delays and 418s), the path guard, and the request log.
///
/// `Router::layer` wraps what is already in the router, so the last layer added runs first:
/// a request meets the log, then the guard (refused paths are neither delayed nor served), then
/// the profile, then the content. A router served by other means than [`serve`] never cuts its
/// delays short at shutdown (see [`serve`]).
pub fn router(config: &ServerConfig) -> Router {
    // A token nobody else holds a clone of is never cancelled.
    app(config, CancellationToken::new())
}

fn app(config: &ServerConfig, stopping: CancellationToken) -> Router {
    let mut app = match &config.directory {
        Some(dir) => routes::directory_tree(dir),
        None => routes::builtin_flags(),
    };
    let profile = Profile::new(config.delay, config.error_rate, config.seed);
    if profile.is_active() {
        let state = ProfileState {
            profile: Arc::new(profile),
            stopping,
        };
        app = app.layer(from_fn_with_state(state, profile::apply));
    }
    app = app.layer(from_fn(paths::refuse_escapes));
    if config.log {
        app = app.layer(from_fn(log::log_request));
    }
    app
}

/// Serves flags on `listener` until `stop` is cancelled, then stops gracefully: no new
/// connections, idle ones closed, requests in flight answered. Their injected delays are cut
/// short, since waiting out an artificial delay helps nobody once the server is stopping.
///
/// Connections speak HTTP/1.1 (and 1.0), never HTTP/2, with TCP_NODELAY set; a client gets
/// `config.header_timeout` to send each request's head, and at most
/// [`config.connection_limit()`](ServerConfig::connection_limit) connections are open at once
/// (the `connections` module says why each of these matters). A client stalled halfway through
/// a request holds up a graceful stop for at most the header timeout.
///
/// `stop` is a [`CancellationToken`], the one stop mechanism of every program here (the
/// downloaders' `Interrupt` wraps one too): a *state* that clones share, so a request that starts
/// waiting after the server began stopping sees it at once, where a one-off notification would
/// only wake whoever was waiting when it fired.
///
/// For use inside an existing runtime. `config.bind` and `config.port` are ignored: the listener
/// is already bound (see [`bind_listener`]).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use flags_server::{ServerConfig, bind_listener, serve};
/// use tokio_util::sync::CancellationToken;
///
/// let listener = bind_listener("127.0.0.1:8001".parse().unwrap())?;
/// let stop = CancellationToken::new();
/// let on_ctrl_c = stop.clone();
/// tokio::spawn(async move {
///     let _ = tokio::signal::ctrl_c().await;
///     on_ctrl_c.cancel();
/// });
/// serve(listener, ServerConfig::default(), stop).await
/// # }
/// ```
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    stop: CancellationToken,
) -> io::Result<()> {
    config.validate()?;
    let app = app(&config, stop.clone());
    connections::serve_connections(
        listener,
        app,
        config.header_timeout,
        config.connection_limit(),
        stop,
    )
    .await;
    Ok(())
}

/// A flag server running on a background thread, for programs that are not async.
///
/// The thread runs a current-thread Tokio runtime: one thread is plenty, because the server only
/// waits (on sockets and delay timers) and waiting costs no thread. Dropping the server, or
/// calling [`shutdown`](Self::shutdown), stops it gracefully and joins the thread.
///
/// ```
/// use flags_server::{FlagServer, ServerConfig};
///
/// let server = FlagServer::start(ServerConfig::default())?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert!(server.base_url().ends_with("/flags"));
/// server.shutdown();
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FlagServer {
    addr: SocketAddr,
    /// Cancelled to tell the server to stop.
    stop: CancellationToken,
    thread: Option<JoinHandle<()>>,
}

impl FlagServer {
    /// Starts a server and returns once it is listening, so a client may connect at once.
    ///
    /// Fails if the settings are invalid (see [`ServerConfig::validate`]) or the address cannot
    /// be bound (for example, the port is in use).
    pub fn start(config: ServerConfig) -> io::Result<FlagServer> {
        config.validate()?;
        // The thread reports back once: the bound address, or why binding failed. Binding
        // happens on the server thread because a Tokio listener belongs to the runtime that
        // created it.
        let (ready_tx, ready_rx) = mpsc::sync_channel::<io::Result<SocketAddr>>(1);
        let stop = CancellationToken::new();
        let stop_server = stop.clone();
        let thread = thread::Builder::new()
            .name("flag-server".to_owned())
            .spawn(move || run_server_thread(config, ready_tx, stop_server))?;
        match ready_rx.recv() {
            Ok(Ok(addr)) => Ok(FlagServer {
                addr,
                stop,
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            // The thread hung up without reporting, which only a panic can cause.
            Err(mpsc::RecvError) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "the flag server thread died while starting",
                ))
            }
        }
    }

    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to download from, such as `http://127.0.0.1:40123/flags`.
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }

    /// Stops the server: no new connections, requests in flight are answered (their injected
    /// delays cut short, see [`serve`]), then the thread is joined. Dropping the server does the
    /// same.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for FlagServer {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was already printed; re-raising it inside `drop`
            // could abort the process, so it is not propagated.
            let _ = thread.join();
        }
    }
}

fn run_server_thread(
    config: ServerConfig,
    ready: mpsc::SyncSender<io::Result<SocketAddr>>,
    stop: CancellationToken,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    runtime.block_on(async move {
        let addr = config.socket_addr();
        let bound = bind_listener(addr).and_then(|listener| {
            let local = listener.local_addr()?;
            Ok((listener, local))
        });
        let listener = match bound {
            Ok((listener, local)) => {
                let _ = ready.send(Ok(local));
                listener
            }
            Err(error) => {
                let message = format!("cannot listen on {addr}: {error}");
                let _ = ready.send(Err(io::Error::new(error.kind(), message)));
                return;
            }
        };
        if let Err(error) = serve(listener, config, stop).await {
            eprintln!("flag server stopped with an error: {error}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Delay;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use std::time::Duration;
    use tower::ServiceExt;

    #[tokio::test]
    async fn stopping_cuts_injected_delays_short() {
        let config = ServerConfig {
            delay: Delay::Fixed(Duration::from_secs(600)),
            ..ServerConfig::default()
        };
        let stopping = CancellationToken::new();
        let request = Request::get("/flags/cn/metadata.json")
            .body(Body::empty())
            .expect("a valid request");
        let in_flight = tokio::spawn(app(&config, stopping.clone()).oneshot(request));
        // Usually lets the request reach its sleep first. Either order works: the token is a
        // state, so a request that starts waiting after it is cancelled does not wait at all.
        tokio::task::yield_now().await;
        stopping.cancel();
        let response = tokio::time::timeout(Duration::from_secs(60), in_flight)
            .await
            .expect("the 600 s delay was cut short")
            .expect("the request task did not panic")
            .expect("routers are infallible");
        assert_eq!(response.status(), StatusCode::OK);
    }
}
