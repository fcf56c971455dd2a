//! The async strategy against the built-in server: all 20 flags arrive intact, no temp files left.

use flags_common::codes::POP20_CC;
use flags_common::harness::Job;
use flags_common::server::{FlagServer, ServerConfig};
use flags_common::verify::verify_downloads;

#[test]
fn all_twenty_flags_arrive_intact() {
    let server = FlagServer::start(ServerConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let job = Job {
        dest_dir: dir.path().join("downloaded"),
        ..Job::pop20(server.base_url())
    };
    assert_eq!(flags_async::download_many(&job).unwrap(), 20);
    verify_downloads(&job.dest_dir, &POP20_CC).unwrap();
}
