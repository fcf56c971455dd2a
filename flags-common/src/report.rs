//! The text the flags2 programs print before and after a run: the twin of `initial_report` and
//! `final_report` in `flags2_common.py`, with the plurals right.
//!
//! The functions return `String`s rather than printing, so tests can check the exact wording and
//! the harness decides where the text goes.
//!
//! ```text
//! LOCAL site: http://127.0.0.1:40001/flags
//! Searching for 676 flags: from AA to ZZ
//! 100 concurrent connections will be used.
//! --------------------
//! 194 flags downloaded.
//! 482 not found.
//! Elapsed time: 0.41s
//! ```

use std::fmt::Write;
use std::time::Duration;

use crate::status::Counter;

/// The three lines printed before downloading: the site, the codes, the concurrency.
///
/// Up to 10 codes are listed; more are summarised by the first and the last.
///
/// ```
/// let text = flags_common::report::initial_report("LOCAL", "http://h/flags", &["BR", "CN"], 1);
/// assert_eq!(text, "LOCAL site: http://h/flags\nSearching for 2 flags: BR, CN\n1 connection will be used.\n");
/// ```
pub fn initial_report(
    server_label: &str,
    base_url: &str,
    codes: &[impl AsRef<str>],
    concur_req: usize,
) -> String {
    let listed = match codes {
        [] => String::new(),
        [first, .., last] if codes.len() > 10 => {
            format!("from {} to {}", first.as_ref(), last.as_ref())
        }
        _ => codes
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut text = format!("{server_label} site: {base_url}\n");
    let _ = writeln!(
        text,
        "Searching for {}: {listed}",
        counted(codes.len(), "flag", "flags")
    );
    if concur_req == 1 {
        text.push_str("1 connection will be used.\n");
    } else {
        let _ = writeln!(text, "{concur_req} concurrent connections will be used.");
    }
    text
}

/// The lines printed after the run: a rule, the counts, and the elapsed time.
///
/// Like `flags2_common.py`, the *not found* and *error* lines appear only when their count is not
/// zero. A run stopped by Ctrl-C adds a line saying how many codes were never tried, so the
/// numbers still add up to the codes requested.
///
/// ```
/// use std::time::Duration;
/// use flags_common::status::Counter;
///
/// let counter = Counter { ok: 1, not_found: 0, errors: 2 };
/// let text = flags_common::report::final_report(&counter, 3, Duration::from_millis(1234), false);
/// assert_eq!(text, "--------------------\n  1 flag downloaded.\n  2 errors.\nElapsed time: 1.23s\n");
/// ```
pub fn final_report(
    counter: &Counter,
    requested: usize,
    elapsed: Duration,
    interrupted: bool,
) -> String {
    let mut text = format!("{}\n", "-".repeat(20));
    let _ = writeln!(
        text,
        "{:3} {} downloaded.",
        counter.ok,
        plural(counter.ok, "flag", "flags")
    );
    if counter.not_found > 0 {
        let _ = writeln!(text, "{:3} not found.", counter.not_found);
    }
    if counter.errors > 0 {
        let _ = writeln!(
            text,
            "{:3} {}.",
            counter.errors,
            plural(counter.errors, "error", "errors")
        );
    }
    let untried = requested.saturating_sub(counter.total());
    if interrupted || untried > 0 {
        let _ = writeln!(
            text,
            "*** Interrupted: {} not tried.",
            counted(untried, "code", "codes")
        );
    }
    let _ = writeln!(text, "Elapsed time: {:.2}s", elapsed.as_secs_f64());
    text
}

/// Reads the counts back from a final report: what tests and the speed benchmarks check.
/// Returns `None` if the text has no report in it.
///
/// ```
/// use flags_common::report::parse_final_report;
/// let counter = parse_final_report("--------------------\n194 flags downloaded.\n482 not found.\n").unwrap();
/// assert_eq!((counter.ok, counter.not_found, counter.errors), (194, 482, 0));
/// ```
pub fn parse_final_report(text: &str) -> Option<Counter> {
    let mut counter = Counter::default();
    let mut seen_report = false;
    for line in text.lines().map(str::trim) {
        let Some((number, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(number) = number.parse::<usize>() else {
            continue;
        };
        match rest {
            "flag downloaded." | "flags downloaded." => {
                counter.ok = number;
                seen_report = true;
            }
            "not found." => counter.not_found = number,
            "error." | "errors." => counter.errors = number,
            _ => {}
        }
    }
    seen_report.then_some(counter)
}

/// `1 flag`, `2 flags`, `0 flags`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_ten_codes_are_summarised_by_the_first_and_last() {
        let codes: Vec<String> = (b'A'..=b'K').map(|c| format!("{}A", c as char)).collect();
        let text = initial_report("DELAY", "http://x", &codes, 5);
        assert!(
            text.contains("Searching for 11 flags: from AA to KA\n"),
            "{text}"
        );
        assert!(text.ends_with("5 concurrent connections will be used.\n"));
    }

    #[test]
    fn one_code_is_one_flag() {
        let text = initial_report("LOCAL", "http://x", &["BR"], 1);
        assert!(text.contains("Searching for 1 flag: BR\n"), "{text}");
    }

    #[test]
    fn singular_counts_read_as_singular() {
        let counter = Counter {
            ok: 1,
            not_found: 1,
            errors: 1,
        };
        let text = final_report(&counter, 3, Duration::ZERO, false);
        assert!(text.contains("  1 flag downloaded.\n"));
        assert!(text.contains("  1 not found.\n"));
        assert!(text.contains("  1 error.\n"));
        assert!(!text.contains("Interrupted"));
    }

    #[test]
    fn zero_flags_is_plural_and_empty_columns_are_omitted() {
        let text = final_report(&Counter::default(), 0, Duration::ZERO, false);
        assert_eq!(
            text,
            "--------------------\n  0 flags downloaded.\nElapsed time: 0.00s\n"
        );
    }

    #[test]
    fn an_interrupted_run_accounts_for_the_codes_not_tried() {
        let counter = Counter {
            ok: 3,
            not_found: 0,
            errors: 0,
        };
        let text = final_report(&counter, 20, Duration::ZERO, true);
        assert!(
            text.contains("*** Interrupted: 17 codes not tried.\n"),
            "{text}"
        );
    }

    #[test]
    fn parsing_reads_back_what_final_report_writes() {
        let counter = Counter {
            ok: 150,
            not_found: 2,
            errors: 42,
        };
        let text = final_report(&counter, 194, Duration::ZERO, false);
        assert_eq!(parse_final_report(&text), Some(counter));
        assert_eq!(parse_final_report("no report here"), None);
    }
}
