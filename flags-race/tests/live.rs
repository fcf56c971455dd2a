//! `race --live` run as a student runs it: refused with status 2 when stdout is not a terminal,
//! and, in a pseudo-terminal of 80x24, drawn, left by itself once the race is over, with the
//! terminal restored and the table printed after.

// The pseudo-terminal runs need util-linux's `script`: Linux only.
#[cfg(target_os = "linux")]
use std::io::{Read, Write};
#[cfg(target_os = "linux")]
use std::process::{Command, Stdio};
#[cfg(target_os = "linux")]
use std::time::{Duration, Instant};

#[test]
fn live_refuses_a_stdout_that_is_not_a_terminal_with_status_2() {
    let output = assert_cmd::cargo::cargo_bin_cmd!("race")
        .args(["--live", "-l", "3", "--delay", "0.01"])
        .output()
        .expect("the race runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stdout is not a terminal"), "{stderr}");
    // Nothing was drawn, and no alternate screen was entered.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("\x1b[?1049h"));
}

/// Runs `race ARGS` in a pseudo-terminal of 80x24 through util-linux's `script`, typing `key`
/// (if any) once the view is up, and returns what the terminal received and the exit status.
///
/// `script`'s stdin is a pipe kept open until the end: at end of input some versions of `script`
/// hang up the terminal, which the view would take for a closed terminal.
#[cfg(target_os = "linux")]
fn in_a_pty(args: &str, key: Option<&[u8]>) -> (String, Option<i32>) {
    let race = assert_cmd::cargo::cargo_bin!("race");
    let command = format!("stty cols 80 rows 24 && exec {} {args}", race.display());
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs");
    let mut keyboard = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The reader says when the alternate screen is entered, so the key is typed into the view
    // and not before it (raw mode not yet on, the key would be echoed and lost).
    let (entered, view_is_up) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut chunk = [0; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut chunk) {
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.windows(8).any(|w| w == b"\x1b[?1049h") {
                let _ = entered.send(());
            }
        }
        bytes
    });
    if let Some(key) = key {
        view_is_up
            .recv_timeout(Duration::from_secs(60))
            .expect("the view came up");
        // A first frame or two, then the key.
        std::thread::sleep(Duration::from_millis(300));
        keyboard.write_all(key).unwrap();
        keyboard.flush().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("race --live did not leave by itself within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let bytes = reader.join().unwrap();
    drop(keyboard);
    (String::from_utf8_lossy(&bytes).into_owned(), status.code())
}

// `script` (util-linux) is how this test gets a pseudo-terminal; other systems lack it or spell
// its options differently, so the test is Linux only.
#[cfg(target_os = "linux")]
#[test]
fn live_draws_leaves_by_itself_restores_the_terminal_and_prints_the_table() {
    let out = tempfile::tempdir().unwrap();
    let args = format!(
        "--live -l 3 --delay 0.01 --hold 0 --screenshot --out {}",
        out.path().display()
    );
    let (screen, status) = in_a_pty(&args, None);
    assert_eq!(status, Some(0), "{screen}");
    let entered = screen
        .find("\x1b[?1049h")
        .expect("the alternate screen was entered");
    let left = screen
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    assert!(entered < left, "{screen}");
    // Drawn on the alternate screen: the legend and the counters of a style. ratatui moves the
    // cursor over blank cells instead of writing spaces, so words are looked for one by one.
    let drawn = &screen[entered..left];
    for word in ["found", "error", "flight", "floor", "sequential", "done"] {
        assert!(drawn.contains(word), "{word} not drawn: {drawn:?}");
    }
    // After leaving: the race's table, every style with its three codes downloaded.
    let after = &screen[left..];
    for style in ["sequential", "threadpool", "async"] {
        let row = after
            .lines()
            .find(|line| line.starts_with(style))
            .unwrap_or_else(|| panic!("no {style} row after leaving: {after:?}"));
        assert!(row.trim_end().ends_with("3/0/0"), "{row}");
    }
    // And how often the view redrew while the race ran: at least one frame, at some rate.
    let frames = after
        .lines()
        .find(|line| line.starts_with("the view drew "))
        .unwrap_or_else(|| panic!("no frame rate after leaving: {after:?}"));
    let drawn: u32 = frames["the view drew ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no frame count: {frames}"));
    assert!(drawn >= 1 && frames.ends_with(" a second"), "{frames}");
    // The table is kept in OUT/race.txt, as the plain race keeps it.
    let kept = std::fs::read_to_string(out.path().join("race.txt")).expect("race.txt");
    assert!(kept.starts_with("race --live: 3 codes"), "{kept}");
    assert_eq!(
        kept.lines().filter(|line| line.ends_with("3/0/0")).count(),
        3,
        "a row per style: {kept}"
    );
    // `--screenshot`: the picture at the end, an SVG whose glyphs spell what the view showed.
    let svg = std::fs::read_to_string(out.path().join("live.svg")).expect("live.svg");
    let doc = roxmltree::Document::parse(&svg).expect("a well-formed SVG");
    let glyphs: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for word in ["sequential", "threadpool", "async", "done3/3"] {
        assert!(glyphs.contains(word), "{word} not in the picture: {glyphs}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn live_together_runs_the_styles_side_by_side_and_prints_the_table() {
    let out = tempfile::tempdir().unwrap();
    let args = format!(
        "--live --together --styles threadpool,async -l 4 --delay 0.01 --hold 0 --out {}",
        out.path().display()
    );
    let (screen, status) = in_a_pty(&args, None);
    assert_eq!(status, Some(0), "{screen}");
    let after = &screen[screen
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen")..];
    assert!(after.contains("styles side by side"), "{after}");
    for style in ["threadpool", "async"] {
        assert!(
            after
                .lines()
                .any(|line| line.starts_with(style) && line.trim_end().ends_with("4/0/0")),
            "no full {style} row: {after}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn q_leaves_mid_race_restores_the_terminal_and_exits_130() {
    // Sequential alone takes 20 x 0.2 s = 4 s: `q` comes well before the end.
    let out = tempfile::tempdir().unwrap();
    let args = format!("--live -l 20 --delay 0.2 --out {}", out.path().display());
    let (screen, status) = in_a_pty(&args, Some(b"q"));
    assert_eq!(status, Some(130), "{screen}");
    assert!(
        !out.path().join("race.txt").exists(),
        "a table of a race cut short, kept as if it were a result"
    );
    let left = screen
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    let after = &screen[left..];
    assert!(after.contains("stopped before the end"), "{after}");
    // The sequential run was cut short, so no style has a row in the table.
    assert!(
        !after.lines().any(|line| line.starts_with("sequential")),
        "{after}"
    );
}
