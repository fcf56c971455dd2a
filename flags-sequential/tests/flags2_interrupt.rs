//! Ctrl-C during a slow `flags2-sequential` run: the download in flight finishes, the report is
//! printed with the codes not tried, the exit status is 130, and no partial file is left.

use flags_common::report::parse_final_report;
use flags_common::testing::{not_tried, run_and_interrupt, whole_flags_only};

#[test]
fn ctrl_c_during_a_delay_run_stops_cleanly_with_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let program = assert_cmd::cargo::cargo_bin("flags2-sequential");
    let run = run_and_interrupt(&program, &["-s", "DELAY", "-a"], dir.path()).unwrap();
    assert_eq!(
        run.status.code(),
        Some(130),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let counter = parse_final_report(&run.stdout).expect("a final report");
    assert!(run.stdout.contains("Elapsed time: "), "{}", run.stdout);
    assert_eq!(
        counter.total() + not_tried(&run.stdout),
        194,
        "{}",
        run.stdout
    );
    assert!(not_tried(&run.stdout) > 0, "{}", run.stdout);
    let saved = whole_flags_only(&dir.path().join("downloaded")).unwrap();
    assert_eq!(saved, counter.ok);
}
