//! `flags-server`: the flag site on your machine, slow and unreliable on request; the twin of
//! `slow_server.py`. The first line on stdout is the base URL to give a downloader's `--server`.
//!
//! ```text
//! $ cargo run -p flags-server -- --delay 0.1:0.3 --error-rate 0.25 --seed 7
//! http://127.0.0.1:8001/flags
//! flags-server: built-in flags of 194 countries, delay 0.1:0.3 s, error rate 0.25, seed 7; up to 10000 connections, 10 s for each request head; Ctrl-C stops
//! GET /flags/cn/cn.gif -> 200 OK (delayed 0.296s)
//! GET /flags/in/in.gif -> 200 OK (delayed 0.228s)
//! GET /flags/us/us.gif -> 200 OK (delayed 0.101s)
//! GET /flags/id/id.gif -> 418 I'm a teapot (delayed 0.157s)
//! GET /flags/br/br.gif -> 200 OK (delayed 0.109s)
//! ^Cflags-server: stopping after the requests in flight
//! ```
//!
//! Try `cargo run -p flags-sequential -- --server http://127.0.0.1:8001/flags` in another
//! terminal, and `flags-server --help` for every option. Ctrl-C (or SIGTERM, as `kill` sends it)
//! stops the server after the requests in flight; a second one quits at once.
//!
//! Like the downloaders, the program first raises its open-files limit as far as the system
//! allows: every connection is a file descriptor, and the default connection cap is derived from
//! that limit (see `ServerConfig::connection_limit`).
//!
//! Stopping works as in every program here: the `ctrlc` crate turns Ctrl-C, SIGTERM and SIGHUP
//! (Ctrl-Break and closing the console on Windows) into a call on a thread of its own, and that
//! call cancels a [`CancellationToken`] which the server watches (see [`flags_server::serve`]).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use flags_server::countries::COUNTRIES;
use flags_server::{DEFAULT_HEADER_TIMEOUT, Delay, ServerConfig};
use tokio_util::sync::CancellationToken;

/// Serve the flags of 194 countries like the book's flag site, with optional delays and errors.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 = any free port)
    #[arg(default_value_t = 8001)]
    port: u16,

    /// Address to listen on (0.0.0.0 exposes the server to your network)
    #[arg(short, long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Serve this flags tree (the folder holding flags/, or flags/ itself) instead of the built-in
    /// flags; everything in it is served, hidden files and symbolic links included
    #[arg(short, long, value_name = "DIR", value_parser = existing_directory)]
    directory: Option<PathBuf>,

    /// Wait SECS, or a random time between MIN and MAX seconds, before each answer
    #[arg(long, value_name = "SECS|MIN:MAX", default_value = "0")]
    delay: Delay,

    /// Share of GET requests answered "418 I'm a Teapot", from 0 to 1
    #[arg(short, long, value_name = "P", default_value_t = 0.0, value_parser = share)]
    error_rate: f64,

    /// Seed for delays and errors: the same seed gives the same outcomes (random if not given)
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// Do not log requests on stderr
    #[arg(short, long)]
    quiet: bool,

    /// Disconnect a client that takes longer than SECS to send a request's head (request line
    /// and headers), or leaves its kept-alive connection idle that long
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_HEADER_TIMEOUT.as_secs_f64(),
          value_parser = seconds)]
    header_timeout: f64,

    /// Hold at most N connections at once; more wait until one closes [default: half the
    /// open-files limit, at most 10000]
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    max_connections: Option<usize>,
}

