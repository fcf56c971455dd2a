//! What the flags2 tests of every style share: running a program and pressing Ctrl-C once its
//! header is out, checking that a download folder holds only whole flags, and the whole Ctrl-C
//! check built from both ([`assert_interrupted_cleanly`]).
//!
//! It lives in the library (not in each crate's `tests/`) so the sequential, thread-pool and async
//! tests prove the same things in the same way.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How a program run by [`run_and_interrupt`] ended.
#[derive(Debug)]
pub struct InterruptedRun {
    /// The exit status.
    pub status: ExitStatus,
    /// Everything printed on stdout, header included.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

/// How long a program may take to stop after Ctrl-C before the test gives up and kills it. Not a
/// speed check: a guard so a hung program fails the test instead of hanging the test run.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs `program args` in `dir`, waits until it has printed its header (the line ending in
/// `will be used.`), sends it SIGINT as Ctrl-C would, and collects the rest of its output.
#[cfg(unix)]
pub fn run_and_interrupt(program: &Path, args: &[&str], dir: &Path) -> io::Result<InterruptedRun> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdout = BufReader::new(
        child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?,
    );
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| io::Error::other("no stderr"))?;
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut header = String::new();
    while !header.ends_with("will be used.\n") {
        if stdout.read_line(&mut header)? == 0 {
            let _ = child.kill();
            return Err(io::Error::other(format!(
                "the program ended before its header:\n{header}"
            )));
        }
    }
    crate::interrupt::send_interrupt(child.id())?;
    let stdout_reader = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        rest
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "still running {HANG_GUARD:?} after Ctrl-C"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let rest = stdout_reader.join().unwrap_or_default();
    Ok(InterruptedRun {
        status,
        stdout: header + &rest,
        stderr: stderr_reader.join().unwrap_or_default(),
    })
}

/// Runs `program args` (an `-a` run against a slow server) in a fresh folder, presses Ctrl-C once
/// its header is out, and asserts what every style promises then: exit status 130, a final
/// report, every one of the 194 codes either counted or reported as not tried (and some not
/// tried), and exactly one whole flag on disk per download counted OK. Returns the run, for
/// checks of a style's own.
///
/// # Panics
///
/// When any of those promises is broken: this is a test helper.
#[cfg(unix)]
pub fn assert_interrupted_cleanly(program: &Path, args: &[&str]) -> InterruptedRun {
    let name = program.display();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = run_and_interrupt(program, args, dir.path()).expect("the program runs");
    assert_eq!(
        run.status.code(),
        Some(130),
        "{name}: {}\n{}",
        run.stdout,
        run.stderr
    );
    let counter = crate::report::parse_final_report(&run.stdout).expect("a final report");
    assert_eq!(
        counter.total() + not_tried(&run.stdout),
        194,
        "{name}: {}",
        run.stdout
    );
    assert!(not_tried(&run.stdout) > 0, "{name}: {}", run.stdout);
    assert_eq!(
        whole_flags_only(&dir.path().join("downloaded")),
        Ok(counter.ok),
        "{name}"
    );
    run
}

/// Checks that `dest_dir` (if it exists) holds only finished `.gif` files, each a valid GIF with
/// an image: no hidden temporary `.part` file, nothing truncated. Returns how many there are.
pub fn whole_flags_only(dest_dir: &Path) -> Result<usize, String> {
    let entries = match std::fs::read_dir(dest_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(format!("cannot list {}: {err}", dest_dir.display())),
    };
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dest_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".gif") {
            return Err(format!(
                "unexpected file {name:?} in {}",
                dest_dir.display()
            ));
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("cannot read {name}: {e}"))?;
        let has_frame = gif::DecodeOptions::new()
            .read_info(bytes.as_slice())
            .and_then(|mut decoder| decoder.read_next_frame().map(|frame| frame.is_some()))
            .map_err(|e| format!("{name} is not a whole GIF: {e}"))?;
        if !has_frame {
            return Err(format!("{name} is a GIF with no image"));
        }
        count += 1;
    }
    Ok(count)
}

/// The number in `*** Interrupted: N codes not tried.`, or 0 when the line is absent.
///
/// ```
/// assert_eq!(flags_common::testing::not_tried("*** Interrupted: 17 codes not tried.\n"), 17);
/// ```
pub fn not_tried(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("*** Interrupted: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
