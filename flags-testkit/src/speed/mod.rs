//! Measuring a flags2 program from outside, for the speed benchmarks: run it as a child process
//! and read its wall time, CPU time and peak memory from the kernel ([`child`]), beside a bare
//! client of the same shape ([`crate::bare`]).
//!
//! Measuring a child rather than calling `download_many` in-process keeps the flag server's own
//! CPU and memory out of the figures: the benchmark runs the server, the child only downloads,
//! as the Python figures were taken against a separate server.

mod child;

use std::path::Path;
use std::time::Duration;

pub use child::{Measured, go_between_if_asked, measure, measuring_floor_kib};

/// The `Elapsed time: X.XXs` a flags2 program reports (its own timing of the downloads alone).
///
/// ```
/// let elapsed = flags_testkit::speed::reported_elapsed("x\nElapsed time: 0.12s\n").unwrap();
/// assert_eq!(elapsed.as_millis(), 120);
/// ```
pub fn reported_elapsed(stdout: &str) -> Option<Duration> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("Elapsed time: "))
        .and_then(|rest| rest.strip_suffix('s'))
        .and_then(|seconds| seconds.parse::<f64>().ok())
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
}

/// Which bare client ([`crate::bare`]) a program is compared with: the one of its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareShape {
    /// [`crate::bare::one_thread_per_request`], for thread-pool programs.
    Threads,
    /// [`crate::bare::one_task_per_request`], for async programs.
    Tasks,
}

impl BareShape {
    fn run(self, base_url: &str, codes: &[String]) -> std::io::Result<crate::bare::BareRun> {
        match self {
            BareShape::Threads => crate::bare::one_thread_per_request(base_url, codes),
            BareShape::Tasks => crate::bare::one_task_per_request(base_url, codes),
        }
    }

    fn name(self) -> &'static str {
        match self {
            BareShape::Threads => "one thread per request",
            BareShape::Tasks => "one task per request",
        }
    }
}

