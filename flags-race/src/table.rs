//! The race's table: one row per style and concurrency, summarising its rounds.

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

/// The rows as a plain-text table, with a header line: at most 80 columns, so that it fits a
/// terminal, a projector and the book's page.
pub fn render(rows: &[Row], codes: usize) -> String {
    let mut out = header_line() + "\n";
    for row in rows {
        out += &row_line(row, codes);
        out.push('\n');
    }
    out
}

/// The table's column titles.
pub fn header_line() -> String {
    format!(
        "{:<10} {:>4} {:>6} {:>13} {:>6} {:>7} {:>14} {:>11}",
        "style", "-m", "median", "min-max s", "ratio", "CPU ms", "MiB (+run)", "ok/404/err"
    )
}

/// One row of the table: the median time and the range of the rounds in seconds, the median's
/// ratio to the latency floor ([`latency_floor`]), CPU milliseconds per request, the peak
/// resident memory in MiB and how much the run added, and the counts of the median round (`!`
/// when a round lost a code).
pub fn row_line(row: &Row, codes: usize) -> String {
    let secs = |d: Duration| format!("{:.3}", d.as_secs_f64());
    let ratio = row.floor.map_or("n/a".to_owned(), |floor| {
        format!("{:.2}x", row.median.as_secs_f64() / floor.as_secs_f64())
    });
    let per_request = row.cpu.map_or("n/a".to_owned(), |cpu| {
        format!("{:.3}", cpu.as_secs_f64() * 1000.0 / codes.max(1) as f64)
    });
    let memory = row.memory.map_or("n/a".to_owned(), |(peak, growth)| {
        format!(
            "{:.1} (+{:.1})",
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
    format!(
        "{:<10} {:>4} {:>6} {:>13} {:>6} {:>7} {:>14} {:>11}",
        row.style.name(),
        row.concurrency,
        secs(row.median),
        format!("{}-{}", secs(row.min), secs(row.max)),
        ratio,
        per_request,
        memory,
        counts
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_of_the_widest_figures_fits_80_columns() {
        let row = Row {
            style: Style::Threadpool,
            concurrency: 1000,
            median: Duration::from_millis(12_345),
            min: Duration::from_millis(10_001),
            max: Duration::from_millis(99_999),
            floor: Some(Duration::from_millis(2000)),
            cpu: Some(Duration::from_millis(1234)),
            memory: Some((999 * 1024, 512 * 1024)),
            counter: Counter {
                ok: 194,
                not_found: 482,
                errors: 0,
            },
            complete: false,
        };
        for line in render(&[row], 676).lines() {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
    }

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
