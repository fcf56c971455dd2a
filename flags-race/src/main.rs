//! `race`: the sequential, thread-pool and async flag downloaders measured side by side on the
//! same codes, as a table, a timeline and a chart of time against concurrency. The chapter quotes
//! timings of `flags2_sequential.py`, `flags2_threadpool.py` and `flags2_asyncio.py`; this lets a
//! student produce them on their own machine.
//!
//! Run it with `cargo run --release -p flags-race -- --timeline` (or `-- --sweep`, or
//! `-- --scale` for threads against async from 10 to 10,000 downloads in flight: see [`scale`];
//! or `-- --live` to watch one round full screen as it runs: see [`live`]).
//! `--quick` makes any of them short enough for a first look in class; `--big` draws the charts
//! for a projector. A sample run on a busy 2-core machine (the timeline and the sweep add
//! `wrote race/...svg`):
//!
//! ```text
//! $ cargo run --release -p flags-race -- --rounds 5
//! race: 20 codes, built-in server (fixed 0.1 s delay, error rate 0, seed 2026), 5 rounds, styles in turn
//! ratio: the median over the latency floor, ceil(codes / -m) x the delay
//! style        -m median     min-max s  ratio  CPU ms     MiB (+run)  ok/404/err
//! sequential    1  2.059   2.053-2.080  1.03x   0.835     5.8 (+1.1)      20/0/0
//! threadpool   20  0.124   0.114-0.129  1.24x   1.006     6.9 (+1.1)      20/0/0
//! async        20  0.122   0.116-0.140  1.22x   1.245     8.8 (+1.9)      20/0/0
//! wrote race/race.txt
//! ```
//!
//! The table fits 80 columns: "CPU ms" is CPU time per request, "MiB (+run)" the peak resident
//! memory and how much the run added to it.
//!
//! # How it measures (the choices, briefly)
//! - **The strategies run in this process**, as library calls: each style's flags2
//!   `download_many`, into a fresh temporary folder per run.
//! - **The server runs in a child process**, this same binary started with a hidden `--serve`
//!   (see [`serve`]), so `getrusage(RUSAGE_SELF)` charges each style with its own CPU only.
//!   `--server URL` skips the child: a remote server's CPU is not ours anyway.
//! - **CPU time** is `getrusage(RUSAGE_SELF)` on Unix, `GetProcessTimes` on Windows.
//! - **Peak memory** per run is Linux's `VmHWM`, reset before each run (`/proc/self/clear_refs`);
//!   the table shows the peak and how much it grew during the run. No other system can reset its
//!   peak, so elsewhere the table shows `n/a` and a line under it gives the peak of the whole race
//!   (`ru_maxrss` on macOS, the peak working set on Windows).
//! - **The timeline** comes from the server: a middleware around flags-server's `router` notes
//!   when each request started and was answered, and the race asks for those spans after each run.
//!   So a bar is the server's view (from the parsed request to the ready answer), without the
//!   client's connect and read times; the strategies themselves are untouched.
//! - **Rounds alternate styles** (sequential, threadpool, async, sequential, ...) so a burst of
//!   noise from other programs hits all three alike; the table shows the median and the range.
//! - **The latency floor** of a fixed delay `d` is `ceil(n / m) * d` for `n` codes at `-m m`.
//! - **No progress bars**: each run's job says `progress: Shown::Nothing`, so the strategies
//!   draw none between the lines of the table.
//! - **Ctrl-C** (or SIGTERM) is handled as in the flags2 programs: the run in flight finishes,
//!   its folder is removed, the server child is stopped, and the race exits with status 130
//!   without a table. The server child ignores Ctrl-C (a terminal sends it to the child too):
//!   the race stops it by closing its stdin.
//!
//! # Layout
//! - [`cli`]: the command line. Codes go through `flags_common::cli`, as in the flags2 programs.
//! - [`style`]: the three contestants.
//! - [`serve`] and [`server_process`]: the server child and the race's handle on it.
//! - [`measure`]: wall, CPU and peak memory of one run, one module per platform.
//! - [`run`]: one timed run of one style.
//! - [`table`]: the latency floor and the table.
//! - [`charts`]: the timeline, sweep and scale SVGs.
//! - [`scale`]: `--scale`, threads against async from 10 to 10,000 downloads in flight.
//! - [`live`]: `--live`, the race drawn full screen as it runs, from the downloaders' own events.

