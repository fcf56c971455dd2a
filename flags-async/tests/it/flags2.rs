//! `flags2-async`, `flags2-async-executor` and `flags3-async` as users run them: default
//! concurrency, every code accounted for on LOCAL, seeded ERROR runs, and (on Unix) Ctrl-C and
//! SIGTERM.

use std::path::Path;

use flags_common::codes::all_cc;
use flags_common::status::Counter;
use flags_server::countries::COUNTRIES;
use flags_testkit::verify::verify_downloads;
use flags_testkit::whole_flags_only;

const FLAGS2: [&str; 2] = ["flags2-async", "flags2-async-executor"];
const ALL_STYLES: [&str; 3] = ["flags2-async", "flags2-async-executor", "flags3-async"];

fn run(program: &str, dir: &Path, args: &[&str]) -> (Counter, String) {
    flags_testkit::run_flags2(&assert_cmd::cargo::cargo_bin(program), dir, args)
}

#[test]
fn the_default_is_5_requests_in_flight_and_max_req_is_capped_by_the_codes() {
    let dir = tempfile::tempdir().unwrap();
    for program in ALL_STYLES {
        let (_, stdout) = run(program, dir.path(), &["-l", "8"]);
        assert!(
            stdout.contains("\n5 concurrent connections will be used.\n"),
            "{stdout}"
        );
        let (_, stdout) = run(program, dir.path(), &["-m", "5000", "BR", "CN", "IN"]);
        assert!(
            stdout.contains("\n3 concurrent connections will be used.\n"),
            "{stdout}"
        );
    }
}

#[test]
fn every_code_on_local_finds_194_flags_and_482_missing() {
    let every = Counter {
        ok: 194,
        not_found: 482,
        errors: 0,
    };
    for program in FLAGS2 {
        let dir = tempfile::tempdir().unwrap();
        let (counter, _) = run(program, dir.path(), &["-e", "-m", "100"]);
        assert_eq!(counter, every, "{program}");
        verify_downloads(&dir.path().join("downloaded"), &all_cc()).unwrap();
    }
}

#[test]
fn flags3_saves_every_flag_under_its_country_name() {
    let dir = tempfile::tempdir().unwrap();
    let (counter, _) = run("flags3-async", dir.path(), &["-e", "-m", "100"]);
    assert_eq!(
        counter,
        Counter {
            ok: 194,
            not_found: 482,
            errors: 0
        }
    );
    let dest = dir.path().join("downloaded");
    assert_eq!(whole_flags_only(&dest).unwrap(), 194);
    for country in COUNTRIES {
        let path = dest.join(format!("{}.gif", country.country.replace(' ', "_")));
        let saved = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            Some(saved.as_slice()),
            flags_server::art::flag_gif(country.iso_cc)
        );
    }
}

#[test]
fn the_error_server_with_a_seed_gives_the_sequential_counts() {
    // The same numbers as flags-sequential's test: the server's dice follow each path, so the
    // order in which concurrent requests arrive changes nothing. flags3 also asks for metadata,
    // which rolls its own dice, so it is checked for adding up only.
    for program in FLAGS2 {
        let (counter, _) = run(
            program,
            tempfile::tempdir().unwrap().path(),
            &["-s", "ERROR", "--seed", "7", "-a", "-l", "12"],
        );
        let expected = Counter {
            ok: 10,
            not_found: 0,
            errors: 2,
        };
        assert_eq!(counter, expected, "{program}");
    }
}

#[test]
fn the_error_server_at_high_concurrency_still_accounts_for_every_code() {
    for program in ALL_STYLES {
        let dir = tempfile::tempdir().unwrap();
        let (counter, _) = run(
            program,
            dir.path(),
            &["-s", "ERROR", "--seed", "11", "-a", "-m", "200"],
        );
        assert_eq!(counter.total(), 194, "{program}");
        assert!(
            counter.errors > 0 && counter.ok > 0,
            "{program}: {counter:?}"
        );
        assert_eq!(
            whole_flags_only(&dir.path().join("downloaded")).unwrap(),
            counter.ok
        );
    }
}

