//! The `flags-async` program as a user runs it: no arguments downloads the 20 flags from the
//! built-in server and prints the summary line.

use assert_cmd::Command;
use flags_common::codes::POP20_CC;
use flags_common::verify::{verify_downloads, verify_summary};

#[test]
fn no_arguments_downloads_twenty_flags_from_the_built_in_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("flags-async").unwrap();
    let output = cmd
        .current_dir(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    verify_summary(&String::from_utf8_lossy(&output), 20).unwrap();
    verify_downloads(&dir.path().join("downloaded"), &POP20_CC).unwrap();
}
