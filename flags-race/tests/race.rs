//! The race run end to end as a student runs it (the `race` binary, its own server child), with
//! tiny profiles: the table accounts for every code, and the SVG files parse and hold one bar per
//! download or one point per measurement.

use std::path::Path;

use flags_server::{FlagServer, ServerConfig};

/// The rows of the printed table: (style, -m, the ok/404/error column).
fn table_rows(stdout: &str) -> Vec<(String, usize, String)> {
    stdout
        .lines()
        .filter(|line| {
            ["sequential", "threadpool", "async"]
                .iter()
                .any(|s| line.starts_with(s))
        })
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (
                fields[0].to_owned(),
                fields[1].parse().expect("-m is a number"),
                fields[fields.len() - 1].to_owned(),
            )
        })
        .collect()
}

fn race(args: &[&str], out: &Path) -> String {
    let output = assert_cmd::cargo::cargo_bin_cmd!("race")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the race runs");
    assert!(
        output.status.success(),
        "race {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the table is UTF-8")
}

fn svg(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("the SVG was written");
    roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    text
}

/// Filled rectangles of one colour (plotters writes `fill="#RRGGBB"`).
fn rects_filled(text: &str, color: &str) -> usize {
    let doc = roxmltree::Document::parse(text).expect("well-formed");
    doc.descendants()
        .filter(|node| node.has_tag_name("rect") && node.attribute("fill") == Some(color))
        .count()
}

#[test]
fn a_tiny_race_prints_a_full_table_and_a_timeline_with_one_bar_per_download() {
    let out = tempfile::tempdir().unwrap();
    let stdout = race(
        &["-l", "4", "--delay", "0.01", "--rounds", "1", "--timeline"],
        out.path(),
    );
    let rows = table_rows(&stdout);
    let styles: Vec<&str> = rows.iter().map(|(style, _, _)| style.as_str()).collect();
    assert_eq!(styles, ["sequential", "threadpool", "async"], "{stdout}");
    assert!(
        rows.iter().all(|(_, _, counts)| counts == "4/0/0"),
        "{stdout}"
    );
    assert_eq!((rows[0].1, rows[1].1, rows[2].1), (1, 4, 4));
    assert!(out.path().join("race.txt").is_file());
    let timeline = svg(&out.path().join("timeline.svg"));
    assert_eq!(
        rects_filled(&timeline, "#0072B2"),
        3 * 4,
        "one ok bar per download"
    );
}

#[test]
fn errors_are_counted_and_drawn_in_their_own_colour() {
    let out = tempfile::tempdir().unwrap();
    let stdout = race(
        &[
            "-l",
            "10",
            "--delay",
            "0",
            "--error-rate",
            "0.5",
            "--rounds",
            "1",
            "--timeline",
        ],
        out.path(),
    );
    let rows = table_rows(&stdout);
    assert_eq!(rows.len(), 3, "{stdout}");
    let mut errors = 0;
    for (_, _, counts) in &rows {
        let numbers: Vec<usize> = counts.split('/').map(|n| n.parse().unwrap()).collect();
        assert_eq!(numbers.iter().sum::<usize>(), 10, "{stdout}");
        errors += numbers[2];
    }
    assert!(errors > 0, "a 50% error rate produced no errors: {stdout}");
    let text = svg(&out.path().join("timeline.svg"));
    let drawn = rects_filled(&text, "#0072B2") + rects_filled(&text, "#D55E00");
    assert_eq!(drawn, 3 * 10);
    assert_eq!(rects_filled(&text, "#D55E00"), errors);
}

