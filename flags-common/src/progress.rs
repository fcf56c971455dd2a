//! Showing a flags2 run as it goes: an indicatif progress bar over completed downloads (the twin of
//! the `tqdm` bar in the flags2 scripts), one line per code in verbose mode, or nothing at all for
//! a caller with a display of its own (the race).
//!
//! Whichever the style, only one thread calls [`Progress::record`]: the loop that consumes
//! completions (`as_completed`, `FuturesUnordered`, or the sequential loop itself). That keeps the
//! bar, the verbose lines and the [`Counter`] free of locks, and it is why the counts always add up:
//! every result passes through this one place exactly once.

use std::fmt::{self, Display};
use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

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

/// The bar's layout: tqdm's default, `{l_bar}{bar}{r_bar}`, which reads
/// ` 45%|████▌     | 9/20 [00:01<00:01,  7.43it/s]`. The keys in `tqdm_*` are ours (see
/// [`tqdm_style`]): indicatif's own `{percent}`, `{elapsed_precise}` and `{per_sec}` are close but
/// not tqdm's (no padding, hours always shown, a rate with four decimals).
const TEMPLATE: &str =
    "{tqdm_percent}|{wide_bar}| {pos}/{len} [{tqdm_elapsed}<{tqdm_remaining}, {tqdm_rate}]";

/// The bar's fill: whole blocks and eighths, as tqdm draws on a terminal that has them.
const BAR_CHARS: &str = "█▉▊▋▌▍▎▏ ";

