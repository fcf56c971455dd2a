//! Ctrl-C or SIGTERM during a slow `flags2-sequential` run: the download in flight finishes, the
//! report is printed with the codes not tried, the exit status is 130, and no partial file is
//! left.
//!
//! Unix only: a test on Windows cannot send Ctrl-C to one child process (see
//! `flags_testkit`), and Windows has no SIGTERM.
#![cfg(unix)]

use flags_testkit::{Stop, assert_stopped_cleanly};

#[test]
fn ctrl_c_during_a_delay_run_stops_cleanly_with_a_report() {
    let program = assert_cmd::cargo::cargo_bin("flags2-sequential");
    let run = assert_stopped_cleanly(&program, &["-s", "ERROR", "-a"], Stop::CtrlC);
    assert!(run.stdout.contains("Elapsed time: "), "{}", run.stdout);
}

/// SIGTERM (`kill`, a service manager, a CI timeout) is a request to stop like Ctrl-C: it used to
/// kill the program at once, with no report and, if it came mid-save, a `.part` file left behind.
#[test]
fn sigterm_during_a_delay_run_stops_cleanly_as_ctrl_c_does() {
    let program = assert_cmd::cargo::cargo_bin("flags2-sequential");
    let run = assert_stopped_cleanly(&program, &["-s", "ERROR", "-a"], Stop::Terminate);
    assert!(run.stdout.contains("Elapsed time: "), "{}", run.stdout);
}
