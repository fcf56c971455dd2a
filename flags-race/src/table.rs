//! The race's table: one row per style and concurrency, summarising its rounds.

use std::fmt::Write;
use std::time::Duration;

use flags_common::status::Counter;
use flags_server::Delay;

use crate::run::{Run, median};
use crate::style::Style;

/// The best time any client could reach against a fixed `delay` per request: `n` requests,
/// `m` at a time, is `ceil(n / m)` waves of `delay`. `None` when the delay is not fixed (the floor
/// then depends on the dice) or zero (a ratio to zero means nothing).
///
/// ```text
/// 20 codes, 0.1 s: sequential (m = 1) 2.0 s; m = 20 0.1 s; m = 8 0.3 s
/// ```
pub fn latency_floor(delay: Option<Delay>, codes: usize, concurrency: usize) -> Option<Duration> {
    match delay {
        Some(Delay::Fixed(d)) if !d.is_zero() => {
            let waves = codes.div_ceil(concurrency.max(1));
            Some(d * u32::try_from(waves).ok()?)
        }
        _ => None,
    }
}

/// The rounds of one style at one concurrency, summarised.
#[derive(Debug, Clone)]
pub struct Row {
    /// The style.
    pub style: Style,
    /// Its concurrency.
    pub concurrency: usize,
    /// Median wall time.
    pub median: Duration,
    /// Fastest round.
    pub min: Duration,
    /// Slowest round.
    pub max: Duration,
    /// The latency floor, when known.
    pub floor: Option<Duration>,
    /// Median CPU time of a round.
    pub cpu: Option<Duration>,
    /// Largest peak resident memory and growth of any round, KiB.
    pub memory: Option<(u64, u64)>,
    /// The counts of the median round.
    pub counter: Counter,
    /// True when every round accounted for every code.
    pub complete: bool,
}

/// Summarises `runs` (all of one style and concurrency) against `codes` codes.
pub fn summarise(runs: &[&Run], codes: usize, delay: Option<Delay>) -> Option<Row> {
    let first = runs.first()?;
    let walls: Vec<Duration> = runs.iter().map(|run| run.cost.wall).collect();
    let median_wall = median(&walls);
    let median_run = runs.iter().find(|run| run.cost.wall == median_wall)?;
    let cpus: Option<Vec<Duration>> = runs.iter().map(|run| run.cost.cpu).collect();
    let memory = runs
        .iter()
        .map(|run| run.cost.memory.map(|m| (m.peak_kib, m.growth_kib)))
        .collect::<Option<Vec<_>>>()
        .and_then(|all| all.into_iter().max_by_key(|(_, growth)| *growth));
    Some(Row {
        style: first.style,
        concurrency: first.concurrency,
        median: median_wall,
        min: walls.iter().copied().min().unwrap_or_default(),
        max: walls.iter().copied().max().unwrap_or_default(),
        floor: latency_floor(delay, codes, first.concurrency),
        cpu: cpus.map(|cpus| median(&cpus)),
        memory,
        counter: median_run.counter,
        complete: runs.iter().all(|run| run.counter.total() == codes),
    })
}

/// Groups `runs` by style and concurrency, in the order each group first appears.
pub fn rows(runs: &[Run], codes: usize, delay: Option<Delay>) -> Vec<Row> {
    let mut keys: Vec<(Style, usize)> = Vec::new();
    for run in runs {
        if !keys.contains(&(run.style, run.concurrency)) {
            keys.push((run.style, run.concurrency));
        }
    }
    keys.into_iter()
        .filter_map(|(style, concurrency)| {
            let group: Vec<&Run> = runs
                .iter()
                .filter(|run| run.style == style && run.concurrency == concurrency)
                .collect();
            summarise(&group, codes, delay)
        })
        .collect()
}

/// The rows as a plain-text table, with a header line.
pub fn render(rows: &[Row], codes: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10} {:>4}  {:>8} {:>17}  {:>7} {:>6}  {:>7} {:>9}  {:>18}  {:>14}",
        "style",
        "-m",
        "median",
        "(min-max) s",
        "floor",
        "ratio",
        "CPU s",
        "CPU/req",
        "peak RSS (+run)",
        "ok/404/error"
    );
    for row in rows {
        let secs = |d: Duration| format!("{:.3}", d.as_secs_f64());
        let floor = row.floor.map_or("n/a".to_owned(), secs);
        let ratio = row.floor.map_or("n/a".to_owned(), |floor| {
            format!("{:.2}x", row.median.as_secs_f64() / floor.as_secs_f64())
        });
        let (cpu, per_request) = row.cpu.map_or(("n/a".to_owned(), "n/a".to_owned()), |cpu| {
            let per = cpu.as_secs_f64() * 1000.0 / codes.max(1) as f64;
            (format!("{:.3}", cpu.as_secs_f64()), format!("{per:.3} ms"))
        });
        let memory = row.memory.map_or("n/a".to_owned(), |(peak, growth)| {
            format!(
                "{:.1} MiB (+{:.1})",
                peak as f64 / 1024.0,
                growth as f64 / 1024.0
            )
        });
        let counts = format!(
            "{}/{}/{}{}",
            row.counter.ok,
            row.counter.not_found,
            row.counter.errors,
            if row.complete { "" } else { " !" }
        );
        let _ = writeln!(
            out,
            "{:<10} {:>4}  {:>8} {:>17}  {:>7} {:>6}  {:>7} {:>9}  {:>18}  {:>14}",
            row.style.name(),
            row.concurrency,
            secs(row.median),
            format!("({}-{})", secs(row.min), secs(row.max)),
            floor,
            ratio,
            cpu,
            per_request,
            memory,
            counts
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_one_delay_per_wave_of_requests() {
        let d = Some(Delay::Fixed(Duration::from_millis(100)));
        assert_eq!(latency_floor(d, 20, 1), Some(Duration::from_secs(2)));
        assert_eq!(latency_floor(d, 20, 20), Some(Duration::from_millis(100)));
        assert_eq!(latency_floor(d, 20, 8), Some(Duration::from_millis(300)));
        assert_eq!(latency_floor(Some(Delay::None), 20, 1), None);
        assert_eq!(latency_floor(None, 20, 1), None);
    }
}
