//! The `flags-sequential` program as a user runs it: no arguments means the built-in server, the
//! 20 codes on one line, and the summary line; bad arguments exit 2 with a message.

use predicates::prelude::*;

fn program(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("flags-sequential");
    cmd.current_dir(dir);
    cmd
}

#[test]
fn no_arguments_downloads_twenty_flags_from_the_built_in_server() {
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_flags-sequential"));
    flags_testkit::verify::verify_program(program).unwrap();
}

#[test]
fn unknown_server_label_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path())
        .args(["-s", "NOWHERE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown server \"NOWHERE\""));
}

#[test]
fn unknown_option_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path())
        .arg("--frobnicate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage:"));
}

#[test]
fn unreachable_server_fails_with_a_message_not_a_panic() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    program(dir.path())
        .args(["-s", &format!("http://127.0.0.1:{port}/flags")])
        .assert()
        .code(1)
        .stderr(
            predicate::str::starts_with("error: could not download")
                .and(predicate::str::contains("panicked").not()),
        );
}

/// `flags.py` waits 6.1 s (`timeout=6.1`): a server that never answers ends the run with a
/// timeout that says so, not a hang. (The test takes those 6.1 s.)
#[test]
fn a_silent_server_fails_the_run_after_the_first_generation_6_1_s() {
    let (_silent, base_url) = flags_testkit::silent_server();
    let dir = tempfile::tempdir().unwrap();
    program(dir.path())
        .args(["-s", &base_url])
        .timeout(flags_testkit::HANG_GUARD)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "error: timed out after 6.1s waiting for {base_url}/"
        )));
}
