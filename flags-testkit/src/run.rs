//! Running a flags2 program as a user would, in a folder of the test's choosing, and reading the
//! counts of its final report.

use std::path::Path;
use std::process::Command;

use flags_common::report::parse_final_report;
use flags_common::status::Counter;

/// Runs `program` with `args` in `dir`, checks that it exited with status 0, and returns the
/// counts of its final report with everything it printed on stdout.
///
/// # Panics
/// When the program cannot start, exits with another status, or prints no final report: each
/// is a failed test, and the message shows what the program printed.
pub fn run_flags2(program: &Path, dir: &Path, args: &[&str]) -> (Counter, String) {
    let output = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let name = program.file_stem().unwrap_or_default().to_string_lossy();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{name}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let counter =
        parse_final_report(&stdout).unwrap_or_else(|| panic!("{name}: no report in\n{stdout}"));
    (counter, stdout)
}
