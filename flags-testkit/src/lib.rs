//! Test and benchmark support for the flag programs: what the tests and benches of every
//! download style share, so that each style is proved and timed the same way.
//!
//! Only ever a dev-dependency: no program links it, and none of it is what a student reads to
//! learn a download style. (The race, which measures the styles for an audience, has its own
//! measuring code in `flags-race`.)
//!
//! # Layout
//! - [`run_flags2`]: run a flags2 program in a folder and read its final report.
//! - [`verify`]: a finished download checked against the built-in server: every flag present,
//!   whole and valid.
//! - [`whole_flags_only`], [`not_tried`]: what a stopped run may leave behind, and what it did
//!   not try.
//! - `stop` (Unix): stop a running program with Ctrl-C or SIGTERM once its header is out, and
//!   check all a clean stop promises ([`assert_stopped_cleanly`]).
//! - [`bench`]: timing a strategy against a server of fixed latency, for the `floor` benches.
//! - [`speed`]: running a flags2 program as a child process and measuring its time, CPU and
//!   memory, for the `flags2_speed` benches.
//! - [`bare`]: the least a client can do per flag, timed beside the downloaders as a floor.
//! - `misbehaving` (feature `misbehaving`): a mock flag site with bad redirects and bodies that
//!   are not GIFs, and the outcome every style must give for each; `a_flag` and `silent_server`
//!   for other mocks.
//! - [`watch`]: a flag server that records how many requests it answered at once and in
//!   which order they came, and a guard that turns a hang into a failure (the exercises' tests).

pub mod bare;
pub mod bench;
mod checks;
#[cfg(feature = "misbehaving")]
pub mod misbehaving;
mod run;
pub mod speed;
pub mod verify;
pub mod watch;

pub use checks::{not_tried, whole_flags_only};
#[cfg(feature = "misbehaving")]
pub use misbehaving::{a_flag, silent_server};
pub use run::run_flags2;

// Unix only. A test on Windows cannot press Ctrl-C for one child: `GenerateConsoleCtrlEvent`
// reaches every process attached to the sender's console (the test runner included) unless the
// child runs in a process group of its own, and a new process group ignores Ctrl-C; only
// Ctrl-Break could be sent, which is not what a user presses. The programs handle Ctrl-C on
// Windows through the same `ctrlc` handler as on Unix (see `flags_common::interrupt`).
#[cfg(unix)]
mod stop;
#[cfg(unix)]
pub use stop::{Stop, StoppedRun, assert_stopped_cleanly, run_and_stop, send};

/// How long a program under test may run before the test gives up and kills it (after Ctrl-C,
/// or waiting on a server that never answers). Not a speed check: a guard so a hung program
/// fails the test instead of hanging the test run.
pub const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(60);
