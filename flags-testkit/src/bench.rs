//! Timing a `download_many` against a server of fixed latency: the bench binaries of the three
//! style crates share this, so their figures are measured the same way.
//!
//! With a fixed delay per request the best possible time (the *floor*) is known exactly: 20
//! sequential requests at 0.1 s cannot take less than 2 s, 20 concurrent ones not less than 0.1 s.
//! Reporting the ratio to that floor says how much the program itself adds, and unlike a raw time
//! it means the same thing on a fast laptop and a busy CI machine.

use std::time::{Duration, Instant};

use flags_common::harness::Job;
use flags_server::{Delay, FlagServer, ServerConfig};

/// Runs `download_many` on the 20 codes `rounds` times against a built-in server that delays each
/// request by exactly `delay`, each round into a fresh folder, and prints the median, the range and
/// the ratio of the median to `floor`. Returns the median.
pub fn against_floor(
    style: &str,
    download_many: impl Fn(&Job) -> anyhow::Result<usize>,
    delay: Duration,
    floor: Duration,
    rounds: usize,
) -> anyhow::Result<Duration> {
    let server = FlagServer::start(ServerConfig {
        delay: Delay::Fixed(delay),
        ..ServerConfig::default()
    })?;
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let dir = tempfile::tempdir()?;
        let job = Job {
            dest_dir: dir.path().to_path_buf(),
            ..Job::pop20(server.base_url())
        };
        let t0 = Instant::now();
        let count = download_many(&job)?;
        times.push(t0.elapsed());
        anyhow::ensure!(
            count == job.codes.len(),
            "{style}: only {count} flags downloaded"
        );
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "\n{style}: median {:.3} s (min {:.3}, max {:.3}) over {} runs at {} ms per request = {:.2}x the {:.2} s floor",
        median.as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
        times.len(),
        delay.as_millis(),
        median.as_secs_f64() / floor.as_secs_f64(),
        floor.as_secs_f64(),
    );
    Ok(median)
}
