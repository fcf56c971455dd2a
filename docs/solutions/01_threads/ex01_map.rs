//! Exercise 1 · From a loop to `ThreadPoolExecutor::map` (follows `flags_threadpool.py`).
//!
//! `download_many` below downloads the flags one after another, like `flags-sequential`.
//! Make it download them on the pool it is given, with `Executor::map`, and return the codes in
//! the order `map` hands the results back.
//!
//! Test it: `cargo test --bin ex01_map` (in `docs/`). Run it: `cargo run --bin ex01_map`.
//! Hints: the `ex01_map` entry in `docs/info.toml`, or the exercise's page in the book.

use std::sync::Arc;

use executor_core::{Executor, ThreadPoolExecutor};
use flags_common::download::REQUEST_TIMEOUT;
use flags_common::harness::Job;
use flags_sequential::{download_one, http_agent};

// ANCHOR: task
/// Downloads every flag of `job` on `executor` and returns the codes in the order `map` yields
/// their results.
fn download_many(executor: &ThreadPoolExecutor, job: &Job) -> anyhow::Result<Vec<String>> {
    let agent = http_agent(REQUEST_TIMEOUT);
    // The task must own what it uses (`'static`): share one copy of the job among all tasks.
    let shared_job = Arc::new(job.clone());
    let results = executor.map(
        move |cc: String| download_one(&agent, &shared_job, &cc).map(|()| cc),
        job.sorted_codes(),
        None,
    )?;
    let mut codes = Vec::new();
    for result in results {
        // Outer `?`: the task panicked. Inner `?`: the download failed.
        codes.push(result??);
    }
    Ok(codes)
}
// ANCHOR_END: task

fn main() -> anyhow::Result<()> {
    let server = flags_server::FlagServer::start(Default::default())?;
    let folder = tempfile::tempdir()?;
    let job = Job {
        dest_dir: folder.path().to_path_buf(),
        ..Job::pop20(server.base_url())
    };
    let executor = ThreadPoolExecutor::new(4)?;
    let codes = download_many(&executor, &job)?;
    println!(
        "{} flags, results in this order: {}",
        codes.len(),
        codes.join(" ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flags_server::{FlagServer, ServerConfig};
    use flags_testkit::watch::WatchedServer;
    use std::time::Duration;

    /// The pool of every test: four workers.
    const WORKERS: usize = 4;

    fn job_for(base_url: String, folder: &tempfile::TempDir) -> Job {
        Job {
            dest_dir: folder.path().to_path_buf(),
            ..Job::pop20(base_url)
        }
    }

    /// Eight flags, so the slow tests below take two rounds of the pool, not five.
    fn eight_codes() -> Vec<String> {
        ["BD", "BR", "CN", "EG", "ET", "ID", "IN", "JP"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn saves_all_twenty_flags() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(WORKERS).unwrap();
        let codes = download_many(&executor, &job_for(server.base_url(), &folder)).unwrap();
        assert_eq!(codes.len(), 20, "one code per flag saved: {codes:?}");
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        if let Err(problem) = flags_testkit::verify::verify_downloads(folder.path(), &codes) {
            panic!("the download folder is not right: {problem}");
        }
    }

    #[test]
    fn downloads_overlap_on_the_server() {
        // Every answer takes 0.2 s, so the server sees how many downloads wait at once. A loop
        // (or a `submit` followed by a wait for its result, code after code) never has two
        // there: its peak is 1. Four workers each send their next request as soon as the last
        // one is answered, so a right answer peaks at 4. The test asks for 3, not 4: room for
        // one worker that a loaded machine starts late, and still far from what a loop shows.
        let server = WatchedServer::start(Duration::from_millis(200)).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(WORKERS).unwrap();
        let job = Job {
            codes: eight_codes(),
            ..job_for(server.base_url(), &folder)
        };
        download_many(&executor, &job).unwrap();
        let peak = server.peak_in_flight();
        assert!(
            peak >= 3,
            "the flag server never had more than {peak} download(s) in progress at once, with \
             {WORKERS} workers: the flags were downloaded one after another. Hand every code to \
             `executor.map` at once instead of downloading (or waiting for) one at a time"
        );
        assert_eq!(
            server.arrivals().len(),
            8,
            "one request per flag: {:?}",
            server.arrivals()
        );
    }

    #[test]
    fn results_come_back_in_input_order() {
        // The first code's flag takes 0.6 s, the others 0.1 s: it finishes last, so codes
        // collected as the downloads finish (`as_completed`) come back out of order.
        let server = WatchedServer::start_with_delays(|path| {
            Duration::from_millis(if path.contains("/bd/") { 600 } else { 100 })
        })
        .unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(WORKERS).unwrap();
        let job = Job {
            codes: eight_codes(),
            ..job_for(server.base_url(), &folder)
        };
        let codes = download_many(&executor, &job).unwrap();
        assert_eq!(
            codes,
            job.sorted_codes(),
            "the codes must come back in the order they went in (alphabetical), as `map` \
             yields them; BD, the slowest download, finished last but must still come first"
        );
    }

    #[test]
    fn a_missing_flag_is_an_error() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(WORKERS).unwrap();
        let job = Job {
            codes: vec!["BR".into(), "XX".into()],
            ..job_for(server.base_url(), &folder)
        };
        let outcome = download_many(&executor, &job);
        assert!(
            outcome.is_err(),
            "there is no flag for XX, so download_many must fail, not return {outcome:?}: \
             pass each download's error on with `?`"
        );
    }
}