#[test]
fn the_sweep_completes_every_run_with_full_counts_and_draws_every_point() {
    let out = tempfile::tempdir().unwrap();
    let stdout = race(
        &["-l", "3", "--delay", "0.01", "--rounds", "1", "--sweep"],
        out.path(),
    );
    let rows = table_rows(&stdout);
    // Sequential once, then -m 1, 2, 3 (the levels capped at 3 codes) for both concurrent styles.
    assert_eq!(rows.len(), 1 + 2 * 3, "{stdout}");
    assert!(
        rows.iter().all(|(_, _, counts)| counts == "3/0/0"),
        "{stdout}"
    );
    let text = svg(&out.path().join("sweep.svg"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let points = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(points, 2 * 3, "one marker per measured (style, -m)");
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for label in ["sequential", "latency floor", "threadpool", "async"] {
        assert!(labels.contains(&label), "no legend entry {label:?}");
    }
}

#[test]
fn a_given_server_url_is_raced_without_starting_our_own_by_the_styles_chosen() {
    let server = FlagServer::start(ServerConfig::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let stdout = race(
        &[
            "--server",
            &server.base_url(),
            "BR",
            "CN",
            "--rounds",
            "1",
            "--styles",
            "async,threadpool",
        ],
        out.path(),
    );
    assert!(
        stdout.contains(&format!("server {}", server.base_url())),
        "{stdout}"
    );
    let rows = table_rows(&stdout);
    let styles: Vec<&str> = rows.iter().map(|(style, _, _)| style.as_str()).collect();
    assert_eq!(styles, ["async", "threadpool"], "{stdout}");
    assert!(
        rows.iter().all(|(_, _, counts)| counts == "2/0/0"),
        "{stdout}"
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    for bad in [
        &["-m", "0"][..],
        &["--rounds", "0"],
        &["--server", "ftp://x"],
        &["--server", "http://"],
        &["--server", "http://:8001/flags"],
        &["--error-rate", "2"],
        &["--delay", "fast"],
        &["--sweep", "--timeline"],
        &["--server", "http://127.0.0.1:9/flags", "--timeline"],
        &["-a", "BR"],
        &["--timeline", "BR", "CN"],
        &["1X"],
    ] {
        assert_cmd::cargo::cargo_bin_cmd!("race")
            .args(bad)
            .assert()
            .code(2);
    }
}

/// An `--out` that cannot be a folder: the message names it, and says what went wrong once (it
/// used to be `error: File exists (os error 17)`, with no path).
#[test]
fn an_out_that_cannot_be_a_folder_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"").unwrap();
    let mut outs = vec![file];
    // /dev/null: what a user tries to throw the files away.
    if cfg!(unix) {
        outs.push("/dev/null".into());
    }
    for out in outs {
        let output = assert_cmd::cargo::cargo_bin_cmd!("race")
            .args(["-l", "1", "--rounds", "1", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let shown = out.display().to_string();
        assert!(
            stderr.starts_with("error: could not create the output folder "),
            "{stderr}"
        );
        assert_eq!(stderr.matches(&shown).count(), 1, "{stderr}");
        // The cause once: not `...: File exists (os error 17): File exists (os error 17)`.
        let cause = stderr.rsplit(": ").next().unwrap_or_default();
        assert_eq!(stderr.matches(cause.trim()).count(), 1, "{stderr}");
        assert!(
            output.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// SIGTERM (or Ctrl-C) in the middle of a race: the run in flight finishes, its temporary folder
/// is removed, no table is written, and the race exits with status 130. It used to die at once,
/// leaving that run's folder of flags in the temporary directory.
///
/// Unix only: a test cannot send Ctrl-C to one child on Windows, and Windows has no SIGTERM (see
/// `flags_testkit`).
#[cfg(unix)]
#[test]
fn sigterm_mid_race_finishes_the_run_cleans_up_and_exits_130() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    use flags_testkit::{HANG_GUARD, Stop, send};

    let out = tempfile::tempdir().unwrap();
    // The race's own temporary directory, to see what it leaves there.
    let temp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("race"))
        .args(["-l", "20", "--delay", "0.2", "--rounds", "3", "--out"])
        .arg(out.path())
        .env("TMPDIR", temp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    stdout.read_line(&mut header).unwrap();
    assert!(header.starts_with("race: "), "{header}");
    // A run is in flight once its folder exists (the sequential one takes 20 x 0.2 s).
    let started = Instant::now();
    while std::fs::read_dir(temp.path()).unwrap().next().is_none() {
        assert!(started.elapsed() < HANG_GUARD, "no run started");
        std::thread::sleep(Duration::from_millis(10));
    }
    send(child.id(), Stop::Terminate).unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("the race still ran {HANG_GUARD:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{status}: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(
        !out.path().join("race.txt").exists(),
        "a table of a race cut short"
    );
}

/// `--scale --max 10`: threads, async and bare at 10 in flight, every request answered, a table
/// on stdout and in scale.txt, and a chart with one point per measured (style, size). Each run
/// has a process of its own, so its threads are its own: one per request for threads, and a
/// couple for async. (One size keeps the test short: each run waits out the server's 1 s.)
#[test]
fn the_scale_sweep_up_to_10_in_flight_tables_and_draws_every_run() {
    let out = tempfile::tempdir().unwrap();
    let stdout = race(&["--scale", "--max", "10"], out.path());
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|line| {
            ["threads", "async", "bare"]
                .iter()
                .any(|s| line.starts_with(s))
        })
        .map(|line| line.split_whitespace().collect())
        .collect();
    let shape: Vec<(&str, &str)> = rows.iter().map(|fields| (fields[0], fields[1])).collect();
    assert_eq!(
        shape,
        [("threads", "10"), ("async", "10"), ("bare", "10")],
        "one row per style and size, printed as each run ends:\n{stdout}"
    );
    for fields in &rows {
        let ok = format!("{} ok", fields[1]);
        assert!(
            fields.join(" ").ends_with(&ok),
            "every request answered, no failure: {fields:?}"
        );
        let wall: f64 = fields[2].parse().expect("a wall time in seconds");
        assert!(wall >= 1.0, "nothing beats the 1 s delay: {fields:?}");
        if cfg!(target_os = "linux") {
            let threads: usize = fields[6].parse().expect("a thread count");
            match fields[0] {
                "threads" => assert!(threads > 10, "a thread per request: {fields:?}"),
                _ => assert!(threads < 5, "one thread runs every task: {fields:?}"),
            }
        }
    }
    let table = std::fs::read_to_string(out.path().join("scale.txt")).expect("scale.txt");
    assert_eq!(table.lines().count(), 1 + 3, "{table}");
    let text = svg(&out.path().join("scale.svg"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let points = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    // Two panels, time and memory: each run's process tells its own peak on every system.
    assert_eq!(points, 2 * 3, "one point per (style, size) and panel");
}

/// Text a page can show: no label under 16 px in a 1,000 px chart (the book shows it about
/// 700 px wide, so 11 px on screen); `--big` draws for a projector, every text half again as
/// large.
#[test]
fn chart_text_is_readable_and_bigger_with_big() {
    let font_sizes = |big: bool| -> Vec<f64> {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["-l", "2", "--delay", "0", "--rounds", "1", "--sweep"];
        if big {
            args.push("--big");
        }
        race(&args, out.path());
        let text = svg(&out.path().join("sweep.svg"));
        let doc = roxmltree::Document::parse(&text).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.attribute("font-size")?.parse().ok())
            .collect()
    };
    let smallest = |sizes: &[f64]| sizes.iter().copied().fold(f64::INFINITY, f64::min);
    let page = font_sizes(false);
    let big = font_sizes(true);
    assert!(
        smallest(&page) >= 16.0,
        "the smallest text is {} px: {page:?}",
        smallest(&page)
    );
    assert!(
        smallest(&big) >= 1.4 * smallest(&page),
        "--big: {big:?}, page: {page:?}"
    );
}