/// The progress display and the running count of one flags2 run.
pub struct Progress {
    bar: ProgressBar,
    verbose: bool,
    counter: Counter,
    /// Where the newline after the last bar goes: the terminal the bar is drawn on.
    end_of_bar: Box<dyn Write + Send>,
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("bar", &self.bar)
            .field("verbose", &self.verbose)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl Progress {
    /// A display for `total` downloads, shown as `shown` says.
    ///
    /// The bar draws on stderr, and indicatif draws nothing when stderr is not a terminal: piped
    /// into a file or read by a test, the output holds the reports and nothing else.
    pub fn new(total: usize, shown: Shown) -> Progress {
        Progress::drawing_to(
            total,
            shown,
            ProgressDrawTarget::stderr(),
            Box::new(std::io::stderr()),
        )
    }

    /// [`Progress::new`] with the bar, if any, drawn on `target` instead of stderr, and the
    /// newline that ends it written to `end_of_bar`.
    fn drawing_to(
        total: usize,
        shown: Shown,
        target: ProgressDrawTarget,
        end_of_bar: Box<dyn Write + Send>,
    ) -> Progress {
        let bar = if shown == Shown::Bar {
            let bar = ProgressBar::with_draw_target(
                Some(u64::try_from(total).unwrap_or(u64::MAX)),
                target,
            );
            bar.set_style(tqdm_style());
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            verbose: shown == Shown::Verbose,
            counter: Counter::default(),
            end_of_bar,
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
    ///
    /// Then the line is ended, as tqdm's `close()` does: indicatif leaves the cursor at the end of
    /// the bar, and the report that follows (on stdout, the same terminal) would start on the
    /// bar's line.
    pub fn finish(mut self) -> Counter {
        if self
            .bar
            .length()
            .is_some_and(|total| self.bar.position() < total)
        {
            self.bar.abandon();
        } else {
            self.bar.finish();
        }
        // Hidden: no bar to end (stderr is not a terminal, or nothing was asked for).
        if !self.bar.is_hidden() {
            let _ = self.end_of_bar.write_all(b"\n");
            let _ = self.end_of_bar.flush();
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

/// The tqdm look for indicatif: [`TEMPLATE`] with its `tqdm_*` keys.
fn tqdm_style() -> ProgressStyle {
    ProgressStyle::with_template(TEMPLATE)
        .expect("TEMPLATE is a valid indicatif template")
        .progress_chars(BAR_CHARS)
        .with_key(
            "tqdm_percent",
            |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{}", tqdm_percent(state.fraction()));
            },
        )
        .with_key(
            "tqdm_elapsed",
            |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{}", tqdm_interval(state.elapsed()));
            },
        )
        .with_key(
            "tqdm_remaining",
            |state: &ProgressState, w: &mut dyn fmt::Write| {
                // Unknown until something has finished, as in tqdm.
                let text = if state.pos() == 0 {
                    "?".to_owned()
                } else {
                    tqdm_interval(state.eta())
                };
                let _ = write!(w, "{text}");
            },
        )
        .with_key(
            "tqdm_rate",
            |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{}", tqdm_rate(state.per_sec()));
            },
        )
}

/// tqdm's `{percentage:3.0f}%`: rounded, three wide.
///
/// ```
/// use flags_common::progress::tqdm_percent;
/// assert_eq!(tqdm_percent(0.0), "  0%");
/// assert_eq!(tqdm_percent(2.0 / 3.0), " 67%");
/// assert_eq!(tqdm_percent(1.0), "100%");
/// ```
pub fn tqdm_percent(fraction: f32) -> String {
    format!("{:3.0}%", f64::from(fraction) * 100.0)
}

/// tqdm's `format_interval`: `MM:SS`, or `H:MM:SS` from an hour on.
///
/// ```
/// use std::time::Duration;
/// use flags_common::progress::tqdm_interval;
/// assert_eq!(tqdm_interval(Duration::from_millis(61_900)), "01:01");
/// assert_eq!(tqdm_interval(Duration::from_secs(3_723)), "1:02:03");
/// ```
pub fn tqdm_interval(interval: Duration) -> String {
    let secs = interval.as_secs();
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes:02}:{seconds:02}")
    }
}

/// tqdm's rate: `{rate:5.2f}it/s`, or, slower than one per second, the seconds each one takes
/// (`{1/rate:5.2f}s/it`), or `?it/s` before there is a rate.
///
/// ```
/// use flags_common::progress::tqdm_rate;
/// assert_eq!(tqdm_rate(29.035_6), "29.04it/s");
/// assert_eq!(tqdm_rate(7.0), " 7.00it/s");
/// assert_eq!(tqdm_rate(0.4), " 2.50s/it");
/// assert_eq!(tqdm_rate(0.0), "?it/s");
/// ```
pub fn tqdm_rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        "?it/s".to_owned()
    } else if per_sec < 1.0 {
        format!("{:5.2}s/it", 1.0 / per_sec)
    } else {
        format!("{per_sec:5.2}it/s")
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
        fn push(&self, text: &str) -> std::io::Result<()> {
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
            self.push(line)?;
            self.push("\n")
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            self.push(text)
        }
        // A carriage return stands for the erased line: what follows the last one is the last
        // thing drawn.
        fn clear_line(&self) -> std::io::Result<()> {
            self.push("\r")
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Write for Screen {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.push(&String::from_utf8_lossy(bytes))?;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn draw_two_downloads(shown: Shown) -> String {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let mut progress = Progress::drawing_to(2, shown, target, Box::new(screen.clone()));
        progress.record("BR", &Ok(()));
        progress.record("CN", &Ok(()));
        progress.finish();
        screen.text()
    }

    /// The last bar drawn (what follows the last erased line) and whether a newline ended it.
    fn last_bar(screen: &str) -> (String, bool) {
        let last = screen.rsplit('\r').next().unwrap_or_default();
        let ended = last.ends_with('\n');
        // indicatif pads the line with spaces to the terminal's width.
        (last.trim_end().to_owned(), ended)
    }

    #[test]
    fn the_bar_draws_on_a_terminal() {
        assert!(draw_two_downloads(Shown::Bar).contains("2/2"));
    }

    #[test]
    fn the_final_bar_looks_like_tqdm_and_ends_its_line() {
        let screen = draw_two_downloads(Shown::Bar);
        let (bar, ended) = last_bar(&screen);
        // The report printed next starts on a line of its own.
        assert!(ended, "{screen:?}");
        let (left, right) = bar.split_once("| 2/2 [").expect("a count after the bar");
        assert!(left.starts_with("100%|█"), "{bar}");
        assert!(
            left.trim_start_matches("100%|").chars().all(|c| c == '█'),
            "{bar}"
        );
        // `[00:00<00:00, 1234.57it/s]`: tqdm's times and a rate with two decimals.
        let (times, rate) = right
            .strip_suffix("it/s]")
            .and_then(|r| r.split_once(", "))
            .unwrap_or_else(|| panic!("no rate in {bar}"));
        assert_eq!(times, "00:00<00:00", "{bar}");
        let (_, decimals) = rate
            .trim()
            .split_once('.')
            .unwrap_or_else(|| panic!("{bar}"));
        assert_eq!(decimals.len(), 2, "{bar}");
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
