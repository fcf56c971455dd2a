//! The race's flag server, run in a child process (`race --serve`): the built-in server of
//! flags-server plus a recorder of when each request started and ended, so the race can draw its
//! timeline without touching the download strategies.
//!
//! Why a child process: the race reads its own CPU time (`getrusage(RUSAGE_SELF)` on Unix,
//! `GetProcessTimes` on Windows), which counts every thread of the process. With the server on a
//! thread of the race, each style would be charged for the server's work too (for 676 instant requests, most of the CPU). In a child,
//! the server's CPU is the child's, and the race's figures are the client's alone, as the Python
//! figures were taken against a separate `slow_server.py`.
//!
//! # Protocol (one line each way, over the child's stdin and stdout)
//! - the child prints `listening BASE_URL` once it accepts connections;
//! - `mark` clears the records and makes now the zero of time; the child answers `ok`;
//! - `dump` prints one `PATH STATUS START END` line per request since the mark (seconds), then `end`;
//! - end of stdin (the race finished or died) ends the child; Ctrl-C does not (see [`run`]).

use std::io::{BufRead, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::serve::ListenerExt;
use flags_server::{Delay, ServerConfig, base_url, bind_listener, router};

/// The requests seen since the last `mark`.
#[derive(Debug)]
struct Recorder {
    mark: Instant,
    records: Vec<(String, u16, Instant, Instant)>,
}

// A `std::sync::Mutex`, not a Tokio one: it is held for a push or a swap, never across `.await`.
type Shared = Arc<Mutex<Recorder>>;

/// Serves flags with `delay`, `error_rate` and `seed` until stdin closes.
pub fn run(delay: Delay, error_rate: f64, seed: u64) -> anyhow::Result<()> {
    // Ctrl-C in a terminal reaches the race and this child alike. The race lets its run in flight
    // finish, which needs this server, and then stops us by closing our stdin: so a Ctrl-C (or
    // SIGTERM, SIGHUP) does nothing here. If the handler cannot be installed, Ctrl-C ends the
    // child as it always could, and the race reports the run's failures.
    let _ = flags_common::interrupt::on_each_ctrl_c(|| {});
    flags_common::flags2::raise_open_files_limit();
    // Draw every flag now so the first round does not wait for the drawings.
    for cc in flags_common::codes::all_cc() {
        let _ = flags_server::art::flag_gif(cc);
    }
    let config = ServerConfig {
        delay,
        error_rate,
        seed: Some(seed),
        ..ServerConfig::default()
    };
    config.validate()?;
    let recorder: Shared = Arc::new(Mutex::new(Recorder {
        mark: Instant::now(),
        records: Vec::new(),
    }));
    // The recorder is the outermost layer, so a request's span covers the injected delay too:
    // from the moment the server has parsed the request to the moment the answer is ready.
    let app = router(&config).layer(from_fn_with_state(Arc::clone(&recorder), record));
    // One thread, as `FlagServer` does: the server only waits, and waiting costs no thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = bind_listener(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))?;
        let url = base_url(listener.local_addr()?);
        // Nagle's algorithm off on every connection, as flags-server's own accept loop does: a
        // kept-alive connection would otherwise wait for a delayed ACK before each body.
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        std::thread::Builder::new()
            .name("race-commands".to_owned())
            .spawn(move || answer_commands(&url, &recorder))?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// The axum middleware that notes each request's path, status, start and end.
async fn record(State(recorder): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let end = Instant::now();
    let mut recorder = recorder.lock().unwrap_or_else(PoisonError::into_inner);
    recorder
        .records
        .push((path, response.status().as_u16(), start, end));
    response
}

/// The command loop on its own thread: it blocks on stdin, which the runtime thread must never do.
fn answer_commands(url: &str, recorder: &Mutex<Recorder>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening {url}");
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let mut recorder = recorder.lock().unwrap_or_else(PoisonError::into_inner);
        match line.trim() {
            "mark" => {
                recorder.mark = Instant::now();
                recorder.records.clear();
                let _ = writeln!(out, "ok");
            }
            "dump" => {
                let mark = recorder.mark;
                let secs = |t: Instant| t.saturating_duration_since(mark).as_secs_f64();
                for (path, status, start, end) in recorder.records.drain(..) {
                    let _ = writeln!(out, "{path} {status} {:.6} {:.6}", secs(start), secs(end));
                }
                let _ = writeln!(out, "end");
            }
            _ => {}
        }
        let _ = out.flush();
    }
    // Stdin closed: the race is done with us. Nothing here needs a graceful stop (no files are
    // written), so end the process rather than wait for idle keep-alive connections to close.
    std::process::exit(0);
}
