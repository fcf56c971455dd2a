//! `flags2-threadpool` as users run it: its default and capped concurrency, every code accounted
//! for on LOCAL, seeded ERROR runs, and (on Unix) Ctrl-C and SIGTERM. (The shared command line is
//! tested as a table in flags-sequential's `flags2_cli.rs`.)

use std::path::Path;

use flags_common::codes::all_cc;
use flags_common::status::Counter;
use flags_testkit::verify::verify_downloads;
use flags_testkit::whole_flags_only;

fn run(dir: &Path, args: &[&str]) -> (Counter, String) {
    flags_testkit::run_flags2(
        assert_cmd::cargo::cargo_bin!("flags2-threadpool"),
        dir,
        args,
    )
}

#[test]
fn concurrency_is_the_smallest_of_max_req_the_default_30_and_the_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, stdout) = run(dir.path(), &[]);
    assert!(
        stdout.contains("\n20 concurrent connections will be used.\n"),
        "{stdout}"
    );
    let (_, stdout) = run(dir.path(), &["-e", "-l", "40"]);
    assert!(
        stdout.contains("\n30 concurrent connections will be used.\n"),
        "{stdout}"
    );
    let (_, stdout) = run(dir.path(), &["-a", "-m", "5000"]);
    assert!(
        stdout.contains("\n194 concurrent connections will be used.\n"),
        "{stdout}"
    );
}

#[test]
fn every_code_on_local_finds_194_flags_and_482_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (counter, _) = run(dir.path(), &["-e", "-m", "100"]);
    assert_eq!(
        counter,
        Counter {
            ok: 194,
            not_found: 482,
            errors: 0
        }
    );
    verify_downloads(&dir.path().join("downloaded"), &all_cc()).unwrap();
}

#[test]
fn the_error_server_with_a_seed_gives_the_sequential_counts() {
    // The same numbers as flags-sequential's test: the server's dice follow the path, not the
    // order in which 12 concurrent requests happen to arrive.
    let (counter, _) = run(
        tempfile::tempdir().unwrap().path(),
        &["-s", "ERROR", "--seed", "7", "-a", "-l", "12"],
    );
    assert_eq!(
        counter,
        Counter {
            ok: 10,
            not_found: 0,
            errors: 2
        }
    );
}

#[test]
fn the_error_server_at_high_concurrency_still_accounts_for_every_code() {
    let dir = tempfile::tempdir().unwrap();
    let (counter, _) = run(
        dir.path(),
        &["-s", "ERROR", "--seed", "11", "-a", "-m", "200"],
    );
    assert_eq!(counter.total(), 194);
    assert!(counter.errors > 0 && counter.ok > 0, "{counter:?}");
    assert_eq!(
        whole_flags_only(&dir.path().join("downloaded")).unwrap(),
        counter.ok
    );
}

/// The redirects and bodies of `flags_testkit::misbehaving`, through the worker threads: each
/// counted as the shared policy says, and only the whole flag saved.
#[test]
fn misbehaving_answers_are_counted_as_the_policy_says() {
    let (_server, base_url) = flags_testkit::misbehaving::serve();
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["-v".to_owned(), "-s".to_owned(), base_url];
    args.extend(flags_testkit::misbehaving::codes());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, stdout) = run(dir.path(), &args);
    flags_testkit::misbehaving::check_verbose_run(&stdout).unwrap();
    assert_eq!(whole_flags_only(&dir.path().join("downloaded")), Ok(1));
}

/// `flags2_threadpool.py` downloads with `flags2_sequential.py`'s `download_one`, and so its
/// `timeout=3.1`. (The test takes those 3.1 s.)
#[test]
fn a_silent_server_is_an_error_after_the_flags2_3_1_s() {
    let (_silent, base_url) = flags_testkit::silent_server();
    let (counter, stdout) = run(
        tempfile::tempdir().unwrap().path(),
        &["-v", "-s", &base_url, "BR"],
    );
    assert_eq!(counter.errors, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "BR error: timed out after 3.1s waiting for {base_url}/br/br.gif\n"
        )),
        "{stdout}"
    );
}

// Unix only: a test cannot send Ctrl-C to one child on Windows (see `flags_testkit`).
#[cfg(unix)]
mod stopping {
    use flags_testkit::{Stop, assert_stopped_cleanly};

    #[test]
    fn ctrl_c_during_a_delay_run_stops_cleanly_with_a_report() {
        let program = assert_cmd::cargo::cargo_bin("flags2-threadpool");
        assert_stopped_cleanly(&program, &["-s", "ERROR", "-a", "-m", "10"], Stop::CtrlC);
    }

    /// SIGTERM used to kill the program outright: now and then mid-save, leaving a `.part` file.
    #[test]
    fn sigterm_during_a_delay_run_stops_cleanly_as_ctrl_c_does() {
        let program = assert_cmd::cargo::cargo_bin("flags2-threadpool");
        assert_stopped_cleanly(
            &program,
            &["-s", "ERROR", "-a", "-m", "10"],
            Stop::Terminate,
        );
    }
}
