//! The flags2 command line, as a table of cases run against the real `flags2-sequential` program
//! (every style shares this parser; the style-specific defaults are tested in each crate).
//! Runs use the built-in LOCAL server, so each case downloads for real, quickly.

struct Case {
    args: &'static [&'static str],
    exit: i32,
    /// Lines or fragments expected on stdout (for a run) or stderr (for a usage error).
    expect: &'static [&'static str],
}

const RUNS: &[Case] = &[
    Case {
        args: &[],
        exit: 0,
        expect: &[
            "LOCAL site: http://127.0.0.1:",
            "Searching for 20 flags: from BD to VN\n",
            "1 connection will be used.\n",
            " 20 flags downloaded.\n",
        ],
    },
    Case {
        args: &["br", "Cn", "BR"],
        exit: 0,
        expect: &["Searching for 2 flags: BR, CN\n", "  2 flags downloaded.\n"],
    },
    Case {
        args: &["z"],
        exit: 0,
        expect: &[
            "Searching for 26 flags: from ZA to ZZ\n",
            "  3 flags downloaded.\n",
            " 23 not found.\n",
        ],
    },
    Case {
        args: &["-a", "-l", "3"],
        exit: 0,
        expect: &["Searching for 3 flags: AD, AE, AF\n"],
    },
    Case {
        args: &["-e", "-l", "30"],
        exit: 0,
        expect: &[
            "Searching for 30 flags: from AA to BD\n",
            " 14 flags downloaded.\n",
        ],
    },
    Case {
        args: &["-l", "2"],
        exit: 0,
        expect: &["Searching for 2 flags: BD, BR\n"],
    },
    Case {
        // The sequential cap: one connection whatever -m says.
        args: &["-m", "50", "BR", "CN"],
        exit: 0,
        expect: &["1 connection will be used.\n"],
    },
    Case {
        args: &["--max_req", "3", "-s", "local", "XX"],
        exit: 0,
        expect: &["LOCAL site:", "  0 flags downloaded.\n", "  1 not found.\n"],
    },
    Case {
        // A repeated option takes its last value, as with argparse.
        args: &["-l", "5", "-v", "-v", "-l", "2"],
        exit: 0,
        expect: &["Searching for 2 flags: BD, BR\n", "BR OK\n"],
    },
    Case {
        args: &["-h"],
        exit: 0,
        expect: &["--max-req <N>", "default 1, at most 1", "--every", "--seed"],
    },
];

const USAGE_ERRORS: &[Case] = &[
    Case {
        args: &["-m", "0"],
        exit: 2,
        expect: &["invalid value '0' for '--max-req <N>'"],
    },
    Case {
        args: &["-l", "0"],
        exit: 2,
        expect: &["invalid value '0' for '--limit <N>'"],
    },
    Case {
        args: &["-m", "many"],
        exit: 2,
        expect: &["invalid value 'many' for '--max-req <N>'"],
    },
    Case {
        args: &["-s", "NOWHERE"],
        exit: 2,
        expect: &["unknown server \"NOWHERE\""],
    },
    Case {
        args: &["-s", "http://"],
        exit: 2,
        expect: &["bad server URL \"http://\": it names no host"],
    },
    Case {
        // `url` (and so reqwest) would read the host `flags`.
        args: &["-s", "http:///flags"],
        exit: 2,
        expect: &["bad server URL \"http:///flags\": it names no host"],
    },
    Case {
        // A person reads 127.0.0.1; `url` (and so reqwest) reads the host `evil.invalid`.
        args: &["-s", "http://evil.invalid\\@127.0.0.1:1/flags"],
        exit: 2,
        expect: &["bad server URL", "contains a backslash"],
    },
    Case {
        args: &["-s", "http://127.0.0.1:1@evil.invalid/flags"],
        exit: 2,
        expect: &["bad server URL", "user name or password"],
    },
    Case {
        args: &["-s", "https://127.0.0.1:1/flags?cc=br"],
        exit: 2,
        expect: &["bad server URL", "?query or #fragment"],
    },
    Case {
        args: &["1X"],
        exit: 2,
        expect: &["invalid value '1X'", "a letter A to Z or a code AA to ZZ"],
    },
    Case {
        args: &["ABC"],
        exit: 2,
        expect: &["invalid value 'ABC'"],
    },
    Case {
        args: &["-a", "BR"],
        exit: 2,
        expect: &["'--all' cannot be used with"],
    },
    Case {
        args: &["-e", "-a"],
        exit: 2,
        expect: &["cannot be used with"],
    },
    Case {
        args: &["--frobnicate"],
        exit: 2,
        expect: &["unexpected argument '--frobnicate'"],
    },
];

fn run(case: &Case) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags2-sequential")
        .current_dir(dir.path())
        .args(case.args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn valid_command_lines_run_and_report_what_they_were_asked() {
    for case in RUNS {
        let (code, stdout, stderr) = run(case);
        assert_eq!(code, case.exit, "{:?}\n{stdout}\n{stderr}", case.args);
        for fragment in case.expect {
            assert!(
                stdout.contains(fragment),
                "{:?}: no {fragment:?} in\n{stdout}",
                case.args
            );
        }
    }
}

#[test]
fn usage_errors_exit_2_with_one_error_line_and_the_usage() {
    for case in USAGE_ERRORS {
        let (code, stdout, stderr) = run(case);
        assert_eq!(code, case.exit, "{:?}\n{stderr}", case.args);
        assert!(stdout.is_empty(), "{:?} printed {stdout}", case.args);
        assert_eq!(
            stderr.matches("error:").count(),
            1,
            "{:?}: {stderr}",
            case.args
        );
        assert!(
            stderr.contains("Usage: flags2-sequential"),
            "{:?}: {stderr}",
            case.args
        );
        for fragment in case.expect {
            assert!(
                stderr.contains(fragment),
                "{:?}: no {fragment:?} in\n{stderr}",
                case.args
            );
        }
    }
}

#[test]
fn an_unreachable_url_is_counted_as_an_error_not_a_crash() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/flags");
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags2-sequential")
        .current_dir(dir.path())
        .args(["-v", "-s", &url, "BR"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(&format!("URL site: {url}\n")),
        "{stdout}"
    );
    assert!(stdout.contains("BR error: could not download"), "{stdout}");
    assert!(stdout.contains("  1 error.\n"), "{stdout}");
}

/// The banner names the host the clients really contact: the URL as the `url` crate reads it
/// (`127.1` is `127.0.0.1`), which is the URL every request is built from.
#[test]
fn the_banner_shows_the_url_the_clients_use() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags2-sequential")
        .current_dir(dir.path())
        .args(["-v", "-s", &format!("HTTP://127.1:{port}/flags/"), "BR"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let used = format!("http://127.0.0.1:{port}/flags");
    assert!(
        stdout.starts_with(&format!("URL site: {used}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("BR error: could not download {used}/br/br.gif")),
        "{stdout}"
    );
}

/// `flags2_sequential.py` waits 3.1 s (`timeout=3.1`), half what `flags.py` does: a server that
/// never answers is counted as an error after 3.1 s. (The test takes those 3.1 s.)
#[test]
fn a_silent_server_is_an_error_after_the_flags2_3_1_s() {
    let (_silent, base_url) = flags_testkit::silent_server();
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags2-sequential")
        .current_dir(dir.path())
        .args(["-v", "-s", &base_url, "BR"])
        .timeout(flags_testkit::HANG_GUARD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "BR error: timed out after 3.1s waiting for {base_url}/br/br.gif\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("  1 error.\n"), "{stdout}");
}
