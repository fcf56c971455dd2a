//! The flag server: the flag site's layout served from our own drawings (or a flags tree on
//! disk), with the injected delays and errors of `slow_server.py`, so every downloader runs
//! offline against something that behaves like a remote site. The downloaders start one
//! in-process by default (through `flags-common`); this crate is also the `flags-server` program.
//!
//! Run it with `cargo run -p flags-server -- 8001 --delay 0.5:5`, or start one in-process with
//! [`FlagServer::start`]:
//!
//! ```
//! use std::io::{Read, Write};
//! use flags_server::{FlagServer, ServerConfig};
//!
//! let server = FlagServer::start(ServerConfig::default())?;
//! let mut stream = std::net::TcpStream::connect(server.addr())?;
//! stream.write_all(b"GET /flags/cn/metadata.json HTTP/1.0\r\n\r\n")?;
//! let mut reply = String::new();
//! stream.read_to_string(&mut reply)?;
//! assert!(reply.starts_with("HTTP/1.0 200 OK"));
//! assert!(reply.ends_with(r#"{"tld_cc": ".cn", "iso_cc": "CN", "country": "China", "gec_cc": "CH"}"#));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Layout
//! What is served:
//! - [`codes`]: `POP20_CC` and the 194 codes the flag site serves.
//! - [`countries`]: the metadata of those 194 countries (`metadata.json` on the site).
//! - [`art`]: our own flag drawings, encoded as GIFs.
//!
//! How it is served:
//! - `config`: [`ServerConfig`], its checks, and [`base_url`].
//! - `delay`: [`Delay`], parsed from `--delay SECS` or `--delay MIN:MAX`.
//! - `profile`: the seeded dice choosing each request's delay and whether it gets a 418, and the
//!   middleware that applies them (why outcomes follow the path, not the arrival order).
//! - `routes`: the built-in `/flags/{cc}/...` routes, and which folder `--directory` serves.
//! - `files`: `--directory` mode's file handler: one trip to the blocking threads per request,
//!   and regular files only, never a FIFO or a device (`unix.rs`, `windows.rs` beside it).
//! - `paths`: refusing paths that try to leave the served tree.
//! - `log`: one line per request on stderr.
//! - `running`: [`serve`] inside a runtime, [`FlagServer`] on its own thread.
//! - `connections`: the accept loop: HTTP/1.1 only, TCP_NODELAY, the header timeout, the cap on
//!   connections, and the graceful stop.
//! - `listen`: [`bind_listener`], the listen backlog, and the open-files limit the default cap is
//!   derived from, set up per platform.
//! - `main.rs`: the `flags-server` program: the command line, and Ctrl-C as a
//!   [`CancellationToken`](tokio_util::sync::CancellationToken) handed to [`serve`].
//!
//! # A request's way through
//! accept (a free slot under the connection cap) → HTTP/1.1 head, within the header timeout →
//! log → path guard → profile (sleep, maybe 418) → content. Each stage after the head is an axum
//! middleware (`axum::middleware::from_fn`), a plain `async fn` that can act before and after the
//! rest.
//!
//! # Where production code would differ
//! Like production servers, this one disconnects clients that are too slow to send a request's
//! head ([`ServerConfig::header_timeout`], 10 s by default) and holds a bounded number of
//! connections ([`ServerConfig::connection_limit`], derived from the open-files limit), so
//! half-sent requests cannot pile up until no one is served. A public server would go further:
//! timeouts for clients that read the answer slowly or never, limits per client address rather
//! than one shared cap (here one greedy client can still fill it), `tracing` instead of
//! `eprintln!`, and TLS (or a proxy in front that provides all of these). This one listens on
//! 127.0.0.1 by default and exists to be slow on purpose.

pub mod art;
pub mod codes;
pub mod countries;

mod config;
mod connections;
mod delay;
mod files;
mod listen;
mod log;
mod paths;
mod profile;
mod routes;
mod running;

pub use config::{ConfigError, DEFAULT_HEADER_TIMEOUT, ServerConfig, base_url};
pub use delay::{Delay, DelayParseError, MAX_DELAY};
pub use listen::{LISTEN_BACKLOG, bind_listener};
pub use running::{FlagServer, router, serve};
