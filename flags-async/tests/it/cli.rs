//! The `flags-async` program as a user runs it: no arguments downloads the 20 flags from the
//! built-in server and prints the summary line.

#[test]
fn no_arguments_downloads_twenty_flags_from_the_built_in_server() {
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_flags-async"));
    flags_testkit::verify::verify_program(program).unwrap();
}

/// `flags-async | head -c 10`: once the reader of its output is gone, the program must still
/// finish its downloads and exit 0, not panic on the first line it prints.
#[test]
fn a_closed_stdout_ends_no_run_with_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flags-async"))
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start flags-async");
    drop(child.stdout.take()); // the reader leaves before the first line
    let output = child.wait_with_output().expect("wait for flags-async");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `flags_asyncio.py` waits 6.1 s (`timeout=6.1`): a server that never answers ends the run with
/// a timeout that says so, not a hang. (The test takes those 6.1 s.)
#[test]
fn a_silent_server_fails_the_run_after_the_first_generation_6_1_s() {
    let (_silent, base_url) = flags_testkit::silent_server();
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags-async")
        .current_dir(dir.path())
        .args(["-s", &base_url])
        .timeout(flags_testkit::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: timed out after 6.1s waiting for {base_url}/"
        )),
        "{stderr}"
    );
}
