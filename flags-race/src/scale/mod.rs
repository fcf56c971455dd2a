//! `race --scale`: threads against async as the number of downloads in flight grows from 10 to
//! 10,000, the C10k problem on a laptop. No Python script of the chapter draws this; the book's
//! async script stops working long before 10,000 (its client pool gives up at 676 in flight).
//!
//! Every size runs against the race's own server child with a fixed 1 s delay, so the best
//! possible time is 1 s at every size: whatever a style needs beyond that second is the cost of
//! keeping that many requests waiting. Each download is a distinct request (the same 194 flags,
//! each asked for again with `?copy=N`), and the server keeps no state per path, so any number
//! of them can be in flight. A third row, `bare`, runs the async style again without reqwest,
//! so that the table shows which part of async's cost is the waiting and which the HTTP
//! library. Per style and size the sweep reports the wall time and its ratio to
//! the 1 s floor, the peak resident memory (Linux; see [`measure`](crate::measure)), the most
//! threads the process had, CPU time per request, and every failure by kind. It prints each row
//! as soon as its run ends, then writes `OUT/scale.txt` and `OUT/scale.svg`.
//!
//! A size that cannot run says why in its row instead of failing the sweep: too few open files
//! allowed for that many sockets, or a pool that could not start its threads.
//!
//! # Layout
//! - `clients.rs`: the two styles, each firing all of a size's requests at once.
//! - `bare.rs`: the third row, async with a hand-written GET instead of reqwest.
//! - `child.rs`: each run in a process of its own, and how it reports back.
//! - this file: the sizes, one measured run per style and size, the table.
//! - `crate::charts::scale`: the chart.

mod bare;
mod child;
mod clients;

use std::fmt::Write as _;
use std::time::Duration;

use flags_common::harness::say;
use flags_common::interrupt::Interrupt;

use crate::measure::measure;
use crate::run::Interrupted;
use crate::server_process::ServerProcess;
pub use child::child_main;
pub use clients::Tally;

/// The sizes `--scale` runs, in downloads in flight (`--max` stops earlier).
pub const SCALE_LEVELS: [usize; 5] = [10, 100, 1_000, 3_000, 10_000];

/// The sizes of the quick preset: a few seconds, for a first look in class.
pub const QUICK_LEVELS: [usize; 3] = [10, 100, 1_000];

/// The server's fixed delay per request: the floor of every run.
pub const DELAY: Duration = Duration::from_secs(1);

/// Open files each request needs besides the process's own few: its socket.
const FILES_PER_REQUEST: u64 = 1;

/// Descriptors the process uses anyway (stdio, the runtime, the server child's pipes, the
/// executable's libraries), kept free when deciding whether a size fits the limit.
const FILES_SPARE: u64 = 64;

/// The ways of waiting on many requests: the two styles, and async again without its HTTP
/// library to show what the waiting itself costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleStyle {
    /// One OS thread per request.
    Threads,
    /// One tokio task per request, on one thread.
    Async,
    /// One tokio task per request, on one thread, with a hand-written GET (see `bare.rs`).
    Bare,
}

impl ScaleStyle {
    /// Every style, in the order each size runs them.
    pub const ALL: [ScaleStyle; 3] = [ScaleStyle::Threads, ScaleStyle::Async, ScaleStyle::Bare];

    /// The name in the table and the chart.
    pub fn name(self) -> &'static str {
        match self {
            ScaleStyle::Threads => "threads",
            ScaleStyle::Async => "async",
            ScaleStyle::Bare => "bare",
        }
    }
}

/// One style at one size.
#[derive(Debug, Clone)]
pub struct ScaleRow {
    /// The style.
    pub style: ScaleStyle,
    /// Downloads in flight at once (all of the run's downloads).
    pub in_flight: usize,
    /// What happened.
    pub outcome: Outcome,
}

