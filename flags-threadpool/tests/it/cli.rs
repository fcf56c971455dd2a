//! The two thread-pool programs as a user runs them, with no arguments.

use predicates::prelude::*;

#[test]
fn flags_threadpool_downloads_twenty_flags_from_the_built_in_server() {
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_flags-threadpool"));
    flags_testkit::verify::verify_program(program).unwrap();
}

#[test]
fn flags_threadpool_futures_prints_each_future_scheduled_and_finished() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd::cargo::cargo_bin_cmd!("flags-threadpool-futures")
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Scheduled for BD: <Future at 0x")
                .and(predicate::str::contains("Scheduled for DE: <Future at 0x"))
                .and(
                    predicate::str::is_match(r#"state=finished returned .*> result: "CN""#)
                        .unwrap(),
                )
                .and(predicate::str::contains("5 downloads in ")),
        );
}
