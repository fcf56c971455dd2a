//! The thread-pool strategies against the built-in server: every flag arrives intact, and a failed
//! download surfaces as an error instead of being lost in a worker thread.

use flags_common::harness::Job;
use flags_server::{FlagServer, ServerConfig};
use flags_testkit::verify::{verify_downloads, verify_strategy};

fn job_for(server: &FlagServer, dir: &tempfile::TempDir) -> Job {
    Job {
        dest_dir: dir.path().join("downloaded"),
        ..Job::pop20(server.base_url())
    }
}

#[test]
fn map_downloads_all_twenty_flags_intact() {
    verify_strategy(flags_threadpool::download_many).unwrap();
}

#[test]
fn submit_and_as_completed_download_the_first_five_codes() {
    let server = FlagServer::start(ServerConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let job = job_for(&server, &dir);
    assert_eq!(flags_threadpool::download_many_futures(&job).unwrap(), 5);
    // The first five of the job's codes (`POP20_CC`, most populous first), not of the sorted ones.
    let first_five: Vec<&str> = job.codes.iter().take(5).map(String::as_str).collect();
    verify_downloads(&job.dest_dir, &first_five).unwrap();
}

#[test]
fn a_missing_flag_fails_the_run_with_its_url() {
    let server = FlagServer::start(ServerConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let job = Job {
        codes: vec!["BR".into(), "XX".into()],
        ..job_for(&server, &dir)
    };
    let err = flags_threadpool::download_many(&job).unwrap_err();
    assert!(
        err.to_string().contains("HTTP error 404 - Not Found"),
        "{err}"
    );
    assert!(err.to_string().ends_with("/xx/xx.gif"), "{err}");
}