/// A run's figures, or why there was no run.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The run happened.
    Ran {
        /// How the requests ended.
        tally: Tally,
        /// From the first request sent to the last answer read.
        wall: Duration,
        /// User plus system CPU of the run's process, where the system tells it.
        cpu: Option<Duration>,
        /// The run's process's peak resident memory, KiB, where the system tells it.
        peak_kib: Option<u64>,
        /// The most threads the process had during the run, where the system tells it.
        peak_threads: Option<usize>,
    },
    /// No figures, for this reason: the size was skipped, or its run's process died or did not
    /// report.
    NoFigures(String),
}

/// Runs the sweep up to `max` downloads in flight (every size of `levels` not above it) and
/// returns its rows, printing each as it finishes.
pub fn sweep(
    program: &std::path::Path,
    levels: &[usize],
    max: Option<usize>,
    interrupt: &Interrupt,
) -> anyhow::Result<Vec<ScaleRow>> {
    let server_args = [
        "--delay".to_owned(),
        DELAY.as_secs_f64().to_string(),
        "--error-rate".to_owned(),
        "0".to_owned(),
    ];
    let mut server = ServerProcess::spawn(program, &server_args)?;
    let base_url = server.base_url().to_owned();
    let open_files = open_files_limit();
    say(&header_line());
    let mut rows = Vec::new();
    for &n in levels.iter().filter(|&&n| max.is_none_or(|max| n <= max)) {
        for style in ScaleStyle::ALL {
            if interrupt.is_set() {
                return Err(Interrupted.into());
            }
            let outcome = match too_many_files(n, open_files) {
                Some(reason) => Outcome::NoFigures(reason),
                None => {
                    // The server forgets the last run's records, which would otherwise grow by
                    // 10,000 a size.
                    server.mark()?;
                    let outcome = child::run_in_child(program, style, n, &base_url)?;
                    // A Ctrl-C reaches the child too, whose run then ends early: not a row.
                    if interrupt.is_set() {
                        return Err(Interrupted.into());
                    }
                    outcome
                }
            };
            let row = ScaleRow {
                style,
                in_flight: n,
                outcome,
            };
            say(&row_line(&row));
            rows.push(row);
        }
    }
    Ok(rows)
}

/// `n` distinct URLs: the 194 flags in turn, each asked for again with its own `?copy=`.
fn urls(base_url: &str, n: usize) -> Vec<String> {
    let codes = flags_common::codes::all_cc();
    (0..n)
        .map(|i| {
            let cc = codes[i % codes.len()].to_ascii_lowercase();
            format!("{base_url}/{cc}/{cc}.gif?copy={i}")
        })
        .collect()
}

/// One measured run (in the child process of [`child`]), with a sampler noting the most
/// threads the process had meanwhile.
fn run(style: ScaleStyle, urls: &[String]) -> Outcome {
    let sampler = crate::measure::ThreadSampler::start();
    let (tally, cost) = measure(|| match style {
        ScaleStyle::Threads => clients::threads(urls),
        ScaleStyle::Async => clients::tasks(urls),
        ScaleStyle::Bare => bare::bare(urls),
    });
    Outcome::Ran {
        tally,
        wall: cost.wall,
        cpu: cost.cpu,
        peak_kib: cost.memory.map(|memory| memory.peak_kib),
        peak_threads: sampler.stop(),
    }
}

/// The open-files limit after the race raised it as far as allowed; `None` where there is none
/// (Windows has no such limit on sockets).
#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    rlimit::getrlimit(rlimit::Resource::NOFILE)
        .ok()
        .map(|(soft, _hard)| soft)
}

/// Windows counts no open files against sockets: nothing to check.
#[cfg(windows)]
fn open_files_limit() -> Option<u64> {
    None
}

/// Why `n` sockets cannot be open at once under `limit`, if they cannot.
fn too_many_files(n: usize, limit: Option<u64>) -> Option<String> {
    let limit = limit?;
    let needed = n as u64 * FILES_PER_REQUEST + FILES_SPARE;
    (needed > limit).then(|| {
        format!("skipped: needs ~{needed} open files, the limit is {limit} (raise `ulimit -n`)")
    })
}

