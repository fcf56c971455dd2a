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

pub mod bare;
pub mod bench;
mod checks;
mod run;
pub mod speed;
pub mod verify;

pub use checks::{not_tried, whole_flags_only};
pub use run::run_flags2;

// Unix only. A test on Windows cannot press Ctrl-C for one child: `GenerateConsoleCtrlEvent`
// reaches every process attached to the sender's console (the test runner included) unless the
// child runs in a process group of its own, and a new process group ignores Ctrl-C; only
// Ctrl-Break could be sent, which is not what a user presses. The programs handle Ctrl-C on
// Windows through the same `ctrlc` handler as on Unix (see `flags_common::interrupt`).
#[cfg(unix)]
mod stop;
#[cfg(unix)]
pub use stop::{HANG_GUARD, Stop, StoppedRun, assert_stopped_cleanly, run_and_stop, send};
