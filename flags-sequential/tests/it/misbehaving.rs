//! The sequential downloaders against a misbehaving flag site (`flags_testkit::misbehaving`):
//! redirects followed or refused by the shared policy, and 2xx answers that are not a whole GIF
//! (empty, an HTML page, cut short) counted as errors, never saved as flags.

use std::time::Duration;

use flags_sequential::{get_flag, http_agent};
use flags_testkit::misbehaving::{self, ANSWERS};

#[test]
fn get_flag_follows_or_refuses_each_answer_as_the_policy_says() {
    let (_server, base_url) = misbehaving::serve();
    let agent = http_agent(Duration::from_secs(5));
    for answer in ANSWERS {
        let result = get_flag(&agent, &base_url, answer.cc)
            .map(drop)
            .map_err(|e| e.to_string());
        misbehaving::check(answer, result).unwrap();
    }
}

#[test]
fn flags2_sequential_counts_each_answer_as_the_policy_says() {
    let (_server, base_url) = misbehaving::serve();
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags2-sequential")
        .current_dir(dir.path())
        .args(["-v", "-s", &base_url])
        .args(misbehaving::codes())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    misbehaving::check_verbose_run(&stdout).unwrap();
    // Only the redirected flag was saved, whole.
    assert_eq!(
        flags_testkit::whole_flags_only(&dir.path().join("downloaded")),
        Ok(1)
    );
}
