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
            predicate::str::contains("Scheduled for BR: <Future at 0x")
                .and(predicate::str::contains("Scheduled for US: <Future at 0x"))
                .and(
                    predicate::str::is_match(r#"state=finished returned .*> result: "CN""#)
                        .unwrap(),
                )
                .and(predicate::str::contains("5 downloads in ")),
        );
}

/// `flags_threadpool_futures.py` takes the first five codes of `POP20_CC` (CN IN US ID BR, by
/// population) and then sorts them: BR CN ID IN US. (Sorting first and taking five gave
/// BD BR CD CN DE.)
#[test]
fn flags_threadpool_futures_schedules_the_five_most_populous_in_alphabetical_order() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags-threadpool-futures")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let scheduled: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Scheduled for "))
        .filter_map(|rest| rest.split(':').next())
        .collect();
    assert_eq!(scheduled, ["BR", "CN", "ID", "IN", "US"], "{stdout}");
    flags_testkit::verify::verify_downloads(
        &dir.path().join("downloaded"),
        &["BR", "CN", "ID", "IN", "US"],
    )
    .unwrap();
}
