//! Downloading flags on a thread pool with blocking HTTP: the twin of `flags_threadpool.py` and
//! `flags_threadpool_futures.py`.
//!
//! The request code is `flags-sequential`'s, unchanged: [`get_flag`](flags_sequential::get_flag)
//! blocks its thread until the answer arrives. What changes is that several threads block at once,
//! so their waits overlap. With the default pool (min(32, cores + 4) workers, 6 on a 2-core
//! machine) 20 downloads take about ceil(20 / 6) = 4 round trips instead of 20.
//!
//! Blocking a thread on I/O costs no CPU, only the thread's memory (its stack); that is why a pool
//! of threads is a perfectly good tool for a few dozen downloads, and why async I/O wins only when
//! the count of simultaneous connections grows into the thousands.

pub mod flags2;

use std::sync::Arc;

use executor_core::{Executor, Future, ThreadPoolExecutor, as_completed};
use flags_common::download::{DownloadError, REQUEST_TIMEOUT};
use flags_common::harness::{Job, say, show_progress};
use flags_sequential::http_agent;

// ANCHOR: download_one
/// Downloads and saves one flag, prints its code, and returns it. This runs on a worker thread.
pub fn download_one(agent: &ureq::Agent, job: &Job, cc: String) -> Result<String, DownloadError> {
    flags_sequential::download_one(agent, job, &cc)?;
    show_progress(&cc);
    Ok(cc)
}
// ANCHOR_END: download_one

// ANCHOR: download_many
/// Downloads every flag of the job with `ThreadPoolExecutor::map` on the default pool.
///
/// `map` submits every download at once and yields the results in the order of the codes, even
/// though they finish in any order: the codes printed by the workers come out shuffled, but the
/// loop below sees `BD` first, then `BR`, and so on.
pub fn download_many(job: &Job) -> anyhow::Result<usize> {
    let agent = http_agent(REQUEST_TIMEOUT);
    // Tasks must own what they use (`'static`): they may outlive this stack frame as far as the
    // compiler knows. One `Arc` shares the job among all of them without copying it 20 times.
    let shared_job = Arc::new(job.clone());
    let executor = ThreadPoolExecutor::default();
    let results = executor.map(
        move |cc| download_one(&agent, &shared_job, cc),
        job.sorted_codes(),
        None,
    )?;
    let mut count = 0;
    for result in results {
        // Two layers: the outer `?` is the task itself failing (a panic, a broken pool), the
        // inner one the download's own error, returned as a value.
        result??;
        count += 1;
    }
    Ok(count)
    // `executor` is dropped here: like leaving Python's `with` block, that waits for the workers.
}
// ANCHOR_END: download_many

// ANCHOR: download_many_futures
/// The `flags_threadpool_futures.py` version: `submit` + `as_completed` on 3 workers, only 5 codes,
/// printing each future as it is scheduled and as it completes.
///
/// The 5 codes are the first five of the job's list (`POP20_CC` is ordered by population: CN IN
/// US ID BR), submitted in alphabetical order: BR CN ID IN US, as the script's `cc_list[:5]` and
/// then `sorted(cc_list)` give.
///
/// With 3 workers and 5 tasks, at most three futures can be running at once; the others wait in
/// the queue. What the `Scheduled` lines show is a race: `submit` returns as soon as the task is
/// queued, usually before a worker has picked it up, so even the first futures often print
/// `state=pending` (in CPython the GIL hands over to the new worker thread sooner, so its run tends
/// to show `state=running` for the first three).
pub fn download_many_futures(job: &Job) -> anyhow::Result<usize> {
    let agent = http_agent(REQUEST_TIMEOUT);
    let shared_job = Arc::new(job.clone());
    let executor = ThreadPoolExecutor::new(3)?;
    let mut to_do: Vec<Future<Result<String, DownloadError>>> = Vec::new();
    let mut first_five: Vec<String> = job.codes.iter().take(5).cloned().collect();
    first_five.sort();
    for cc in first_five {
        let (agent, job) = (agent.clone(), Arc::clone(&shared_job));
        let label = cc.clone();
        let future = executor.submit(move || download_one(&agent, &job, cc))?;
        say(&format!("Scheduled for {label}: {future}"));
        to_do.push(future);
    }
    let mut count = 0;
    for future in as_completed(&to_do, None) {
        let future = future?;
        // `result` lends the value (`&T`): the future keeps it, so it can still be printed.
        match future.result(None)? {
            Ok(cc) => say(&format!("{future} result: {cc:?}")),
            Err(err) => anyhow::bail!("{err}"),
        }
        count += 1;
    }
    Ok(count)
}
// ANCHOR_END: download_many_futures
