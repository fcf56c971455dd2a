//! Exercise 4 · Retry with exponential backoff against the ERROR server (the server side is
//! `slow_server.py`'s error rate; the flags2 scripts report errors but never retry).
//!
//! Write `is_retryable`, which tells a passing failure (418, 429, any 5xx, a timeout, a broken
//! connection) from a permanent one (404 and other 4xx, a body too large, a redirect we refuse,
//! a body that is not a GIF, a failed save), and
//! `retry`, which calls `attempt` until it succeeds, fails permanently, or has been tried
//! `max_attempts` times. Before try n + 1 it calls `sleep` with `first_delay * 2^(n-1)`,
//! never more than `max_delay`. `sleep` is a parameter so the tests can record the delays
//! instead of waiting them out.
//!
//! Test it: `cargo test --bin ex04_retry_backoff` (in `docs/`). Run it:
//! `cargo run --bin ex04_retry_backoff`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(dead_code, unused_mut, unused_variables)]

use std::time::Duration;

use flags_common::download::DownloadError;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    first_delay: Duration,
    max_delay: Duration,
    max_attempts: u32,
}

// ANCHOR: task
/// True for failures that another try may cure.
fn is_retryable(error: &DownloadError) -> bool {
    // TODO: Match on the error: which HTTP statuses, and which other kinds, deserve another try?
    todo!()
}

/// Calls `attempt` until it succeeds, fails for good, or `policy.max_attempts` tries are spent.
fn retry<T>(
    policy: &Backoff,
    mut sleep: impl FnMut(Duration),
    mut attempt: impl FnMut() -> Result<T, DownloadError>,
) -> Result<T, DownloadError> {
    // TODO: Call `attempt()` in a loop. Stop on success, on a permanent error, or after
    // `policy.max_attempts` tries; otherwise `sleep(delay)` and double the delay, capped at
    // `policy.max_delay`.
    todo!()
}
// ANCHOR_END: task

fn main() -> anyhow::Result<()> {
    use flags_common::download::REQUEST_TIMEOUT;
    use flags_common::site::Profile;

    let server = flags_server::FlagServer::start(Profile::Error.config(2026))?;
    let agent = flags_sequential::http_agent(REQUEST_TIMEOUT);
    let policy = Backoff {
        first_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_attempts: 4,
    };
    // With seed 2026 the ERROR server fails ET twice, FR once and the others never: a mix
    // that shows a retry at work (ET on try 3, FR on try 2) between flags that arrive at once.
    for cc in ["BR", "CN", "ET", "FR", "US"] {
        let mut tries = 0;
        let outcome = retry(&policy, std::thread::sleep, || {
            tries += 1;
            flags_sequential::get_flag(&agent, &server.base_url(), cc)
        });
        match outcome {
            Ok(image) => println!("{cc}: {} bytes, on try {tries}", image.len()),
            Err(error) => println!("{cc}: gave up after {tries} tries: {error}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn policy(max_attempts: u32) -> Backoff {
        Backoff {
            first_delay: MS(100),
            max_delay: MS(500),
            max_attempts,
        }
    }

    fn http(status: u16) -> DownloadError {
        DownloadError::http("http://127.0.0.1/flags/br/br.gif", status)
    }

    /// Runs `retry` with a script of outcomes; returns the result, the tries and the sleeps.
    fn run(
        max_attempts: u32,
        mut script: Vec<Result<&'static str, DownloadError>>,
    ) -> (Result<&'static str, DownloadError>, usize, Vec<Duration>) {
        let scripted = script.len();
        script.reverse();
        let mut sleeps = Vec::new();
        let mut tries = 0;
        let result = retry(
            &policy(max_attempts),
            |d| sleeps.push(d),
            || {
                tries += 1;
                script.pop().unwrap_or_else(|| {
                    panic!(
                        "retry made try number {}, but this test scripted only {scripted}: \
                         stop on success, on an error that is not retryable (such as a 404), \
                         and once max_attempts ({max_attempts}) tries are spent",
                        scripted + 1
                    )
                })
            },
        );
        (result, tries, sleeps)
    }

    #[test]
    fn passing_errors_are_retryable_and_permanent_ones_are_not() {
        for status in [418, 429, 500, 503] {
            assert!(
                is_retryable(&http(status)),
                "HTTP {status} should be retried: the server may answer next time"
            );
        }
        for status in [400, 403, 404] {
            assert!(
                !is_retryable(&http(status)),
                "HTTP {status} should not be retried: asking again gets the same answer"
            );
        }
        assert!(
            is_retryable(&DownloadError::Timeout {
                url: "u".into(),
                after: None
            }),
            "a timeout should be retried"
        );
        let reset = DownloadError::Transport {
            url: "u".into(),
            cause: "connection reset".into(),
        };
        assert!(
            is_retryable(&reset),
            "a broken connection should be retried"
        );
        assert!(
            !is_retryable(&DownloadError::TooLarge {
                url: "u".into(),
                limit: 1
            }),
            "a body over the size limit should not be retried: it will be as large next time"
        );
    }

    #[test]
    fn succeeds_after_two_teapots_with_doubling_delays() {
        let (result, tries, sleeps) = run(5, vec![Err(http(418)), Err(http(418)), Ok("GIF")]);
        assert_eq!(
            result.as_ref().ok(),
            Some(&"GIF"),
            "the third try succeeded, so retry must return its value: {result:?}"
        );
        assert_eq!(tries, 3, "two failures and one success: three tries");
        assert_eq!(
            sleeps,
            [MS(100), MS(200)],
            "one sleep before each new try, doubling from first_delay (100 ms)"
        );
    }

    #[test]
    fn gives_up_after_max_attempts_with_capped_delays() {
        let script = (0..5).map(|_| Err(http(503))).collect();
        let (result, tries, sleeps) = run(5, script);
        assert!(
            matches!(result, Err(DownloadError::Http { status: 503, .. })),
            "after the last try, retry must return the last error, not {result:?}"
        );
        assert_eq!(tries, 5, "max_attempts is 5: five tries in all");
        assert_eq!(
            sleeps,
            [MS(100), MS(200), MS(400), MS(500)],
            "the delays double from first_delay and never pass max_delay (500 ms); there is \
             no sleep after the last try"
        );
    }

    #[test]
    fn a_404_is_not_retried() {
        let (result, tries, sleeps) = run(5, vec![Err(http(404))]);
        assert!(
            matches!(result, Err(DownloadError::Http { status: 404, .. })),
            "a 404 must come back as it is, not {result:?}"
        );
        assert_eq!(tries, 1, "a 404 is permanent: one try only");
        assert!(
            sleeps.is_empty(),
            "no try to wait for, yet slept {sleeps:?}"
        );
    }

    #[test]
    fn success_at_once_never_sleeps() {
        let (result, tries, sleeps) = run(3, vec![Ok("GIF")]);
        assert_eq!(
            (result.ok(), tries, sleeps),
            (Some("GIF"), 1, vec![]),
            "a first try that succeeds: its value, one try, no sleep"
        );
    }
}