mod charts;
mod cli;
mod live;
mod measure;
mod run;
mod scale;
mod serve;
mod server_process;
mod style;
mod table;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use flags_common::harness::say;
use flags_common::interrupt::{EXIT_INTERRUPTED, Interrupt};
use flags_server::Delay;

use crate::charts::{Panel, SweepLine};
use crate::cli::{Args, SWEEP_LEVELS};
use crate::run::{Interrupted, Run, Site, run_once};
use crate::server_process::ServerProcess;
use crate::style::Style;

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(arguments) = &args.scale_run {
        return scale::child_main(arguments);
    }
    if args.live && !args.serve {
        return live::main(&args);
    }
    let outcome = if args.serve {
        serve::run(args.delay, args.error_rate, args.seed)
    } else if args.scale {
        scale_sweep(&args)
    } else {
        match args.codes() {
            Ok(codes) => race(&args, &codes),
            Err(err) => err.exit(),
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is::<Interrupted>() => {
            eprintln!("race: {err}");
            ExitCode::from(EXIT_INTERRUPTED)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the site, runs the race or the sweep, writes the files.
fn race(args: &Args, codes: &[String]) -> anyhow::Result<()> {
    flags_common::flags2::raise_open_files_limit();
    // Installed before the server child starts, so that a Ctrl-C from then on stops the race
    // cleanly (the child's own handler is in `serve::run`).
    let interrupt = Interrupt::on_ctrl_c()?;
    create_out(&args.out)?;
    let mut site = site(args)?;
    // The floor needs the delay, known only for our own server.
    let delay = args.server.is_none().then_some(args.delay);
    let header = header(args, codes.len(), delay);
    say(&header.to_string());
    if args.sweep {
        sweep(args, codes, &mut site, delay, &header, &interrupt)
    } else {
        race_table(args, codes, &mut site, delay, &header, &interrupt)
    }
}

/// The site a race runs against: `--server URL`, or a new server child with the race's profile.
fn site(args: &Args) -> anyhow::Result<Site> {
    Ok(match &args.server {
        Some(url) => Site {
            base_url: url.clone(),
            server: None,
        },
        None => {
            let server_args = [
                "--delay".to_owned(),
                args.delay_arg(),
                "--error-rate".to_owned(),
                args.error_rate.to_string(),
                "--seed".to_owned(),
                args.seed.to_string(),
            ];
            let server = ServerProcess::spawn(&std::env::current_exe()?, &server_args)?;
            Site {
                base_url: server.base_url().to_owned(),
                server: Some(server),
            }
        }
    })
}

/// `--scale`: its own server child (fixed 1 s delay), the sizes, the table and the chart.
fn scale_sweep(args: &Args) -> anyhow::Result<()> {
    flags_common::flags2::raise_open_files_limit();
    let interrupt = Interrupt::on_ctrl_c()?;
    create_out(&args.out)?;
    let levels: &[usize] = if args.quick {
        &scale::QUICK_LEVELS
    } else {
        &scale::SCALE_LEVELS
    };
    say(&format!(
        "race --scale: every download in flight at once, against a fixed {} s delay (the floor)",
        scale::DELAY.as_secs_f64()
    ));
    let rows = scale::sweep(&std::env::current_exe()?, levels, args.max, &interrupt)?;
    write(&args.out.join("scale.txt"), &scale::table(&rows))?;
    let path = args.out.join("scale.svg");
    charts::scale(&path, &rows, charts::Look::chosen(args.big))?;
    say(&format!("wrote {}", path.display()));
    Ok(())
}

pub(crate) fn create_out(out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).map_err(|err| {
        anyhow::anyhow!(
            "could not create the output folder {}: {err}",
            out.display()
        )
    })
}

fn header(args: &Args, codes: usize, delay: Option<Delay>) -> String {
    let server = match delay {
        Some(delay) => format!(
            "built-in server ({}, error rate {}, seed {})",
            describe(delay),
            args.error_rate,
            args.seed
        ),
        None => format!("server {}", args.server.as_deref().unwrap_or("?")),
    };
    let ratio = if delay.is_some_and(|d| matches!(d, Delay::Fixed(d) if !d.is_zero())) {
        "\nratio: the median over the latency floor, ceil(codes / -m) x the delay"
    } else {
        ""
    };
    format!(
        "race: {codes} codes, {server}, {} round{}, styles in turn{ratio}",
        args.rounds(),
        if args.rounds() == 1 { "" } else { "s" }
    )
}

fn describe(delay: Delay) -> String {
    match delay {
        Delay::None => "no delay".to_owned(),
        Delay::Fixed(d) => format!("fixed {} s delay", d.as_secs_f64()),
        Delay::Uniform { min, max } => {
            format!("{}-{} s delay", min.as_secs_f64(), max.as_secs_f64())
        }
    }
}

/// The race: every style, `rounds` times, in turn; the table; the timeline of the last round.
fn race_table(
    args: &Args,
    codes: &[String],
    site: &mut Site,
    delay: Option<Delay>,
    header: &str,
    interrupt: &Interrupt,
) -> anyhow::Result<()> {
    let mut runs: Vec<Run> = Vec::new();
    for _ in 0..args.rounds() {
        for &style in &args.styles {
            let m = style.concurrency(args.max_req, codes.len());
            runs.push(run_once(site, style, m, codes, interrupt, None)?);
        }
    }
    let table = table::render(&table::rows(&runs, codes.len(), delay), codes.len())
        + &memory_footnote(&runs);
    say(table.trim_end_matches('\n'));
    write(&args.out.join("race.txt"), &format!("{header}\n{table}"))?;
    if let Some(file) = &args.timeline {
        let path = file
            .clone()
            .unwrap_or_else(|| args.out.join("timeline.svg"));
        // The last round of each style: by then connections and caches are as warm as they get.
        let panels: Vec<Panel> = args
            .styles
            .iter()
            .filter_map(|style| runs.iter().rev().find(|run| run.style == *style))
            .map(|run| Panel {
                title: format!(
                    "{}, -m {}: {} downloads in {:.3} s",
                    run.style.name(),
                    run.concurrency,
                    run.spans.len(),
                    run.cost.wall.as_secs_f64()
                ),
                spans: run.spans.clone(),
            })
            .collect();
        let title = format!("Timeline of the last round, {}", short(header));
        charts::timeline(&path, &title, &panels, charts::Look::chosen(args.big))?;
        say(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// The sweep: sequential as the reference, then both concurrent styles at each `-m`.
fn sweep(
    args: &Args,
    codes: &[String],
    site: &mut Site,
    delay: Option<Delay>,
    header: &str,
    interrupt: &Interrupt,
) -> anyhow::Result<()> {
    let n = codes.len();
    let mut levels: Vec<usize> = SWEEP_LEVELS.iter().map(|&m| m.min(n)).collect();
    levels.dedup();
    let mut runs: Vec<Run> = Vec::new();
    // Each row is printed as soon as its rounds are done: the whole sweep takes minutes.
    say(&table::header_line());
    let print_rows = |runs: &[Run]| {
        for row in table::rows(runs, n, delay) {
            say(&table::row_line(&row, n));
        }
    };
    for _ in 0..args.rounds() {
        runs.push(run_once(
            site,
            Style::Sequential,
            1,
            codes,
            interrupt,
            None,
        )?);
    }
    print_rows(&runs);
    for &m in &levels {
        let first = runs.len();
        for _ in 0..args.rounds() {
            for style in [Style::Threadpool, Style::Async] {
                runs.push(run_once(site, style, m, codes, interrupt, None)?);
            }
        }
        print_rows(&runs[first..]);
    }
    let rows = table::rows(&runs, n, delay);
    let table = table::render(&rows, n) + &memory_footnote(&runs);
    let footnote = memory_footnote(&runs);
    if !footnote.is_empty() {
        say(footnote.trim_end_matches('\n'));
    }
    write(&args.out.join("sweep.txt"), &format!("{header}\n{table}"))?;
    anyhow::ensure!(
        rows.iter().all(|row| row.complete),
        "some runs did not account for every code (marked ! above)"
    );
    let sequential = rows
        .iter()
        .find(|row| row.style == Style::Sequential)
        .map_or(0.0, |row| row.median.as_secs_f64());
    let lines: Vec<SweepLine> = [Style::Threadpool, Style::Async]
        .into_iter()
        .map(|style| SweepLine {
            name: style.name(),
            points: rows
                .iter()
                .filter(|row| row.style == style)
                .map(|row| (row.concurrency, row.median.as_secs_f64()))
                .collect(),
        })
        .collect();
    let floor: Vec<(usize, f64)> = levels
        .iter()
        .filter_map(|&m| table::latency_floor(delay, n, m).map(|f| (m, f.as_secs_f64())))
        .collect();
    let path = args.out.join("sweep.svg");
    let title = format!("Time against concurrency, {}", short(header));
    charts::sweep(
        &path,
        &title,
        &lines,
        sequential,
        &floor,
        charts::Look::chosen(args.big),
    )?;
    say(&format!("wrote {}", path.display()));
    Ok(())
}

/// Under a table whose runs have no peak memory of their own (anything but Linux, see
/// [`measure`]), a line saying why, with the peak of the whole race; nothing otherwise.
fn memory_footnote(runs: &[Run]) -> String {
    if runs.iter().all(|run| run.cost.memory.is_some()) {
        return String::new();
    }
    let whole = measure::process_peak_kib().map_or("unknown".to_owned(), |kib| {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    });
    format!(
        "peak RSS n/a: this system cannot reset the peak between runs (Linux can); \
         the whole race peaked at {whole}\n"
    )
}

/// The header without its `race: ` prefix and the rounds, for a chart title.
fn short(header: &str) -> &str {
    let text = header.strip_prefix("race: ").unwrap_or(header);
    text.split_once(", styles in turn")
        .map_or(text, |(head, _)| head)
}

pub(crate) fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text)
        .map_err(|err| anyhow::anyhow!("could not write {}: {err}", path.display()))?;
    say(&format!("wrote {}", PathBuf::from(path).display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use flags_common::status::Counter;

    use super::*;
    use crate::measure::{Cost, Memory};

    fn run(memory: Option<Memory>) -> Run {
        Run {
            style: Style::Async,
            concurrency: 1,
            counter: Counter::default(),
            cost: Cost {
                wall: Duration::from_millis(1),
                cpu: None,
                memory,
            },
            spans: Vec::new(),
        }
    }

    #[test]
    fn runs_without_a_peak_of_their_own_get_a_footnote_with_the_whole_peak() {
        let measured = Some(Memory {
            peak_kib: 2048,
            growth_kib: 1024,
        });
        assert_eq!(memory_footnote(&[run(measured), run(measured)]), "");
        let note = memory_footnote(&[run(measured), run(None)]);
        assert!(note.starts_with("peak RSS n/a: "), "{note}");
        assert!(note.contains("MiB"), "{note}");
    }
}
