//! Showing a flags2 run as it goes: an indicatif progress bar over completed downloads (the twin of
//! the `tqdm` bar in the flags2 scripts), or one line per code in verbose mode.
//!
//! Whichever the style, only one thread calls [`Progress::record`]: the loop that consumes
//! completions (`as_completed`, `FuturesUnordered`, or the sequential loop itself). That keeps the
//! bar, the verbose lines and the [`Counter`] free of locks, and it is why the counts always add up:
//! every result passes through this one place exactly once.

use std::fmt::Display;
use std::io::Write;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::download::DownloadError;
use crate::status::{Counter, DownloadStatus};

/// The progress display and the running count of one flags2 run.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    verbose: bool,
    counter: Counter,
}

impl Progress {
    /// A display for `total` downloads. Verbose mode prints a line per code on stdout and no bar.
    ///
    /// The bar draws on stderr, and indicatif draws nothing when stderr is not a terminal: piped
    /// into a file or read by a test, the output holds the reports and nothing else.
    pub fn new(total: usize, verbose: bool) -> Progress {
        let bar = if verbose {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(
                Some(u64::try_from(total).unwrap_or(u64::MAX)),
                ProgressDrawTarget::stderr(),
            );
            // The tqdm look: bar, count, elapsed<remaining, rate.
            if let Ok(style) = ProgressStyle::with_template(
                "{wide_bar} {pos}/{len} [{elapsed_precise}<{eta_precise}, {per_sec}]",
            ) {
                bar.set_style(style);
            }
            bar
        };
        Progress {
            bar,
            verbose,
            counter: Counter::default(),
        }
    }

    /// Counts one finished download and shows it: `BR OK`, `XX not found: URL`,
    /// `CD error: HTTP error 418 - I'm a teapot: URL` in verbose mode, a step of the bar otherwise.
    pub fn record(&mut self, cc: &str, result: &Result<(), DownloadError>) -> DownloadStatus {
        let status = DownloadStatus::of(result);
        if self.verbose {
            match result {
                Ok(()) => self.say(format_args!("{cc} OK")),
                Err(DownloadError::Http {
                    url, status: 404, ..
                }) => {
                    self.say(format_args!("{cc} not found: {url}"));
                }
                Err(err) => self.say(format_args!("{cc} error: {err}")),
            }
        }
        self.count(status);
        status
    }

    /// Counts one download that failed for a reason outside [`DownloadError`] (a task that
    /// panicked, metadata that makes no sense), with the message verbose mode prints.
    pub fn record_error(&mut self, cc: &str, message: &dyn Display) {
        if self.verbose {
            self.say(format_args!("{cc} error: {message}"));
        }
        self.count(DownloadStatus::Error);
    }

    /// The counts so far.
    pub fn counter(&self) -> Counter {
        self.counter
    }

    /// Leaves the bar drawn where it got to and returns the counts.
    ///
    /// indicatif's `finish` would move the bar to 100%, which after Ctrl-C claims downloads that
    /// never happened: a run that stopped short leaves its bar where it stopped (`abandon`).
    pub fn finish(self) -> Counter {
        if self
            .bar
            .length()
            .is_some_and(|total| self.bar.position() < total)
        {
            self.bar.abandon();
        } else {
            self.bar.finish();
        }
        self.counter
    }

    fn count(&mut self, status: DownloadStatus) {
        self.counter.add(status);
        self.bar.inc(1);
    }

    fn say(&self, line: std::fmt::Arguments<'_>) {
        // A closed stdout (`| head`) must not abort the downloads: ignore write errors.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_result_is_counted_once_in_its_column() {
        let mut progress = Progress::new(4, false);
        progress.record("BR", &Ok(()));
        progress.record("XX", &Err(DownloadError::http("u", 404)));
        progress.record("CD", &Err(DownloadError::http("u", 418)));
        progress.record_error("ZZ", &"the task panicked");
        let counter = progress.finish();
        assert_eq!(
            counter,
            Counter {
                ok: 1,
                not_found: 1,
                errors: 2
            }
        );
    }

    #[test]
    fn a_run_cut_short_leaves_its_bar_where_it_stopped() {
        let mut progress = Progress::new(3, false);
        let bar = progress.bar.clone();
        progress.record("BR", &Ok(()));
        progress.finish();
        assert!(bar.is_finished());
        assert_eq!(
            bar.position(),
            1,
            "the bar claims downloads that never happened"
        );
    }

    #[test]
    fn a_complete_run_fills_its_bar() {
        let mut progress = Progress::new(2, false);
        let bar = progress.bar.clone();
        progress.record("BR", &Ok(()));
        progress.record("CN", &Ok(()));
        progress.finish();
        assert_eq!((bar.is_finished(), bar.position()), (true, 2));
    }
}
