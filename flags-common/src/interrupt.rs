//! Ctrl-C for the flags2 programs, the twin of the scripts' `except KeyboardInterrupt` branch:
//! stop starting downloads, let the ones in flight end, print the report for what was done.
//!
//! Python raises `KeyboardInterrupt` in the main thread wherever it happens to be. Rust has no
//! such thing: a signal handler may only do async-signal-safe work, so it cannot unwind anything.
//! Instead the signal is turned into a *flag* that the download loops look at:
//!
//! - a thread with a tiny Tokio runtime waits for SIGINT (through `tokio::signal`, which installs
//!   a handler that only writes a byte to a pipe, and wakes the runtime) and then sets the flag;
//! - blocking styles check [`Interrupt::is_set`] before starting each download;
//! - async styles `.await` [`Interrupt::wait`] inside a `select!` beside their downloads.
//!
//! The flag is a `tokio::sync::watch` channel: its value can be read from any thread without
//! `.await`, and awaited from any runtime, so one type serves both kinds of code.
//!
//! A second Ctrl-C is the emergency exit: the process ends at once with status 130, without
//! waiting for downloads in flight. That one may leave a hidden `.xxxxx.part` temporary file in
//! `downloaded/`; the first Ctrl-C never does, because every download then either completes its
//! atomic save or never starts it.
//!
//! # Exit status
//! A run stopped by Ctrl-C prints its report and exits with status [`EXIT_INTERRUPTED`] (130,
//! 128 + SIGINT, what shells report for a program killed by Ctrl-C and what Python exits with when
//! a `KeyboardInterrupt` escapes `main`). Scripts can tell an interrupted run from a complete one.

use std::io;
use std::sync::Arc;
use std::thread;

use tokio::sync::watch;

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
    flag: Arc<watch::Sender<bool>>,
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt::new()
    }
}

impl Interrupt {
    /// A flag that only [`trigger`](Interrupt::trigger) raises (for tests and benchmarks).
    pub fn new() -> Interrupt {
        let (flag, _) = watch::channel(false);
        Interrupt {
            flag: Arc::new(flag),
        }
    }

    /// A flag that Ctrl-C (SIGINT) raises. Returns once the handler is installed, so a Ctrl-C
    /// that arrives after this call can no longer kill the process outright.
    pub fn on_ctrl_c() -> io::Result<Interrupt> {
        let interrupt = Interrupt::new();
        let raiser = interrupt.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<io::Result<()>>(1);
        thread::Builder::new()
            .name("ctrl-c".to_owned())
            .spawn(move || watch_ctrl_c(&raiser, &ready_tx))?;
        ready_rx
            .recv()
            .map_err(|_| io::Error::other("the Ctrl-C thread stopped before it was ready"))??;
        Ok(interrupt)
    }

    /// Raises the flag.
    pub fn trigger(&self) {
        self.flag.send_replace(true);
    }

    /// True once the flag is raised.
    pub fn is_set(&self) -> bool {
        *self.flag.borrow()
    }

    /// Completes when the flag is raised (at once if it already is).
    pub async fn wait(&self) {
        let mut receiver = self.flag.subscribe();
        // `wait_for` fails only when the sender is gone, and `self` holds it.
        let _ = receiver.wait_for(|raised| *raised).await;
    }
}

/// The Ctrl-C thread: report readiness, wait for SIGINT, raise the flag, then wait for a second
/// SIGINT and exit at once.
fn watch_ctrl_c(interrupt: &Interrupt, ready: &std::sync::mpsc::SyncSender<io::Result<()>>) {
    // Signals need only the I/O driver; one thread is all this runtime will ever use.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = ready.send(Err(err));
            return;
        }
    };
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            // Creating the stream installs the handler; only then is it safe to say we are ready.
            let mut sigint = match signal(SignalKind::interrupt()) {
                Ok(stream) => stream,
                Err(err) => {
                    let _ = ready.send(Err(err));
                    return;
                }
            };
            let _ = ready.send(Ok(()));
            if sigint.recv().await.is_none() {
                return;
            }
            interrupt.trigger();
            eprintln!(
                "\nInterrupted: finishing the downloads in flight (Ctrl-C again to quit now)."
            );
            if sigint.recv().await.is_some() {
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
        }
        #[cfg(not(unix))]
        {
            // Elsewhere the handler is installed on first poll: there is a tiny window at start-up.
            let _ = ready.send(Ok(()));
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupt.trigger();
                eprintln!(
                    "\nInterrupted: finishing the downloads in flight (Ctrl-C again to quit now)."
                );
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(i32::from(EXIT_INTERRUPTED));
                }
            }
        }
    });
}

/// Sends SIGINT to process `pid`, as Ctrl-C in its terminal would: for tests and demos.
#[cfg(unix)]
pub fn send_interrupt(pid: u32) -> io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "process id out of range"))?;
    // SAFETY: `kill` takes plain integers and touches no memory of ours; the worst a wrong pid
    // can do is signal another process of ours, which the caller chose.
    let rc = unsafe { libc::kill(pid, libc::SIGINT) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