/// The flags2 speed figures of one program, printed as a table: `-e -m 100` against an instant
/// server (wall, CPU, CPU per request), `-a -m 194` and `-e -m 1000` against a fixed 0.1 s delay
/// (ratio to the 0.1 s floor, peak memory). `rounds` runs of each; medians are reported.
///
/// In each round of the delayed scenarios the bare client of shape `bare` ([`crate::bare`])
/// fetches the same codes from the same server right after the program, so that the program can
/// be compared with a measured floor taken in the same minutes, not only with the 0.1 s one.
///
/// The server runs in this process and the program in a child, so the figures are the client's
/// alone. Every run must account for every code with no errors, or this returns an error.
pub fn flags2_figures(
    style: &str,
    program: &Path,
    rounds: usize,
    bare: BareShape,
) -> anyhow::Result<()> {
    use flags_server::{Delay, FlagServer, ServerConfig};

    // The copy of this program that `measure` starts to run the child goes no further.
    if let Some(status) = go_between_if_asked() {
        std::process::exit(status);
    }
    flags_common::flags2::raise_open_files_limit();
    // Draw every flag now, so the first run does not pay for the drawings.
    for cc in flags_common::codes::all_cc() {
        let _ = flags_server::art::flag_gif(cc);
    }
    let instant = FlagServer::start(ServerConfig::default())?;
    let slow = FlagServer::start(ServerConfig {
        delay: Delay::Fixed(Duration::from_millis(100)),
        ..ServerConfig::default()
    })?;
    let floor = Duration::from_millis(100);
    let downloads = downloads_root();
    println!(
        "\n{style}: {}, saving under {}; a program doing nothing measures {} at its peak",
        program.display(),
        downloads.display(),
        mib(measuring_floor_kib()?),
    );
    let scenarios: [(&str, &FlagServer, &[&str], Option<Duration>); 3] = [
        ("-e -m 100, no delay", &instant, &["-e", "-m", "100"], None),
        ("-a -m 194, 0.1 s", &slow, &["-a", "-m", "194"], Some(floor)),
        (
            "-e -m 1000, 0.1 s",
            &slow,
            &["-e", "-m", "1000"],
            Some(floor),
        ),
    ];
    for (label, server, args, floor) in scenarios {
        let base_url = server.base_url();
        let all_args: Vec<&str> = ["-s", base_url.as_str()]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        // The codes the program will ask for, read by the programs' own command line.
        let codes = flags_common::cli::parse_from(
            flags_common::cli::ASYNC,
            ["flags2"].iter().chain(&all_args),
        )?
        .codes;
        let mut runs = Vec::new();
        let mut bare_runs = Vec::new();
        for _ in 0..rounds.max(1) {
            let dir = tempfile::tempdir_in(&downloads)?;
            let measured = measure(program, &all_args, dir.path())?;
            let counter = flags_common::report::parse_final_report(&measured.stdout);
            anyhow::ensure!(
                measured.success
                    && counter.is_some_and(|c| c.errors == 0 && c.total() == codes.len()),
                "{style} {label}: not every code accounted for without errors:\n{}",
                measured.stdout
            );
            runs.push(measured);
            if floor.is_some() {
                // A bare run that does not account for every code is an error already.
                bare_runs.push(bare.run(&base_url, &codes)?.elapsed);
            }
        }
        runs.sort_by_key(|m| m.wall);
        let median = &runs[runs.len() / 2];
        let elapsed = reported_elapsed(&median.stdout).unwrap_or(median.wall);
        let requests = codes.len() as f64;
        let ratio = floor.map_or(String::new(), |floor| {
            format!(
                ", {:.2}x the {:.1} s floor",
                elapsed.as_secs_f64() / floor.as_secs_f64(),
                floor.as_secs_f64()
            )
        });
        println!(
            "  {label:22} downloads {:.3} s{ratio}; process wall {:.3} s, CPU {:.3} s ({:.3} ms per request), peak RSS {}",
            elapsed.as_secs_f64(),
            median.wall.as_secs_f64(),
            median.cpu.as_secs_f64(),
            median.cpu.as_secs_f64() * 1000.0 / requests,
            mib(median.max_rss_kib),
        );
        if let Some(floor) = floor {
            bare_runs.sort();
            let bare_median = bare_runs[bare_runs.len() / 2];
            println!(
                "  {:22} bare client ({}): {:.3} s, {:.2}x the {:.1} s floor; this program takes {:.2}x the bare client",
                "",
                bare.name(),
                bare_median.as_secs_f64(),
                bare_median.as_secs_f64() / floor.as_secs_f64(),
                floor.as_secs_f64(),
                elapsed.as_secs_f64() / bare_median.as_secs_f64(),
            );
        }
    }
    Ok(())
}

/// `12.3 MiB`, or `n/a` where the system gave no figure.
fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    )
}

/// Where the runs save their flags: a fresh folder for each run, under `/dev/shm` when the
/// machine has that RAM-backed file system (Linux), else under the usual temporary folder (macOS,
/// Windows: there the probe simply fails).
///
/// Why not always the temporary folder? A benchmark saves 194 flags per run, dozens of runs in a
/// row, and deletes each run's folder. On ext4 (the temporary folder of our reference machine),
/// creating a file then costs more after every round: the inode allocator skips the inodes
/// freed in the last few seconds, checking each one (`recently_deleted` in a kernel profile, up
/// to a sixth of a downloader's CPU time). A single run on a fresh disk never pays that, so it is
/// not the program's cost. Measured on that machine, in alternating runs: `-e -m 1000` took
/// 0.01-0.02 s longer saving to ext4 than to `/dev/shm`.
fn downloads_root() -> std::path::PathBuf {
    let shm = Path::new("/dev/shm");
    if tempfile::tempdir_in(shm).is_ok() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}
