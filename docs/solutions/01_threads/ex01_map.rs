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

    fn job_for(server: &FlagServer, folder: &tempfile::TempDir) -> Job {
        Job {
            dest_dir: folder.path().to_path_buf(),
            ..Job::pop20(server.base_url())
        }
    }

    #[test]
    fn saves_all_twenty_flags() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let codes = download_many(&executor, &job_for(&server, &folder)).unwrap();
        assert_eq!(codes.len(), 20);
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        flags_testkit::verify::verify_downloads(folder.path(), &codes).unwrap();
    }

    #[test]
    fn results_come_back_in_input_order() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let job = job_for(&server, &folder);
        let codes = download_many(&executor, &job).unwrap();
        assert_eq!(
            codes,
            job.sorted_codes(),
            "map yields results in input order"
        );
    }

    #[test]
    fn downloads_run_on_the_pool() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(4).unwrap();
        download_many(&executor, &job_for(&server, &folder)).unwrap();
        assert!(
            executor.num_threads() > 0,
            "no worker thread started: the downloads did not go through the executor"
        );
    }

    #[test]
    fn a_missing_flag_is_an_error() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let folder = tempfile::tempdir().unwrap();
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let job = Job {
            codes: vec!["BR".into(), "XX".into()],
            ..job_for(&server, &folder)
        };
        assert!(download_many(&executor, &job).is_err());
    }
}
