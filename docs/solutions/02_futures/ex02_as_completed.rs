//! Exercise 2 · Results as they complete, with a progress count (follows
//! `flags_threadpool_futures.py` and the progress display of `flags2_threadpool.py`).
//!
//! `report_as_completed` gets the futures of downloads already submitted. Report each one *as
//! soon as it is done*, not in the order of the slice: call `on_line` once per future with
//! `"[done/total] CC saved"` or `"[done/total] failed: <error>"`, and return the tally. `main`
//! feeds your lines to a progress bar.
//!
//! Test it: `cargo test --bin ex02_as_completed` (in `docs/`). Run it:
//! `cargo run --bin ex02_as_completed`. Hints: `docs/info.toml` or the book's exercise page.

use std::sync::Arc;

use executor_core::{Executor, Future, ThreadPoolExecutor, as_completed};
use flags_common::download::{DownloadError, REQUEST_TIMEOUT};
use flags_common::harness::Job;
use flags_sequential::{download_one, http_agent};

/// How many downloads succeeded and how many failed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    saved: usize,
    failed: usize,
}

// ANCHOR: task
/// Reports every future as it completes, numbering the reports `[1/n]`, `[2/n]`, ...
fn report_as_completed(
    futures: &[Future<Result<String, DownloadError>>],
    mut on_line: impl FnMut(String),
) -> Tally {
    let total = futures.len();
    let mut tally = Tally::default();
    // No timeout: `as_completed` then never yields an `Err`, but the type still says it could.
    for (index, future) in as_completed(futures, None).flatten().enumerate() {
        let done = index + 1;
        // Two ways to fail: the download returned an error, or the task itself panicked.
        let line = match future.result(None) {
            Ok(Ok(cc)) => {
                tally.saved += 1;
                format!("[{done}/{total}] {cc} saved")
            }
            Ok(Err(error)) => {
                tally.failed += 1;
                format!("[{done}/{total}] failed: {error}")
            }
            Err(error) => {
                tally.failed += 1;
                format!("[{done}/{total}] failed: {error}")
            }
        };
        on_line(line);
    }
    tally
}
// ANCHOR_END: task

