//! Each run of the sweep in a process of its own: the race starts itself as
//! `race --scale-run STYLE N BASE_URL` for every style and size, and reads the figures the child
//! prints when its run ends.
//!
//! Why not run them in the race's process, as the plain race does: memory. An allocator keeps
//! what a run freed for the next one (glibc's keeps most of what 10,000 threads' buffers used),
//! so in one process a run's peak starts from the leftovers of the runs before it, and the row
//! for async at 10,000 would carry the thread pool's memory. A fresh process starts clean, and
//! its own peak is the run's peak on every system, not only on Linux (see
//! [`measure`](crate::measure)). A run that dies (killed for memory, a crash) becomes a row that
//! says so, and the sweep goes on.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::Context;

use super::{Outcome, ScaleStyle, run};
use crate::measure::process_peak_kib;

/// Parent side: runs `style` at `n` in flight against `base_url` in a child process.
pub fn run_in_child(
    program: &Path,
    style: ScaleStyle,
    n: usize,
    base_url: &str,
) -> anyhow::Result<Outcome> {
    let output = Command::new(program)
        .arg("--scale-run")
        .args([style.name(), &n.to_string(), base_url])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start {} --scale-run", program.display()))?;
    if !output.status.success() {
        return Ok(Outcome::NoFigures(format!(
            "failed: the run's process ended with {}",
            output.status
        )));
    }
    Ok(parse_report(&output.stdout).unwrap_or_else(|problem| {
        Outcome::NoFigures(format!("failed: the run's report {problem}"))
    }))
}

/// Child side: `race --scale-run STYLE N BASE_URL`. Prints the report and exits 0, or says what
/// is wrong with the arguments and exits 2.
pub fn child_main(arguments: &[String]) -> ExitCode {
    let [style, n, base_url] = arguments else {
        eprintln!("error: --scale-run takes STYLE N BASE_URL");
        return ExitCode::from(2);
    };
    let Some(style) = ScaleStyle::ALL.into_iter().find(|s| s.name() == style) else {
        eprintln!("error: --scale-run: no style called {style:?}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("error: --scale-run: {n:?} is not a count");
        return ExitCode::from(2);
    };
    flags_common::flags2::raise_open_files_limit();
    let outcome = run(style, &super::urls(base_url, n));
    print!("{}", report(&outcome));
    ExitCode::SUCCESS
}

/// The figures of a run as lines of `key value`, one `failed COUNT KIND` line per kind.
fn report(outcome: &Outcome) -> String {
    let Outcome::Ran {
        tally,
        wall,
        cpu,
        peak_kib,
        peak_threads,
    } = outcome
    else {
        return String::new();
    };
    // Outside Linux the peak cannot be reset per run; in a process of its own, the whole
    // process's peak is the run's.
    let peak_kib = peak_kib.or_else(process_peak_kib);
    let optional = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let mut text = format!(
        "wall_ns {}\ncpu_ns {}\npeak_kib {}\nthreads {}\nok {}\n",
        wall.as_nanos(),
        optional(cpu.map(|cpu| cpu.as_nanos().to_string())),
        optional(peak_kib.map(|kib| kib.to_string())),
        optional(peak_threads.map(|threads| threads.to_string())),
        tally.ok
    );
    for (kind, count) in &tally.failures {
        text += &format!("failed {count} {}\n", kind.replace(['\n', '\r'], " "));
    }
    text
}

/// Reads [`report`]'s lines back; what is wrong, if they cannot be read.
fn parse_report(stdout: &[u8]) -> Result<Outcome, String> {
    let mut tally = super::Tally::default();
    let (mut wall, mut cpu, mut peak_kib, mut threads) = (None, None, None, None);
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|_| "is not text".to_owned())?;
        let (key, value) = line
            .split_once(' ')
            .ok_or_else(|| format!("has a line without a value: {line:?}"))?;
        let number = |value: &str| value.parse::<u64>().ok();
        match key {
            "wall_ns" => wall = number(value).map(Duration::from_nanos),
            "cpu_ns" => cpu = number(value).map(Duration::from_nanos),
            "peak_kib" => peak_kib = number(value),
            "threads" => threads = number(value).map(|t| t as usize),
            "ok" => tally.ok = number(value).ok_or("has no count of OKs")? as usize,
            "failed" => {
                let (count, kind) = value
                    .split_once(' ')
                    .and_then(|(count, kind)| Some((count.parse().ok()?, kind)))
                    .ok_or_else(|| format!("has a bad failure line: {line:?}"))?;
                tally.failures.insert(kind.to_owned(), count);
            }
            _ => return Err(format!("has an unknown line: {line:?}")),
        }
    }
    Ok(Outcome::Ran {
        tally,
        wall: wall.ok_or("has no wall time")?,
        cpu,
        peak_kib,
        peak_threads: threads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::Tally;

    #[test]
    fn a_report_reads_back_as_the_outcome_it_came_from() {
        let mut tally = Tally {
            ok: 9_990,
            ..Tally::default()
        };
        tally.failures.insert("io: ConnectionReset".to_owned(), 7);
        tally.failures.insert("pool: two\nlines".to_owned(), 3);
        let outcome = Outcome::Ran {
            tally,
            wall: Duration::from_millis(1_234),
            cpu: Some(Duration::from_micros(56_789)),
            peak_kib: Some(20_480),
            peak_threads: Some(3),
        };
        let Ok(Outcome::Ran {
            tally,
            wall,
            cpu,
            peak_kib,
            peak_threads,
        }) = parse_report(report(&outcome).as_bytes())
        else {
            panic!("the report did not read back");
        };
        assert_eq!(tally.ok, 9_990);
        assert_eq!(tally.failures["io: ConnectionReset"], 7);
        assert_eq!(tally.failures["pool: two lines"], 3, "one line per kind");
        assert_eq!(wall, Duration::from_millis(1_234));
        assert_eq!(cpu, Some(Duration::from_micros(56_789)));
        assert_eq!((peak_kib, peak_threads), (Some(20_480), Some(3)));
    }

    /// `false` stands for a run's process that dies, `echo` for one that prints something else
    /// than a report: each becomes a row saying so, not an error that ends the sweep.
    #[cfg(unix)]
    #[test]
    fn a_run_that_dies_or_reports_garbage_is_a_row_saying_so() {
        let outcome = |program: &str| {
            run_in_child(
                Path::new(program),
                ScaleStyle::Bare,
                10,
                "http://127.0.0.1:9",
            )
            .expect("the program starts")
        };
        let Outcome::NoFigures(died) = outcome("false") else {
            panic!("a process that failed made figures");
        };
        assert!(died.contains("ended with exit status: 1"), "{died}");
        let Outcome::NoFigures(garbage) = outcome("echo") else {
            panic!("garbage made figures");
        };
        assert!(garbage.contains("unknown line"), "{garbage}");
    }

    #[test]
    fn a_report_without_a_wall_time_or_with_garbage_is_refused() {
        assert!(parse_report(b"ok 3\n").is_err());
        assert!(parse_report(b"wall_ns 5\nok 3\nsurprise 1\n").is_err());
        assert!(parse_report(b"wall_ns 5\nok three\n").is_err());
    }
}
