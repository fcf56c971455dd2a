//! Measuring one run of a program as a child process: wall time, CPU time and peak memory, read
//! from the kernel: `wait4`'s `rusage` on Unix, `GetProcessTimes` and `GetProcessMemoryInfo` on
//! the child's handle on Windows (one module per platform: `unix.rs`, `windows.rs`).
//!
//! # Why a go-between process
//! On Linux a child's `ru_maxrss` is not the child's alone. `Command::spawn` starts the child
//! with `vfork`, so until it calls `exec` it runs in its *parent's* memory, and `exec` folds that
//! memory's high-water mark into the child's. A benchmark that has run a server and 676 threads
//! of a bare client has a high-water mark of its own, and every child it starts afterwards would
//! report at least that much. We saw it happen: with a different allocator in the benchmark, a
//! 40 MiB program "peaked" at 164 MiB.
//!
//! So [`measure`] starts a fresh copy of the running executable as a go-between, which starts
//! the program and reports what the kernel said about it. The go-between has only just started
//! when it spawns the program, so what it passes on is a few MiB at most (printed by the
//! benchmarks as the measuring floor, [`measuring_floor_kib`]).
//!
//! Windows starts a process from scratch (`CreateProcess`), so a child's peak there is its own
//! anyway; the go-between is kept on every platform so that the figures are taken the same way.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// The platform layer: `wait_measured(child)` and `DO_NOTHING`, one module per platform.
#[cfg(unix)]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[path = "windows.rs"]
mod sys;

/// Set in the go-between's environment: "you are the go-between, not the benchmark".
const GO_BETWEEN: &str = "FLAGS_SPEED_GO_BETWEEN";

/// What one run of a child process cost.
#[derive(Debug, Clone)]
pub struct Measured {
    /// From spawn to exit, including process start-up.
    pub wall: Duration,
    /// User plus system CPU time of the child (all its threads).
    pub cpu: Duration,
    /// Peak resident memory of the child, in KiB (`ru_maxrss` on Unix, the peak working set on
    /// Windows); `None` where the system keeps no figure for a process that has ended (Wine).
    pub max_rss_kib: Option<u64>,
    /// What the child printed on stdout.
    pub stdout: String,
    /// True when the child exited with status 0.
    pub success: bool,
}

/// Runs `program` with `args` in `dir` to the end, capturing its stdout (its stderr is
/// discarded), and measures it through a go-between (see the module docs).
///
/// The running executable must call [`go_between_if_asked`] first thing in `main`:
/// [`flags2_figures`](super::flags2_figures) does.
pub fn measure(program: &Path, args: &[&str], dir: &Path) -> io::Result<Measured> {
    let output = Command::new(std::env::current_exe()?)
        .env(GO_BETWEEN, "1")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()?;
    let report = String::from_utf8_lossy(&output.stderr);
    let numbers: Vec<u64> = report
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    let [wall_us, cpu_us, max_rss_kib, success] = numbers[..] else {
        return Err(io::Error::other(format!(
            "the go-between did not report a measurement: {report}"
        )));
    };
    Ok(Measured {
        wall: Duration::from_micros(wall_us),
        cpu: Duration::from_micros(cpu_us),
        // 0 on the wire: no figure (no process peaks at nothing).
        max_rss_kib: (max_rss_kib != 0).then_some(max_rss_kib),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        success: success == 1,
    })
}

/// The peak memory that a program doing nothing (`true` on Unix, `cmd /C exit` on Windows) shows
/// through [`measure`]: what the go-between passes on, the least any figure can be.
pub fn measuring_floor_kib() -> io::Result<Option<u64>> {
    let (nothing, args) = sys::DO_NOTHING;
    Ok(measure(Path::new(nothing), args, &std::env::temp_dir())?.max_rss_kib)
}

/// When this process was started by [`measure`] as its go-between, runs the program named on
/// the command line, reports on stderr, and returns the status to exit with; otherwise returns
/// `None` at once.
pub fn go_between_if_asked() -> Option<i32> {
    std::env::var_os(GO_BETWEEN)?;
    let mut args = std::env::args_os().skip(1);
    let program = args.next()?;
    let args: Vec<OsString> = args.collect();
    let code = match run_and_wait(&program, &args) {
        Ok(measured) => {
            // Four numbers on one line; the program's own stdout went straight to ours.
            let _ = writeln!(
                io::stderr(),
                "{} {} {} {}",
                measured.wall.as_micros(),
                measured.cpu.as_micros(),
                measured.max_rss_kib.unwrap_or(0),
                u8::from(measured.success),
            );
            0
        }
        Err(error) => {
            let _ = writeln!(io::stderr(), "go-between: {error}");
            1
        }
    };
    Some(code)
}

/// Starts `program` (stdout shared with ours, stderr discarded) and waits for it, measuring it.
fn run_and_wait(program: &OsString, args: &[OsString]) -> io::Result<Measured> {
    let t0 = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let ended = sys::wait_measured(child)?;
    Ok(Measured {
        wall: t0.elapsed(),
        cpu: ended.cpu,
        max_rss_kib: ended.max_rss_kib,
        stdout: String::new(),
        success: ended.success,
    })
}

/// What the platform layer reports about a child that ended.
struct Ended {
    /// User plus system CPU time, every thread.
    cpu: Duration,
    /// Peak resident memory, KiB, where the system tells it.
    max_rss_kib: Option<u64>,
    /// Exited with status 0.
    success: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_doing_nothing_is_measured_in_kib_and_succeeds() {
        let (program, args) = sys::DO_NOTHING;
        let child = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let ended = sys::wait_measured(child).unwrap();
        assert!(ended.success);
        // A few MiB. Wrong units show: KiB read as bytes gives a handful, bytes read as KiB
        // (macOS's `ru_maxrss`) gives GiBs. (Wine gives no figure at all: see `windows.rs`.)
        assert!(
            ended
                .max_rss_kib
                .is_none_or(|kib| (100..256 * 1024).contains(&kib)),
            "{:?} KiB",
            ended.max_rss_kib
        );
    }

    // Unix only: `wait4` always reports the child's peak; Windows may not (see `windows.rs`).
    #[cfg(unix)]
    #[test]
    fn unix_always_reports_a_childs_peak() {
        let (program, args) = sys::DO_NOTHING;
        let child = Command::new(program).args(args).spawn().unwrap();
        assert!(sys::wait_measured(child).unwrap().max_rss_kib.is_some());
    }
}