/// The redirects and bodies of `flags_testkit::misbehaving` in every async program: each counted
/// as the shared policy says, and only the whole flag saved (flags3 under its country's name).
#[test]
fn misbehaving_answers_are_counted_as_the_policy_says() {
    let (_server, base_url) = flags_testkit::misbehaving::serve();
    let mut args = vec!["-v".to_owned(), "-s".to_owned(), base_url];
    args.extend(flags_testkit::misbehaving::codes());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for program in ALL_STYLES {
        let dir = tempfile::tempdir().unwrap();
        let (_, stdout) = run(program, dir.path(), &args);
        if let Err(problem) = flags_testkit::misbehaving::check_verbose_run(&stdout) {
            panic!("{program}: {problem}");
        }
        let dest = dir.path().join("downloaded");
        assert_eq!(whole_flags_only(&dest), Ok(1), "{program}");
    }
}

/// The flags2 and flags3 scripts wait 3.1 s (`timeout=3.1`), half what `flags_asyncio.py`
/// does: a server that never answers is counted as an error after 3.1 s. (The three programs
/// wait at the same time, on threads of their own, so the test takes 3.1 s, not 9.3.)
#[test]
fn a_silent_server_is_an_error_after_the_flags2_3_1_s() {
    let (_silent, base_url) = flags_testkit::silent_server();
    let runs: Vec<_> = std::thread::scope(|scope| {
        let waits: Vec<_> = ALL_STYLES
            .iter()
            .map(|&program| {
                let base_url = &base_url;
                scope.spawn(move || {
                    let dir = tempfile::tempdir().unwrap();
                    (
                        program,
                        run(program, dir.path(), &["-v", "-s", base_url, "BR"]),
                    )
                })
            })
            .collect();
        waits.into_iter().map(|wait| wait.join().unwrap()).collect()
    });
    for (program, (counter, stdout)) in runs {
        assert_eq!(counter.errors, 1, "{program}: {stdout}");
        assert!(
            stdout.contains(&format!(
                "BR error: timed out after 3.1s waiting for {base_url}/br/br.gif\n"
            )),
            "{program}: {stdout}"
        );
    }
}

// Unix only: a test cannot send Ctrl-C to one child on Windows (see `flags_testkit`).
#[cfg(unix)]
mod stopping {
    use flags_testkit::{Stop, assert_stopped_cleanly};

    /// Ctrl-C or SIGTERM after the header: the downloads holding a permit finish, the others never
    /// start.
    fn stops_cleanly_with_a_report(program: &str, how: Stop) {
        let path = assert_cmd::cargo::cargo_bin(program);
        assert_stopped_cleanly(&path, &["-s", "ERROR", "-a", "-m", "10"], how);
    }

    #[test]
    fn ctrl_c_during_a_delay_run_stops_flags2_async_cleanly() {
        stops_cleanly_with_a_report("flags2-async", Stop::CtrlC);
    }

    #[test]
    fn ctrl_c_during_a_delay_run_stops_flags2_async_executor_cleanly() {
        stops_cleanly_with_a_report("flags2-async-executor", Stop::CtrlC);
    }

    #[test]
    fn ctrl_c_during_a_delay_run_stops_flags3_async_cleanly() {
        stops_cleanly_with_a_report("flags3-async", Stop::CtrlC);
    }

    #[test]
    fn sigterm_during_a_delay_run_stops_flags2_async_as_ctrl_c_does() {
        stops_cleanly_with_a_report("flags2-async", Stop::Terminate);
    }

    #[test]
    fn sigterm_during_a_delay_run_stops_flags3_async_as_ctrl_c_does() {
        stops_cleanly_with_a_report("flags3-async", Stop::Terminate);
    }
}
