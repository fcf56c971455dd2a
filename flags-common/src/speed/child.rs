//! Measuring one run of a program as a child process: wall time, CPU time and peak memory, read
//! from the kernel (`wait4`'s `rusage`).
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

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the go-between's environment: "you are the go-between, not the benchmark".
const GO_BETWEEN: &str = "FLAGS_SPEED_GO_BETWEEN";

/// What one run of a child process cost.
#[derive(Debug, Clone)]
pub struct Measured {
    /// From spawn to exit, including process start-up.
    pub wall: Duration,
    /// User plus system CPU time of the child (all its threads).
    pub cpu: Duration,
    /// Peak resident memory of the child, in KiB (`ru_maxrss` on Linux).
    pub max_rss_kib: u64,
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
        max_rss_kib,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        success: success == 1,
    })
}

/// The peak memory that a program doing nothing (`true`, found on the `PATH`) shows through
/// [`measure`]: what the go-between passes on, the least any figure can be.
pub fn measuring_floor_kib() -> io::Result<u64> {
    let nothing = Path::new("true");
    Ok(measure(nothing, &[], Path::new("/"))?.max_rss_kib)
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
                measured.max_rss_kib,
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

/// Starts `program` (stdout shared with ours, stderr discarded) and reaps it with `wait4`.
fn run_and_wait(program: &OsString, args: &[OsString]) -> io::Result<Measured> {
    let t0 = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = libc::pid_t::try_from(child.id())
        .map_err(|_| io::Error::other("process id out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: all-zero bytes are a valid `rusage` (a struct of integers).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // `std::process::Child::wait` cannot return the child's rusage, so reap it ourselves.
    // SAFETY: `status` and `usage` are valid, writable, and outlive the call; `pid` is our own
    // child, not yet reaped (we never called `wait` on `child`).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = t0.elapsed();
    if reaped != pid {
        return Err(io::Error::last_os_error());
    }
    let seconds = |tv: libc::timeval| {
        Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
    };
    Ok(Measured {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        stdout: String::new(),
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}
