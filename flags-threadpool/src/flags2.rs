//! The flags2 thread-pool downloader: the twin of `flags2_threadpool.py`. `submit` every download
//! to a pool of `-m` threads, then consume them with `as_completed`, counting each outcome and
//! moving the progress bar as they finish, in whatever order that is.
//!
//! Run it with `cargo run -p flags-threadpool --bin flags2-threadpool -- -a -m 100`.

use std::collections::HashMap;
use std::sync::Arc;

use executor_core::{Executor, Future, FutureError, ThreadPoolExecutor, as_completed};
use flags_common::download::{DownloadError, FLAGS2_REQUEST_TIMEOUT};
use flags_common::flags2::Flags2Job;
use flags_common::harness::Job;
use flags_common::interrupt::Interrupt;
use flags_common::observe::{Event, Observer};
use flags_common::progress::Progress;
use flags_common::status::{Counter, DownloadStatus};
use flags_sequential::http_agent;

thread_local! {
    /// Each worker thread's own agent, and so its own keep-alive connection: the
    /// `threading.local()` session of threaded Python clients. One agent shared by all threads
    /// would work too (its pool is thread-safe), but every request would lock that one pool, and
    /// ureq walks the whole list of idle connections each time one is handed back: with 676
    /// workers (`-e -m 1000`) that walk took a tenth of the program's CPU time. The time limit
    /// is `flags2_sequential.py`'s 3.1 s, which `flags2_threadpool.py` imports with its
    /// `download_one`.
    static AGENT: ureq::Agent = http_agent(FLAGS2_REQUEST_TIMEOUT);
}

/// What a task returns: `None` when Ctrl-C came before it started, so it never tried.
type Attempt = Option<Result<(), DownloadError>>;

// ANCHOR: download_many
/// Downloads the job's codes on a pool of `concur_req` threads, counting each outcome.
///
/// `to_do_map` maps each future to its code, as in the Python script: `as_completed` hands back
/// futures, and a future that failed (a panicking task) has no result to read the code from.
#[expect(
    clippy::mutable_key_type,
    reason = "futures hash by address, which their interior mutability never changes"
)]
pub fn download_many(run: &Flags2Job) -> anyhow::Result<Counter> {
    let job = Arc::new(run.job.clone());
    let executor = ThreadPoolExecutor::new(run.concur_req)?;
    let mut to_do_map: HashMap<Future<Attempt>, &str> = HashMap::new();
    for cc in &run.job.codes {
        let (job, interrupt) = (Arc::clone(&job), run.interrupt.clone());
        let observer = run.observer.clone();
        let code = cc.clone();
        let future = executor.submit(move || {
            AGENT.with(|agent| {
                download_unless_interrupted(agent, &job, &code, &interrupt, observer.as_ref())
            })
        })?;
        to_do_map.insert(future, cc);
    }
    // Everything is queued: close the pool now (Python's `shutdown(wait=False)`), so that each
    // worker exits as soon as the queue is empty, while other downloads are still in flight,
    // instead of all of them exiting together after the last one. Dropping the executor at the
    // end still waits for them, like the end of a `with` block.
    executor.shutdown(false, false);

    let mut progress = Progress::new(to_do_map.len(), run.progress);
    let mut cancelled_the_rest = false;
    for future in as_completed(to_do_map.keys(), None) {
        // With no timeout, `as_completed` never gives up: this `?` cannot fire.
        let future = future?;
        let cc = to_do_map[future];
        match future.result(None) {
            Ok(Some(result)) => {
                let status = progress.record(cc, result);
                run.observe(Event::Finished { code: cc, status });
            }
            // Never started: Ctrl-C came first.
            Ok(None) | Err(FutureError::Cancelled) => {}
            // The task panicked or the pool broke: still an outcome for this code.
            Err(err) => {
                progress.record_error(cc, &err);
                let status = DownloadStatus::Error;
                run.observe(Event::Finished { code: cc, status });
            }
        }
        if run.interrupt.is_set() && !cancelled_the_rest {
            // Python's `cancel()` on every future: the queued ones are dropped unrun, the running
            // ones refuse and finish normally (a blocking request cannot be cut short).
            for pending in to_do_map.keys() {
                pending.cancel();
            }
            cancelled_the_rest = true;
        }
    }
    Ok(progress.finish())
    // `executor` is dropped here: it waits for the workers, most of them gone by now.
}
// ANCHOR_END: download_many

/// One task: skip if Ctrl-C came while it sat in the queue, else download as the sequential
/// version does. Checking here closes the gap between Ctrl-C and the main thread's next chance to
/// cancel the queue (it may be blocked in `as_completed` for a whole request time).
///
/// The observer, if any, hears of the start here, on the worker that sends the request.
fn download_unless_interrupted(
    agent: &ureq::Agent,
    job: &Job,
    cc: &str,
    interrupt: &Interrupt,
    observer: Option<&Observer>,
) -> Attempt {
    if interrupt.is_set() {
        return None;
    }
    if let Some(observer) = observer {
        observer.notify(Event::Started { code: cc });
    }
    Some(flags_sequential::download_one(agent, job, cc))
}
