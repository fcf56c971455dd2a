//! Ctrl-C for the flags2 programs, the twin of the scripts' `except KeyboardInterrupt` branch:
//! stop starting downloads, let the ones in flight end, print the report for what was done.
//!
//! Python raises `KeyboardInterrupt` in the main thread wherever it happens to be. Rust has no
//! such thing: a signal handler may only do async-signal-safe work, so it cannot unwind anything.
//! Instead the signal is turned into a *flag* that the download loops look at:
//!
//! - the [`ctrlc`] crate installs the handler, which only wakes a thread of its own (a semaphore
//!   post on Unix, a semaphore release in the console handler on Windows); on that thread our
//!   closure raises the flag;
//! - blocking styles check [`Interrupt::is_set`] before starting each download;
//! - async styles `.await` [`Interrupt::wait`] inside a `select!` beside their downloads.
//!
//! The flag is a [`CancellationToken`] (from `tokio-util`): its state can be read from any thread
//! without `.await` and awaited from any runtime, so one type serves both kinds of code, and a
//! loop that looks after it was raised still sees it. The flag server stops on the same type
//! (`flags_server::serve`), so every program here stops one way: `ctrlc` for the signal, a
//! cancellation token for the flag.
//!
//! A second Ctrl-C is the emergency exit: the process ends at once with status 130, without
//! waiting for downloads in flight. That one may leave a hidden `.xxxxx.part` temporary file in
//! `downloaded/`; the first Ctrl-C never does, because every download then either completes its
//! atomic save or never starts it.
//!
//! # What counts as Ctrl-C
//! Every polite request to stop, on every platform, through the one handler [`on_each_ctrl_c`]
//! installs (ctrlc's `termination` feature): on Unix SIGINT (Ctrl-C), SIGTERM (`kill`, a service
//! manager, a CI job's timeout) and SIGHUP (the terminal closed); on Windows Ctrl-C, Ctrl-Break
//! and closing the console. A program that SIGTERM killed outright could die between writing a
//! flag's temporary file and renaming it, and leave the `.part` file behind; handled like Ctrl-C,
//! it finishes that save first. The flags2 programs, `flags-server` and the race all listen this
//! one way.
//!
//! Where platforms differ: closing the console on Windows ends the process as soon as the handler
//! returns (Windows allows no more), so the downloads in flight are cut short there as by a second
//! Ctrl-C. And since SIGHUP now stops a run, a run kept alive with `nohup` stops when its terminal
//! closes; `setsid` or a terminal multiplexer keeps it going.
//!
//! # Exit status
//! A run stopped by Ctrl-C (or SIGTERM) prints its report and exits with status
//! [`EXIT_INTERRUPTED`] (130, 128 + SIGINT, what shells report for a program killed by Ctrl-C and
//! what Python exits with when a `KeyboardInterrupt` escapes `main`). Scripts can tell an
//! interrupted run from a complete one.

use std::io::{self, Write};

use tokio_util::sync::CancellationToken;

/// The exit status of a run stopped by Ctrl-C: 128 + SIGINT (2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// A flag raised once, by Ctrl-C or by [`trigger`](Interrupt::trigger). Clones share the flag.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let interrupt = flags_common::interrupt::Interrupt::new();
/// assert!(!interrupt.is_set());
/// interrupt.clone().trigger();
/// assert!(interrupt.is_set());
/// interrupt.wait().await; // returns at once: the flag is already up
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Interrupt {
    flag: CancellationToken,
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt::new()
    }
}

impl Interrupt {
    /// A flag that only [`trigger`](Interrupt::trigger) raises (for tests and benchmarks).
    pub fn new() -> Interrupt {
        Interrupt {
            flag: CancellationToken::new(),
        }
    }

    /// A flag that Ctrl-C (or SIGTERM, see the module docs) raises; a second one ends the process
    /// at once with status [`EXIT_INTERRUPTED`]. Returns once the handler is installed, so a
    /// Ctrl-C that arrives after this call can no longer kill the process outright.
    ///
    /// # Errors
    /// When the system refuses the handler, or this process already has one (there is one per
    /// process: see [`on_each_ctrl_c`]).
    pub fn on_ctrl_c() -> io::Result<Interrupt> {
        let interrupt = Interrupt::new();
        let raiser = interrupt.clone();
        // Counted here, not read from the flag: a flag raised by `trigger` is no Ctrl-C, and must
        // not turn the first real one into the emergency exit.
        let mut presses = 0_u32;
        on_each_ctrl_c(move || {
            presses += 1;
            if presses > 1 {
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
            raiser.trigger();
            // Not `eprintln!`, which panics when stderr is a closed pipe: the panic would end
            // ctrlc's thread, and with it the second Ctrl-C.
            let _ = writeln!(
                io::stderr(),
                "\nInterrupted: finishing the downloads in flight (Ctrl-C again to quit now)."
            );
        })?;
        Ok(interrupt)
    }

    /// Raises the flag.
    pub fn trigger(&self) {
        self.flag.cancel();
    }

    /// True once the flag is raised.
    pub fn is_set(&self) -> bool {
        self.flag.is_cancelled()
    }

    /// Completes when the flag is raised (at once if it already is).
    pub async fn wait(&self) {
        self.flag.cancelled().await;
    }
}

/// Calls `on_press` each time Ctrl-C, or another request to stop (see the module docs), reaches
/// this process. Returns once the handler is installed.
///
/// `on_press` runs on a thread of ctrlc's, never inside the signal handler itself, so it may do
/// anything a thread may: print, lock, send on a channel, exit. A process has one such handler:
/// a second call fails with [`io::ErrorKind::AlreadyExists`].
///
/// # Errors
/// When the system refuses the handler, or one is already installed.
pub fn on_each_ctrl_c(on_press: impl FnMut() + Send + 'static) -> io::Result<()> {
    ctrlc::set_handler(on_press).map_err(|err| match err {
        ctrlc::Error::System(err) => err,
        ctrlc::Error::MultipleHandlers => io::Error::new(
            io::ErrorKind::AlreadyExists,
            "this process already has a Ctrl-C handler",
        ),
        other => io::Error::other(other.to_string()),
    })
}
