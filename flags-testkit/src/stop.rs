//! Stopping a flags2 program from a test, as a user or a service manager would: run it, wait for
//! its header, send Ctrl-C (SIGINT) or SIGTERM, collect what it printed, and check what a clean
//! stop promises. Unix only (see the parent module for why Windows cannot take part).

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::HANG_GUARD;

/// How a test asks a program to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT, what Ctrl-C in a terminal sends.
    CtrlC,
    /// SIGTERM, what `kill`, a service manager or a CI timeout sends.
    Terminate,
}

impl Stop {
    fn signal(self) -> Signal {
        match self {
            Stop::CtrlC => Signal::SIGINT,
            Stop::Terminate => Signal::SIGTERM,
        }
    }
}

/// Sends `how` to process `pid`.
pub fn send(pid: u32, how: Stop) -> io::Result<()> {
    let pid = i32::try_from(pid)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "process id out of range"))?;
    kill(Pid::from_raw(pid), how.signal()).map_err(io::Error::from)
}

/// How a program run by [`run_and_stop`] ended.
#[derive(Debug)]
pub struct StoppedRun {
    /// The exit status.
    pub status: ExitStatus,
    /// Everything printed on stdout, header included.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

/// Runs `program args` in `dir`, waits until it has printed its header (the line ending in
/// `will be used.`), stops it as `how` says, and collects the rest of its output.
pub fn run_and_stop(
    program: &Path,
    args: &[&str],
    dir: &Path,
    how: Stop,
) -> io::Result<StoppedRun> {
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
    send(child.id(), how)?;
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
                "still running {HANG_GUARD:?} after {how:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let rest = stdout_reader.join().unwrap_or_default();
    Ok(StoppedRun {
        status,
        stdout: header + &rest,
        stderr: stderr_reader.join().unwrap_or_default(),
    })
}

/// Runs `program args` (an `-a` run against a slow server) in a fresh folder, stops it as `how`
/// says once its header is out, and asserts what every style promises then, for SIGTERM as for
/// Ctrl-C: exit status 130, a final report, every one of the 194 codes either counted or reported
/// as not tried (and some not tried), and exactly one whole flag on disk per download counted OK,
/// with no temporary file left. Returns the run, for checks of a style's own.
///
/// # Panics
///
/// When any of those promises is broken: this is a test helper.
pub fn assert_stopped_cleanly(program: &Path, args: &[&str], how: Stop) -> StoppedRun {
    let name = program.display();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = run_and_stop(program, args, dir.path(), how).expect("the program runs");
    assert_eq!(
        run.status.code(),
        Some(130),
        "{name} after {how:?}: {}\n{}\n{}",
        run.status,
        run.stdout,
        run.stderr
    );
    let counter = flags_common::report::parse_final_report(&run.stdout).expect("a final report");
    assert_eq!(
        counter.total() + super::not_tried(&run.stdout),
        194,
        "{name}: {}",
        run.stdout
    );
    assert!(super::not_tried(&run.stdout) > 0, "{name}: {}", run.stdout);
    assert_eq!(
        super::whole_flags_only(&dir.path().join("downloaded")),
        Ok(counter.ok),
        "{name} after {how:?}"
    );
    run
}
