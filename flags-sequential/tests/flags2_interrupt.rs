//! Ctrl-C during a slow `flags2-sequential` run: the download in flight finishes, the report is
//! printed with the codes not tried, the exit status is 130, and no partial file is left.

use flags_common::testing::assert_interrupted_cleanly;

#[test]
fn ctrl_c_during_a_delay_run_stops_cleanly_with_a_report() {
    let program = assert_cmd::cargo::cargo_bin("flags2-sequential");
    let run = assert_interrupted_cleanly(&program, &["-s", "DELAY", "-a"]);
    assert!(run.stdout.contains("Elapsed time: "), "{}", run.stdout);
}