fn main() -> anyhow::Result<()> {
    let server = flags_server::FlagServer::start(flags_common::site::Profile::Internet.config(7))?;
    let folder = tempfile::tempdir()?;
    let job = Arc::new(Job {
        dest_dir: folder.path().to_path_buf(),
        ..Job::pop20(server.base_url())
    });
    let agent = http_agent(REQUEST_TIMEOUT);
    let executor = ThreadPoolExecutor::new(4)?;
    let mut futures = Vec::new();
    for cc in job.sorted_codes() {
        let (agent, job) = (agent.clone(), Arc::clone(&job));
        futures.push(executor.submit(move || download_one(&agent, &job, &cc).map(|()| cc))?);
    }
    // A progress bar fed by the same lines: `bar.println` prints above the bar, `inc` moves it.
    // indicatif hides the bar (and its `println`) when stderr is not a terminal: then plain
    // `println!` keeps the lines.
    let bar = indicatif::ProgressBar::new(futures.len() as u64);
    let tally = report_as_completed(&futures, |line| {
        if bar.is_hidden() {
            println!("{line}");
        } else {
            bar.println(line);
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    println!("{tally:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use executor_core::TaskError;
    use executor_core::implementer::{Completer, new_future};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    type Outcome = Result<String, DownloadError>;

    /// How long the driver waits for a finished future to be reported before it carries on.
    /// A right answer reports within microseconds; the limit only rescues an answer that waits
    /// on the futures in slice order, or reports nothing until all are done (see
    /// `complete_in_order`). Generous, so that only such an answer ever reaches it.
    const REPORT_PATIENCE: Duration = Duration::from_secs(5);

    /// Completes the futures one at a time in `order`, waiting after each until the function
    /// under test has reported it: that makes the completion order certain, with no sleeps.
    /// Returns, for each future in `order`, whether its report came before the driver gave up
    /// waiting.
    ///
    /// An answer that loops over the slice blocks on `futures[0]`, which this driver finishes
    /// only after the report of `futures[2]`: waiting forever would deadlock the test. So the
    /// driver waits at most `REPORT_PATIENCE`, then finishes the next future anyway; the wrong
    /// answer then reports in slice order and the assertion names the mistake. The limit does
    /// not endanger a right answer: once `as_completed` has started watching, it yields futures
    /// in the order they finished, so a report that comes late still comes in the right order.
    /// (Only a test thread frozen for the whole `REPORT_PATIENCE` between starting this driver
    /// and calling `as_completed`, a few lines apart, could see two futures already done.)
    fn complete_in_order(
        completers: Vec<Completer<Outcome>>,
        order: Vec<usize>,
        acks: mpsc::Receiver<()>,
    ) -> thread::JoinHandle<Vec<bool>> {
        let mut slots: Vec<Option<Completer<Outcome>>> = completers.into_iter().map(Some).collect();
        thread::spawn(move || {
            let mut reported_in_time = Vec::new();
            for index in order {
                let completer = slots[index].take().unwrap();
                if index == 1 {
                    completer
                        .set_result(Err(DownloadError::http("http://x/flags/cd/cd.gif", 418)))
                        .unwrap();
                } else {
                    completer.set_result(Ok(format!("C{index}"))).unwrap();
                }
                reported_in_time.push(acks.recv_timeout(REPORT_PATIENCE).is_ok());
            }
            reported_in_time
        })
    }

    #[test]
    fn reports_in_completion_order_with_a_count() {
        let (futures, completers): (Vec<_>, Vec<_>) = (0..3).map(|_| new_future()).unzip();
        let (ack, acks) = mpsc::channel();
        let driver = complete_in_order(completers, vec![2, 0, 1], acks);
        let mut lines = Vec::new();
        let tally = report_as_completed(&futures, |line| {
            lines.push(line);
            // The driver stops listening after the last future; a late report is still fine.
            let _ = ack.send(());
        });
        let reported_in_time = driver.join().unwrap();
        assert_eq!(
            lines,
            [
                "[1/3] C2 saved",
                "[2/3] C0 saved",
                "[3/3] failed: HTTP error 418 - I'm a teapot: http://x/flags/cd/cd.gif",
            ],
            "the futures finished in the order 2, 0, 1 and must be reported in that order, \
             counted 1, 2, 3; lines in slice order (C0 first) mean the loop waited on each \
             future in turn instead of taking them from `as_completed`"
        );
        assert_eq!(
            reported_in_time,
            [true, true, true],
            "a future finished and its line did not come while the others were still running \
             (the test waited {REPORT_PATIENCE:?} each time): call `on_line` inside the loop, \
             as each future completes, not after collecting them all"
        );
        assert_eq!(
            tally,
            Tally {
                saved: 2,
                failed: 1
            },
            "two downloads saved their flag and one failed"
        );
    }

    #[test]
    fn a_panicked_task_counts_as_failed() {
        let (future, completer) = new_future::<Outcome>();
        completer
            .set_exception(TaskError::from_panic(&"boom"))
            .unwrap();
        let mut lines = Vec::new();
        let tally = report_as_completed(&[future], |line| lines.push(line));
        assert_eq!(
            tally,
            Tally {
                saved: 0,
                failed: 1
            },
            "a task that panicked is a failed download: `future.result(None)` is then an `Err`"
        );
        assert_eq!(
            lines,
            ["[1/1] failed: the task failed: the task panicked: boom"],
            "a panicked task gets its line like any other, counted from 1: `[done/total] failed: <the future's error>`"
        );
    }

    #[test]
    fn no_futures_no_lines() {
        let mut lines = Vec::new();
        assert_eq!(
            report_as_completed(&[], |line| lines.push(line)),
            Tally::default(),
            "nothing to report, nothing counted"
        );
        assert!(lines.is_empty(), "no futures, yet lines: {lines:?}");
    }
}
