//! Showing a flags2 run as it goes: an indicatif progress bar over completed downloads (the twin of
//! the `tqdm` bar in the flags2 scripts), one line per code in verbose mode, or nothing at all for
//! a caller with a display of its own (the race).
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

/// How a flags2 run shows its progress: `verbose` of the Python scripts, plus a way to show
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    /// A progress bar on stderr, drawn only when stderr is a terminal: the default.
    #[default]
    Bar,
    /// One line per code on stdout and no bar: `-v`.
    Verbose,
    /// Nothing, even on a terminal: for a caller that shows its own output, like the race, which
    /// would otherwise get dozens of bars between the lines of its table.
    Nothing,
}

/// The progress display and the running count of one flags2 run.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    verbose: bool,
    counter: Counter,
}

impl Progress {
    /// A display for `total` downloads, shown as `shown` says.
    ///
    /// The bar draws on stderr, and indicatif draws nothing when stderr is not a terminal: piped
    /// into a file or read by a test, the output holds the reports and nothing else.
    pub fn new(total: usize, shown: Shown) -> Progress {
        Progress::drawing_to(total, shown, ProgressDrawTarget::stderr())
    }

    /// [`Progress::new`] with the bar, if any, drawn on `target` instead of stderr.
    fn drawing_to(total: usize, shown: Shown, target: ProgressDrawTarget) -> Progress {
        let bar = if shown == Shown::Bar {
            let bar = ProgressBar::with_draw_target(
                Some(u64::try_from(total).unwrap_or(u64::MAX)),
                target,
            );
            // The tqdm look: bar, count, elapsed<remaining, rate.
            if let Ok(style) = ProgressStyle::with_template(
                "{wide_bar} {pos}/{len} [{elapsed_precise}<{eta_precise}, {per_sec}]",
            ) {
                bar.set_style(style);
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            verbose: shown == Shown::Verbose,
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
        let mut progress = Progress::new(4, Shown::Bar);
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
        let mut progress = Progress::new(3, Shown::Bar);
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

    /// A terminal that keeps whatever is written to it, to see what a display draws.
    #[derive(Debug, Clone, Default)]
    struct Screen(std::sync::Arc<std::sync::Mutex<String>>);

    impl Screen {
        fn text(&self) -> String {
            self.0.lock().unwrap().clone()
        }
        fn write(&self, text: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(text);
            Ok(())
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> std::io::Result<()> {
            self.write(line)?;
            self.write("\n")
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            self.write(text)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn draw_two_downloads(shown: Shown) -> String {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let mut progress = Progress::drawing_to(2, shown, target);
        progress.record("BR", &Ok(()));
        progress.record("CN", &Ok(()));
        progress.finish();
        screen.text()
    }

    #[test]
    fn the_bar_draws_on_a_terminal() {
        assert!(draw_two_downloads(Shown::Bar).contains("2/2"));
    }

    #[test]
    fn showing_nothing_draws_nothing_even_on_a_terminal() {
        assert_eq!(draw_two_downloads(Shown::Nothing), "");
        assert_eq!(draw_two_downloads(Shown::Verbose), "");
    }

    #[test]
    fn a_complete_run_fills_its_bar() {
        let mut progress = Progress::new(2, Shown::Bar);
        let bar = progress.bar.clone();
        progress.record("BR", &Ok(()));
        progress.record("CN", &Ok(()));
        progress.finish();
        assert_eq!((bar.is_finished(), bar.position()), (true, 2));
    }
}