/// The column titles.
pub fn header_line() -> String {
    format!(
        "{:<8} {:>9} {:>9} {:>7} {:>11} {:>9} {:>12}  {}",
        "style", "in flight", "wall s", "ratio", "peak RSS", "threads", "CPU/req", "ok / failures"
    )
}

/// One row of the table.
pub fn row_line(row: &ScaleRow) -> String {
    let mut line = format!("{:<8} {:>9}", row.style.name(), row.in_flight);
    match &row.outcome {
        Outcome::NoFigures(reason) => {
            let _ = write!(line, "  {reason}");
        }
        Outcome::Ran {
            tally,
            wall,
            cpu,
            peak_kib,
            peak_threads,
        } => {
            let wall = wall.as_secs_f64();
            let rss = peak_kib.map_or("n/a".to_owned(), |kib| {
                format!("{:.1} MiB", kib as f64 / 1024.0)
            });
            let threads = peak_threads.map_or("n/a".to_owned(), |t| t.to_string());
            let per_request = cpu.map_or("n/a".to_owned(), |cpu| {
                format!(
                    "{:.3} ms",
                    cpu.as_secs_f64() * 1000.0 / tally.total().max(1) as f64
                )
            });
            let _ = write!(
                line,
                " {wall:>9.3} {:>6.2}x {rss:>11} {threads:>9} {per_request:>12}  {}",
                wall / DELAY.as_secs_f64(),
                tally_text(tally)
            );
        }
    }
    line
}

/// `10000 ok` or `9800 ok, 200 timeout`.
fn tally_text(tally: &Tally) -> String {
    let mut text = format!("{} ok", tally.ok);
    for (kind, count) in &tally.failures {
        let _ = write!(text, ", {count} {kind}");
    }
    text
}

/// The whole table, as written to `scale.txt`.
pub fn table(rows: &[ScaleRow]) -> String {
    let mut text = header_line() + "\n";
    for row in rows {
        text += &row_line(row);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_distinct_and_cycle_through_the_codes() {
        let urls = urls("http://127.0.0.1:1/flags", 400);
        let distinct: std::collections::HashSet<_> = urls.iter().collect();
        assert_eq!(
            distinct.len(),
            400,
            "every download must be its own request"
        );
        assert_eq!(urls[0], "http://127.0.0.1:1/flags/ad/ad.gif?copy=0");
        assert!(
            urls[194].starts_with("http://127.0.0.1:1/flags/ad/ad.gif?"),
            "{}",
            urls[194]
        );
    }

    #[test]
    fn a_size_beyond_the_open_files_limit_is_skipped_with_the_reason() {
        assert_eq!(too_many_files(10, Some(1024)), None);
        assert_eq!(too_many_files(10_000, None), None);
        let reason = too_many_files(10_000, Some(1024)).expect("10,000 sockets do not fit 1,024");
        assert!(
            reason.contains("1024") && reason.contains("ulimit -n"),
            "{reason}"
        );
    }

    #[test]
    fn a_row_shows_every_failure_kind_with_its_count() {
        let mut tally = Tally {
            ok: 98,
            ..Tally::default()
        };
        tally.failures.insert("timeout".to_owned(), 2);
        let row = ScaleRow {
            style: ScaleStyle::Async,
            in_flight: 100,
            outcome: Outcome::Ran {
                tally,
                wall: Duration::from_millis(1500),
                cpu: Some(Duration::from_millis(50)),
                peak_kib: None,
                peak_threads: Some(3),
            },
        };
        let line = row_line(&row);
        assert!(line.starts_with("async"), "{line}");
        assert!(line.contains("1.500") && line.contains("1.50x"), "{line}");
        assert!(line.contains("0.500 ms"), "CPU per request: {line}");
        assert!(line.ends_with("98 ok, 2 timeout"), "{line}");
    }
}