fn existing_directory(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    if path.is_dir() {
        Ok(path)
    } else {
        Err(format!("{text} is not a directory"))
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        // An upper bound keeps the conversion to `Duration` from overflowing; a day is plenty.
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(secs),
        _ => Err(format!(
            "{text} is not a number of seconds above 0 (at most 86400)"
        )),
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text} is not a whole number of at least 1")),
    }
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "{text} is not a share from 0 to 1 (0.25 = one request in four)"
        )),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Before the config is made: the default connection cap is read from this limit. Failure is
    // harmless; the cap then follows the limit as it is.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    // Choosing the seed here, not in the library, lets the banner print it, so any run can be
    // replayed with `--seed`.
    let seed = args.seed.unwrap_or_else(rand::random);
    let config = ServerConfig {
        bind: args.bind,
        port: args.port,
        directory: args.directory,
        delay: args.delay,
        error_rate: args.error_rate,
        seed: Some(seed),
        log: !args.quiet,
        header_timeout: Duration::from_secs_f64(args.header_timeout),
        max_connections: args.max_connections,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("flags-server: cannot start the Tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(config));
    // Dropping a runtime waits for its blocking threads, and one of those may be stuck for good
    // (a handler blocked in a system call); after the second Ctrl-C that would make "quitting
    // without waiting" a lie. Shut down without waiting: exiting the process ends those threads.
    // After a graceful stop nothing is left running, so this costs nothing then.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flags-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: ServerConfig) -> Result<(), String> {
    let addr = config.socket_addr();
    let listener = flags_server::bind_listener(addr).map_err(|error| {
        let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
            " (is another server running there? pick another PORT, or 0 for any free port)"
        } else {
            ""
        };
        format!("cannot listen on {addr}: {error}{hint}")
    })?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|error| format!("cannot read the listening address: {error}"))?;

    // Listening for Ctrl-C starts before the first line is out: a script that reads the port
    // and interrupts at once must find the handler in place.
    let stops = Stops::on_ctrl_c();

    // Scripts read this first line to learn the port (useful with port 0), so flush it now:
    // stdout is block-buffered when it is a pipe.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", flags_server::base_url(local));
    let _ = stdout.flush();
    eprintln!("flags-server: {}; Ctrl-C stops", describe(&config));

    tokio::select! {
        served = flags_server::serve(listener, config, stops.graceful) => {
            served.map_err(|error| error.to_string())
        }
        // A graceful stop waits for every connection with a request under way: a slow answer,
        // or a client that sent half a request and stalls (up to the header timeout). A second
        // Ctrl-C quits at once, as `http.server` does on its first (and see `main` for what
        // "at once" takes).
        () = stops.at_once.cancelled() => {
            eprintln!("flags-server: quitting without waiting");
            Ok(())
        }
    }
}

/// What Ctrl-C (and SIGTERM, SIGHUP) does to the server: the first press cancels `graceful`,
/// the second `at_once`.
struct Stops {
    graceful: CancellationToken,
    at_once: CancellationToken,
}

impl Stops {
    /// Installs the handler. If the system refuses it, no Ctrl-C ever arrives: the server runs
    /// until killed rather than stop at once.
    fn on_ctrl_c() -> Stops {
        let stops = Stops {
            graceful: CancellationToken::new(),
            at_once: CancellationToken::new(),
        };
        let (graceful, at_once) = (stops.graceful.clone(), stops.at_once.clone());
        let mut presses = 0_u32;
        // The closure runs on ctrlc's own thread, not in the signal handler, so it may print.
        let installed = ctrlc::set_handler(move || {
            presses += 1;
            if presses == 1 {
                // Not `eprintln!`, which panics when stderr is a closed pipe and would end
                // ctrlc's thread, and with it the second Ctrl-C.
                let _ = writeln!(
                    std::io::stderr(),
                    "flags-server: stopping after the requests in flight (Ctrl-C again to quit now)"
                );
                graceful.cancel();
            } else {
                at_once.cancel();
            }
        });
        if let Err(error) = installed {
            eprintln!("flags-server: Ctrl-C will not stop the server gracefully: {error}");
        }
        stops
    }
}

fn describe(config: &ServerConfig) -> String {
    let content = match &config.directory {
        Some(dir) => format!("files under {}", dir.display()),
        None => format!("built-in flags of {} countries", COUNTRIES.len()),
    };
    let delay = match config.delay {
        Delay::None => "no delay".to_owned(),
        delay => format!("delay {delay} s"),
    };
    let seed = config
        .seed
        .map_or_else(String::new, |seed| format!(", seed {seed}"));
    format!(
        "{content}, {delay}, error rate {}{seed}; up to {} connections, {} s for each request head",
        config.error_rate,
        config.connection_limit(),
        config.header_timeout.as_secs_f64()
    )
}
